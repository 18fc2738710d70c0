import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, prngKey } from '@ebm/core';
import { describeBackends, expectProbability } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { barsAndStripes, barsAndStripesCount, barsAndStripesLogLikelihood, sampleBarsAndStripes } from './bars-and-stripes.js';

function isBarsOrStripes(pixels: readonly number[], size: number): boolean {
  const at = (r: number, c: number) => pixels[r * size + c]!;
  const rowsConstant = Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, c) => at(r, c) === at(r, 0)).every(Boolean)).every(Boolean);
  const colsConstant = Array.from({ length: size }, (_, c) => Array.from({ length: size }, (_, r) => at(r, c) === at(0, c)).every(Boolean)).every(Boolean);
  return rowsConstant || colsConstant;
}

describeBackends('bars and stripes', () => {
  it('4x4: exactly 30 distinct patterns, all bars or stripes; best log-likelihood -log 30', () => {
    const all = barsAndStripes();
    expect(all.shape).toEqual([30, 16]);
    const rows = all.arraySync();
    expect(new Set(rows.map((r) => r.join(''))).size).toBe(30);
    expect(rows.every((r) => r.every((v) => v === 0 || v === 1) && isBarsOrStripes(r, 4))).toBe(true);
    // Brute force over all 2^16 binary images (row r = bits 4r..4r+3): stripes have every row 0000
    // or 1111, bars have four equal rows. Exactly 30 codes are either.
    let count = 0;
    for (let code = 0; code < 2 ** 16; code++) {
      const rowsOf = [0, 1, 2, 3].map((r) => (code >> (4 * r)) & 15);
      if (rowsOf.every((row) => row === 0 || row === 15) || rowsOf.every((row) => row === rowsOf[0])) count++;
    }
    expect(count).toBe(30);
    expect(barsAndStripesCount()).toBe(30);
    expect(barsAndStripesLogLikelihood()).toBeCloseTo(-Math.log(30), 12);
    expect(barsAndStripesCount({ size: 3 })).toBe(14);
    all.dispose();
  });

  it('samples the 30 patterns uniformly, seeded by the key', () => {
    const n = 6000;
    const x = sampleBarsAndStripes(prngKey(0), n);
    expect(x.shape).toEqual([n, 16]);
    const again = sampleBarsAndStripes(prngKey(0), 5);
    expect(again.arraySync()).toEqual(sampleBarsAndStripes(prngKey(0), 5).arraySync());
    const all = barsAndStripes().arraySync();
    for (const target of [all[0]!, all[7]!, all[29]!]) {
      expectProbability(x, (d) => target.every((v, p) => d(p) === v), 1 / 30);
    }
    const rows = x.arraySync();
    expect(rows.every((r) => isBarsOrStripes(r, 4))).toBe(true);
    tf.dispose([x, again]);
  });

  it('rejects bad sizes and counts naming the argument', () => {
    expect(() => barsAndStripes({ size: 1 })).toThrow(InvalidArgumentError);
    expect(() => barsAndStripes({ size: 11 })).toThrow(/^size: /);
    expect(() => sampleBarsAndStripes(prngKey(0), 0)).toThrow(/^n: /);
  });
});
