import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { prngKey } from '../key.js';
import { describeBackends, expectCovariance, expectMeans, expectNoLeaks, expectProbability } from '../testing/index.js';
import { normalDistribution } from './normal.js';
import { uniformDistribution } from './uniform.js';

describeBackends('normalDistribution', () => {
  it('samples N(mean, std^2 I) with the normalised log-density, and fits mean and std', () => {
    const noise = normalDistribution({ eventShape: [2], mean: 1, std: 2 });
    const x = noise.sample(prngKey(0), 20_000);
    expect(x.shape).toEqual([20_000, 2]);
    expectMeans(x, [1, 1]);
    expectCovariance(x, [1, 1], [[4, 0], [0, 4]]);
    // log p([1, 1]) = -2 log 2 - log(2 pi); log p([3, 1]) is 1/2 lower (one sd away in one coordinate).
    const logp = tf.tidy(() => noise.logProb(tf.tensor2d([[1, 1], [3, 1]])).arraySync());
    expect(logp[0]).toBeCloseTo(-2 * Math.log(2) - Math.log(2 * Math.PI), 5);
    expect(logp[0]! - logp[1]!).toBeCloseTo(0.5, 5);
    const fitted = noise.fit(x);
    expect(fitted.mean).toBeCloseTo(1, 1);
    expect(fitted.std).toBeCloseTo(2, 1);
    expect(fitted.eventShape).toEqual([2]);
    expectNoLeaks(() => tf.dispose([noise.sample(prngKey(1), 4), noise.logProb(x)]), 20);
    x.dispose();
  });

  it('works on image-shaped events and rejects bad options and inputs, naming them', () => {
    const noise = normalDistribution({ eventShape: [2, 2, 1] });
    expect(tf.tidy(() => noise.sample(prngKey(0), 3).shape)).toEqual([3, 2, 2, 1]);
    expect(() => normalDistribution({ eventShape: [2], std: 0 })).toThrow(/^std:/);
    expect(() => normalDistribution({ eventShape: [0] })).toThrow(ShapeError);
    expect(() => normalDistribution({ eventShape: [2], mean: Number.NaN })).toThrow(InvalidArgumentError);
    const wrong = tf.zeros([3, 2]);
    expect(() => noise.logProb(wrong)).toThrow(/^x: has per-sample shape \[2\] but the model expects \[2, 2, 1\]/);
    wrong.dispose();
  });
});

describeBackends('uniformDistribution', () => {
  it('samples U[low, high)^D with log p = -D log(high - low) inside and -Infinity outside, and fits the data range', () => {
    const noise = uniformDistribution({ eventShape: [2], low: -1, high: 1 });
    const x = noise.sample(prngKey(2), 20_000);
    expectMeans(x, [0, 0]);
    expectProbability(x, (v) => v(0) < -0.5, 0.25, { label: 'P(x_0 < -0.5)' });
    const points = tf.tensor2d([[0, 0.5], [1.5, 0], [1, 1]]);
    const [inside, outside, edge] = tf.tidy(() => noise.logProb(points).arraySync());
    expect(inside).toBeCloseTo(-2 * Math.log(2), 6);
    expect(outside).toBe(-Infinity);
    expect(edge).toBeCloseTo(-2 * Math.log(2), 6);
    const data = tf.tensor2d([[-3, 0], [1, 2]]);
    const fitted = noise.fit(data);
    expect([fitted.low, fitted.high]).toEqual([-3, 2]);
    expect(() => uniformDistribution({ eventShape: [2], low: 1, high: 1 })).toThrow(/^low:/);
    tf.dispose([x, points, data]);
  });
});
