import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, prngKey } from '@ebm/core';
import { describeBackends, expectCovariance, expectMeans } from '@ebm/core/testing';
import { gaussianNoise } from './gaussian-noise.js';

const mean = [1, -2];
const covariance = [[2, 0.6], [0.6, 0.5]];

/** log N(x; mu, Sigma) for 2-D Sigma, by hand. */
function logDensity(x: number[]): number {
  const det = covariance[0]![0]! * covariance[1]![1]! - covariance[0]![1]! ** 2;
  const d = [x[0]! - mean[0]!, x[1]! - mean[1]!];
  const quad = (covariance[1]![1]! * d[0]! ** 2 - 2 * covariance[0]![1]! * d[0]! * d[1]! + covariance[0]![0]! * d[1]! ** 2) / det;
  return -0.5 * quad - 0.5 * Math.log(det) - Math.log(2 * Math.PI);
}

describeBackends('gaussianNoise', () => {
  it('draws samples with the given mean and covariance', () => {
    const noise = gaussianNoise({ mean, covariance });
    const y = noise.sample(prngKey(1), 4000);
    expect(y.shape).toEqual([4000, 2]);
    expectMeans(y, mean);
    expectCovariance(y, mean, covariance);
    y.dispose();
    noise.dispose();
  });

  it('has the closed-form log-density', () => {
    const noise = gaussianNoise({ mean, covariance });
    const points = [[0, 0], [1, -2], [3, 1]];
    const x = tf.tensor2d(points);
    const logp = noise.logProb(x).dataSync();
    points.forEach((p, i) => expect(logp[i]).toBeCloseTo(logDensity(p), 4));
    x.dispose();
    noise.dispose();
  });

  it('fit() takes the sample mean and the (1/N) sample covariance, plus ridge', () => {
    const data = tf.tensor2d([[0, 1], [2, 1], [1, 4], [1, 2]]);
    const noise = gaussianNoise.fit(data, { ridge: 0.1 });
    expect(noise.mean[0]).toBeCloseTo(1, 6);
    expect(noise.mean[1]).toBeCloseTo(2, 6);
    // Deviations: x (-1, 1, 0, 0), y (-1, -1, 2, 0): var 0.5 and 1.5, cov 0.
    [[0.6, 0], [0, 1.6]].forEach((row, i) => row.forEach((c, j) => expect(noise.covariance[i]![j]).toBeCloseTo(c, 6)));
    expect(noise.eventShape).toEqual([2]);
    // The Distribution contract's fit: an instance refits to other data, with the same options.
    const refitted = gaussianNoise({ mean: [0, 0], covariance: [[1, 0], [0, 1]] }).fit(data, { ridge: 0.1 });
    expect(refitted.mean).toEqual(noise.mean);
    expect(refitted.covariance).toEqual(noise.covariance);
    data.dispose();
    noise.dispose();
    refitted.dispose();
  });
});

describe('gaussianNoise arguments', () => {
  it('rejects a covariance that is not positive definite or of the wrong size, naming it', () => {
    expect(() => gaussianNoise({ mean: [0, 0], covariance: [[1, 2], [2, 1]] })).toThrow(InvalidArgumentError);
    expect(() => gaussianNoise({ mean: [0, 0], covariance: [[1, 2], [2, 1]] })).toThrow(/^covariance: must be symmetric positive definite/);
    expect(() => gaussianNoise({ mean: [0, 0], covariance: [[1]] })).toThrow(ShapeError);
    expect(() => gaussianNoise({ mean: [0, 0], covariance: [[1]] })).toThrow(/covariance/);
  });

  it('rejects degenerate data in fit(), pointing to ridge', () => {
    const data = tf.tensor2d([[1, 1], [2, 2], [3, 3]]);
    expect(() => gaussianNoise.fit(data)).toThrow(InvalidArgumentError);
    expect(() => gaussianNoise.fit(data)).toThrow(/data.*ridge/);
    const noise = gaussianNoise.fit(data, { ridge: 1e-3 });
    expect(noise.dim).toBe(2);
    noise.dispose();
    expect(() => gaussianNoise.fit(data, { ridge: -1 })).toThrow(/ridge/);
    const one = tf.zeros([1, 2]);
    expect(() => gaussianNoise.fit(one)).toThrow(ShapeError);
    tf.dispose([data, one]);
  });
});
