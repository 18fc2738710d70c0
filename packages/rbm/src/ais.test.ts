import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, prngKey } from '@ebm/core';
import { describeBackends } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { ais, aisSchedule } from './ais.js';
import { bernoulliRBM } from './bernoulli-rbm.js';
import { exactLogPartition } from './exact-log-partition.js';
import { gaussianBernoulliRBM } from './gaussian-bernoulli-rbm.js';
import { randomizeParameters } from './test-rbms.js';
import { visibleBiasFromData } from './visible-bias.js';

it("aisSchedule is Salakhutdinov & Murray's 14,501 temperatures in three linear segments", () => {
  const betas = aisSchedule();
  expect(betas.length).toBe(14501);
  expect([betas[0], betas[500], betas[4500], betas[14500]]).toEqual([0, 0.5, 0.9, 1]);
  expect(betas[1]).toBeCloseTo(1e-3, 12);
  expect(betas[501]! - betas[500]!).toBeCloseTo(1e-4, 12);
  expect(betas[14500]! - betas[14499]!).toBeCloseTo(1e-5, 9);
  expect(betas.every((b, i) => i === 0 || b > betas[i - 1]!)).toBe(true);
});

describeBackends('ais', () => {
  it('brackets the exact log Z of an enumerable RBM within its +/- 3 sigma bounds', () => {
    const rbm = bernoulliRBM({ visible: 12, hidden: 20 });
    randomizeParameters(rbm, prngKey(41), 1, 0.5);
    const exact = exactLogPartition(rbm);
    // A data-like base model: visible biases from samples of p(v_i) = 0.3.
    const data = tf.cast(tf.less(tf.randomUniform([500, 12], 0, 1, 'float32', 42), 0.3), 'float32');
    const base = visibleBiasFromData(data);
    const betas = Array.from({ length: 301 }, (_, i) => i / 300);
    const result = ais(rbm, { key: prngKey(43), betas, runs: 100, baseVisibleBias: base });
    expect(result.logZLower).toBeGreaterThan(-Infinity);
    expect(result.logZLower).toBeLessThanOrEqual(exact);
    expect(result.logZUpper).toBeGreaterThanOrEqual(exact);
    expect(result.logZLower).toBeLessThanOrEqual(result.logZ);
    expect(result.logZ).toBeLessThanOrEqual(result.logZUpper);
    expect(result.logWeights.length).toBe(100);
    expect(result.effectiveSampleSize).toBeGreaterThan(1);
    expect(result.effectiveSampleSize).toBeLessThanOrEqual(100);
    tf.dispose([data, base, ...rbm.variables]);
  });

  it('rejects bad schedules, bad base biases and Gaussian-Bernoulli RBMs', () => {
    const rbm = bernoulliRBM({ visible: 3, hidden: 2 });
    const gb = gaussianBernoulliRBM({ visible: 3, hidden: 2 });
    const key = prngKey(0);
    expect(() => ais(rbm, { key, betas: [0, 0.5] })).toThrow(InvalidArgumentError);
    expect(() => ais(rbm, { key, betas: [0, 0.6, 0.4, 1] })).toThrow(/^betas: must increase strictly from 0 to 1/);
    expect(() => ais(rbm, { key, betas: [0, 1], runs: 1 })).toThrow(/^runs: must be an integer >= 2/);
    const wrong = tf.zeros([4]);
    expect(() => ais(rbm, { key, betas: [0, 1], baseVisibleBias: wrong as tf.Tensor1D })).toThrow(/^baseVisibleBias: /);
    expect(() => ais(gb, { key })).toThrow(/^rbm: must be a Bernoulli RBM/);
    tf.dispose([wrong, ...rbm.variables, ...gb.variables]);
  });
});
