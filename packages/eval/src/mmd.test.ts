import * as tf from '@tensorflow/tfjs';
import { ShapeError, foldIn, prngKey, split } from '@ebm/core';
import { describeBackends, expectNoLeaks } from '@ebm/core/testing';
import { toyDatasets } from '@ebm/datasets';
import { expect, it } from 'vitest';
import { mmd } from './mmd.js';

describeBackends('mmd', () => {
  it('matches a hand-computed example, including the median-heuristic bandwidth', () => {
    const x = tf.tensor2d([
      [0, 0],
      [1, 0],
    ]);
    const y = tf.tensor2d([
      [0, 1],
      [2, 2],
    ]);
    // sigma = 1: k = exp(-d^2 / 2). Kxx off-diagonal d^2 = 1; Kyy d^2 = 5; Kxy d^2 = 1, 8, 2, 5.
    const expected = Math.exp(-0.5) + Math.exp(-2.5) - 0.5 * (Math.exp(-0.5) + Math.exp(-4) + Math.exp(-1) + Math.exp(-2.5));
    const fixed = mmd(x, y, { bandwidth: 1 });
    expect(fixed.mmd2).toBeCloseTo(expected, 6); // 0.151209
    expect(fixed.bandwidth).toBe(1);
    // Pooled distances 1, 1, sqrt 2, sqrt 5, sqrt 5, sqrt 8: median (sqrt 2 + sqrt 5) / 2.
    expect(mmd(x, y).bandwidth).toBeCloseTo((Math.SQRT2 + Math.sqrt(5)) / 2, 6);
    tf.dispose([x, y]);
  });

  it('is ~0 within its standard error for two samples of one distribution, clearly > 0 for different ones', () => {
    const [a, b, c] = split(prngKey(0), 3);
    const n = 400;
    const x = toyDatasets['8gaussians'].sample(a!, n);
    const y = toyDatasets['8gaussians'].sample(b!, n);
    const z = toyDatasets.moons.sample(c!, n);
    const same = mmd(x, y);
    expect(same.standardError).toBeGreaterThan(0);
    expect(Math.abs(same.mmd2)).toBeLessThanOrEqual(4 * same.standardError!);
    const different = mmd(x, z);
    expect(different.mmd2).toBeGreaterThan(5 * different.standardError!); // 0.051, se 0.0057
    // Unequal sizes: the estimate, no standard error.
    const sub = tf.slice(y, [0, 0], [150, 2]);
    const unequal = mmd(x, sub);
    expect(unequal.standardError).toBeUndefined();
    expect(Number.isFinite(unequal.mmd2)).toBe(true);
    tf.dispose([x, y, z, sub]);
  });

  it('is 0-mean under the null: the average of 20 independent estimates is within its standard error of 0', () => {
    const key = prngKey(1);
    const estimates: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [a, b] = split(foldIn(key, i));
      // checkerboard draws iid points (moons, circles and rings use evenly spaced angles, so two of
      // their batches are not independent samples and their MMD is biased below 0).
      const x = toyDatasets.checkerboard.sample(a!, 60);
      const y = toyDatasets.checkerboard.sample(b!, 60);
      estimates.push(mmd(x, y, { bandwidth: 1 }).mmd2);
      tf.dispose([x, y]);
    }
    const mean = estimates.reduce((s, v) => s + v, 0) / estimates.length;
    const sd = Math.sqrt(estimates.reduce((s, v) => s + (v - mean) ** 2, 0) / (estimates.length - 1));
    expect(Math.abs(mean)).toBeLessThanOrEqual((4 * sd) / Math.sqrt(estimates.length));
  });

  it('leaks nothing and rejects bad input naming the argument', () => {
    const x = tf.randomNormal([12, 2], 0, 1, 'float32', 1);
    const y = tf.randomNormal([12, 2], 0, 1, 'float32', 2);
    expectNoLeaks(() => {
      mmd(x, y);
    }, 50);
    const one = tf.zeros([1, 2]);
    const threeD = tf.zeros([4, 3]);
    const flat = tf.zeros([4]);
    expect(() => mmd(x, one)).toThrow(ShapeError);
    expect(() => mmd(x, threeD)).toThrow(/^y: /);
    expect(() => mmd(flat, y)).toThrow(/^x: /);
    expect(() => mmd(x, y, { bandwidth: 0 })).toThrow(/^bandwidth: /);
    const zeros = tf.zeros([4, 2]);
    expect(() => mmd(zeros, zeros)).toThrow(/^bandwidth: /);
    tf.dispose([x, y, one, threeD, flat, zeros]);
  });
});
