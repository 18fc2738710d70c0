import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, NonFiniteError } from '@ebm/core';
import { describeBackends, expectNoLeaks } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { logPartition1d } from './log-partition-1d.js';

/** E(y) = (y - mu)^2 / (2 s^2): log Z = log(s sqrt(2 pi)). */
function gaussian(mu: number, s: number) {
  return (y: tf.Tensor2D): tf.Tensor1D => tf.tidy(() => tf.div(tf.square(tf.sub(tf.squeeze(y, [1]), mu)), 2 * s * s) as tf.Tensor1D);
}

describeBackends('logPartition1d', () => {
  it('matches a Gaussian log Z within its error bound, which is small', () => {
    const exact = Math.log(0.7 * Math.sqrt(2 * Math.PI));
    const result = logPartition1d(gaussian(0.4, 0.7), { interval: [-5, 5], grid: 128, chunkSize: 50 });
    expect(result.interval).toEqual([-5, 5]);
    expect(Math.abs(result.logZ - exact)).toBeLessThanOrEqual(result.errorBound + 1e-6);
    expect(result.errorBound).toBeLessThan(1e-4);
  });

  it('the error bound covers a coarse grid and an interval that cuts off a tail', () => {
    const exact = Math.log(Math.sqrt(2 * Math.PI));
    // [-1.5, 6]: 6.7% of the mass lies below -1.5.
    const cut = logPartition1d(gaussian(0, 1), { interval: [-1.5, 6], grid: 16 });
    const missing = exact - cut.logZ;
    expect(missing).toBeGreaterThan(0.06);
    expect(Math.abs(cut.logZ - exact)).toBeLessThanOrEqual(cut.errorBound);
    expect(cut.boundaryDensity).toBeGreaterThan(0.1);
  });

  it('reports an infinite tail when the density rises at an end, and names bad arguments and values', () => {
    const rising = (y: tf.Tensor2D): tf.Tensor1D => tf.tidy(() => tf.neg(tf.squeeze(y, [1])) as tf.Tensor1D);
    expect(logPartition1d(rising, { interval: [0, 1], grid: 8 }).tailMass).toBe(Infinity);
    expect(() => logPartition1d(gaussian(0, 1), { interval: [1, 0] })).toThrow(InvalidArgumentError);
    expect(() => logPartition1d(gaussian(0, 1), { interval: [0, 1], grid: 7 })).toThrow(/even/);
    const nan = (y: tf.Tensor2D): tf.Tensor1D => tf.tidy(() => tf.div(tf.squeeze(y, [1]), 0) as tf.Tensor1D);
    expect(() => logPartition1d(nan, { interval: [-1, 1], grid: 4 })).toThrow(NonFiniteError);
  });

  it('leaks no tensor', () => {
    expectNoLeaks(() => void logPartition1d(gaussian(0, 1), { interval: [-4, 4], grid: 32, chunkSize: 10 }), 20);
  });
});
