import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { ShapeError, prngKey } from '@ebm/core';
import { describeBackends, expectWithinStandardErrors } from '@ebm/core/testing';
import { CONDITIONAL_TOY_NAMES, conditionalToyDatasets, isConditionalToyName } from './conditional-toys.js';

describeBackends('conditional toy data sets', () => {
  for (const name of CONDITIONAL_TOY_NAMES) {
    it(`${name}: -mean log p(y | x) over its own samples estimates its conditional entropy`, () => {
      const toy = conditionalToyDatasets[name];
      const n = 20_000;
      const { x, y } = toy.sample(prngKey(1), n);
      expect(x.shape).toEqual([n, ...toy.inputShape]);
      expect(y.shape).toEqual([n, ...toy.targetShape]);
      const [lo, hi] = toy.inputInterval;
      const xs = x.dataSync();
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...xs)).toBeLessThanOrEqual(hi);
      const logp = Array.from(toy.logDensity(x, y).dataSync());
      const mean = logp.reduce((s, v) => s + v, 0) / n;
      const sd = Math.sqrt(logp.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
      // The pairs are iid, so the floor estimate has standard error sd / sqrt(n).
      expectWithinStandardErrors(-mean, toy.conditionalEntropy, sd / Math.sqrt(n), { label: `${name} entropy` });
      tf.dispose([x, y]);
    });

    it(`${name}: p(y | x) integrates to 1 over its target range for several x`, () => {
      const toy = conditionalToyDatasets[name];
      const [lo, hi] = toy.inputInterval;
      const grid = 400;
      const ranges = toy.targetRange;
      for (const input of [lo + 0.01, (lo + hi) / 2, hi]) {
        // Midpoint rule over the target range: grid cells per axis.
        const axes = ranges.map(([a, b]) => Array.from({ length: grid }, (_, k) => a + ((k + 0.5) * (b - a)) / grid));
        const points = ranges.length === 1 ? axes[0]!.map((v) => [v]) : axes[0]!.flatMap((u) => axes[1]!.map((v) => [u, v]));
        const cell = ranges.reduce((s, [a, b]) => (s * (b - a)) / grid, 1);
        const mass = tf.tidy(() => {
          const y = tf.tensor2d(points);
          const x = tf.fill([points.length, 1], input);
          return tf.sum(tf.exp(toy.logDensity(x, y))).dataSync()[0]! * cell;
        });
        expect(mass).toBeCloseTo(1, 3);
      }
    });
  }

  it('names pairs of the wrong shape', () => {
    const x = tf.zeros([3, 1]);
    expect(() => conditionalToyDatasets.ring.logDensity(x, tf.zeros([3, 1]))).toThrow(ShapeError);
    expect(() => conditionalToyDatasets.branching.logDensity(tf.zeros([3, 2]), tf.zeros([3, 1]))).toThrow(ShapeError);
    expect(isConditionalToyName('ring')).toBe(true);
    expect(isConditionalToyName('8gaussians')).toBe(false);
    x.dispose();
  });
});
