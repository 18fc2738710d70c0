import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from './errors.js';
import { foldIn, keyData, keyFromData, prngKey, randomUint32, seedOf, split, threefry2x32 } from './key.js';
import { normal } from './random.js';
import { describeBackends } from './testing/index.js';

describe('threefry2x32', () => {
  it('matches the Random123 known-answer vectors (20 rounds)', () => {
    // Known-answer tests from Random123's kat_vectors for threefry2x32_20.
    expect(threefry2x32([0, 0], [0, 0])).toEqual([0x6b200159, 0x99ba4efe]);
    expect(threefry2x32([0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])).toEqual([0x1cb996fc, 0xbb002be7]);
    expect(threefry2x32([0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3])).toEqual([0xc4923a9c, 0x483df7a0]);
  });
});

describe('keys', () => {
  it('are deterministic and immutable', () => {
    expect(split(prngKey(7))).toEqual(split(prngKey(7)));
    expect(Object.isFrozen(prngKey(7))).toBe(true);
    expect(seedOf(prngKey(7))).toBe(seedOf(prngKey(7)));
  });

  it('give distinct children, folds and seeds', () => {
    const key = prngKey(3);
    const children = split(key, 100).map((k) => keyData(k).join(':'));
    const folds = Array.from({ length: 100 }, (_, i) => keyData(foldIn(key, i)).join(':'));
    expect(new Set([...children, ...folds]).size).toBe(200);
    const seeds = split(key, 1000).map(seedOf);
    expect(new Set(seeds).size).toBe(1000);
    expect(seeds.every((s) => Number.isSafeInteger(s) && s >= 0)).toBe(true);
  });

  it('round-trip through keyData', () => {
    const key = foldIn(prngKey(11), 5);
    expect(keyFromData(keyData(key))).toEqual(key);
  });

  it('produce uniform 32-bit words', () => {
    const words = randomUint32(prngKey(1), 20_000);
    let sum = 0;
    for (const w of words) sum += w / 2 ** 32;
    // Mean of U(0,1) is 1/2 with standard error sqrt(1/12 / n) = 0.00204; allow 4 se.
    expect(Math.abs(sum / words.length - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / words.length));
  });

  it('reject bad input with the argument named', () => {
    expect(() => prngKey(-1)).toThrow(InvalidArgumentError);
    expect(() => prngKey(1.5)).toThrow(/seed/);
    expect(() => split(prngKey(0), 0)).toThrow(/n: must be a positive integer/);
    expect(() => split({} as never)).toThrow(/key: is not a PRNG key/);
    expect(() => foldIn(prngKey(0), -2)).toThrow(/data/);
    expect(() => keyFromData([1])).toThrow(/data/);
  });
});

describeBackends('random tensors from keys', () => {
  it('same key gives the same numbers, different keys different numbers', () => {
    const [a, b] = split(prngKey(5));
    const x1 = normal(a!, [4, 3]);
    const x2 = normal(a!, [4, 3]);
    const y = normal(b!, [4, 3]);
    expect(x1.arraySync()).toEqual(x2.arraySync());
    expect(x1.arraySync()).not.toEqual(y.arraySync());
    tf.dispose([x1, x2, y]);
  });
});
