import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, prngKey } from '@ebm/core';
import { describeBackends, expectMeans, expectProbability } from '@ebm/core/testing';
import { gaussianMixtureNoise } from './gaussian-mixture-noise.js';

const options = {
  weights: [1, 3],
  means: [[-5, 0], [5, 1]],
  covariances: [[[1, 0], [0, 1]], [[0.5, 0.2], [0.2, 2]]],
};

describeBackends('gaussianMixtureNoise', () => {
  it('draws each component with its weight and the mixture mean', () => {
    const noise = gaussianMixtureNoise(options);
    expect(noise.weights).toEqual([0.25, 0.75]);
    expect(noise.eventShape).toEqual([2]);
    const y = noise.sample(prngKey(1), 4000);
    // The components sit 10 sd apart, so x < 0 identifies the first one.
    expectProbability(y, (draw) => draw(0) < 0, 0.25);
    expectMeans(y, [0.25 * -5 + 0.75 * 5, 0.75]);
    y.dispose();
    noise.dispose();
  });

  it('has the closed-form log-density log sum_k w_k N(x; mu_k, Sigma_k)', () => {
    const noise = gaussianMixtureNoise(options);
    const points = [[0, 0], [-5, 0], [4, 2]];
    const x = tf.tensor2d(points);
    const logp = noise.logProb(x).dataSync();
    const normalPdf = (p: number[], m: number[], c: number[][]) => {
      const det = c[0]![0]! * c[1]![1]! - c[0]![1]! ** 2;
      const d = [p[0]! - m[0]!, p[1]! - m[1]!];
      const quad = (c[1]![1]! * d[0]! ** 2 - 2 * c[0]![1]! * d[0]! * d[1]! + c[0]![0]! * d[1]! ** 2) / det;
      return Math.exp(-0.5 * quad) / (2 * Math.PI * Math.sqrt(det));
    };
    points.forEach((p, i) => {
      const density = 0.25 * normalPdf(p, options.means[0]!, options.covariances[0]!) + 0.75 * normalPdf(p, options.means[1]!, options.covariances[1]!);
      expect(logp[i]).toBeCloseTo(Math.log(density), 4);
    });
    x.dispose();
    noise.dispose();
  });
});

describe('gaussianMixtureNoise arguments', () => {
  it('rejects bad weights, mismatched lengths and bad covariances, naming the argument', () => {
    expect(() => gaussianMixtureNoise({ ...options, weights: [] })).toThrow(/weights/);
    expect(() => gaussianMixtureNoise({ ...options, weights: [1, -1] })).toThrow(InvalidArgumentError);
    expect(() => gaussianMixtureNoise({ ...options, weights: [1, -1] })).toThrow(/weights\[1\]/);
    expect(() => gaussianMixtureNoise({ ...options, weights: [1, 1, 1] })).toThrow(ShapeError);
    expect(() => gaussianMixtureNoise({ ...options, means: [[0, 0], [1]] })).toThrow(/means\[1\]/);
    expect(() => gaussianMixtureNoise({ ...options, covariances: [options.covariances[0]!, [[1, 3], [3, 1]]] })).toThrow(/^covariances\[1\]: must be symmetric positive definite/);
  });
});
