import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError, normal, prngKey, split, uniform } from '@ebm/core';
import { describeBackends, expectWithinStandardErrors } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { auroc } from './auroc.js';
import { expectedCalibrationError } from './calibration.js';

describeBackends('expectedCalibrationError', () => {
  it('bins the confidences and averages |accuracy - confidence| (a hand-worked example)', () => {
    // Confidences 0.85 (right), 0.85 (wrong), 0.58 (right), 0.55 (right): with 10 bins, bin (0.8, 0.9]
    // has acc 0.5 vs conf 0.85, bin (0.5, 0.6] has acc 1 vs conf 0.565.
    const p = tf.tensor2d([[0.85, 0.15], [0.15, 0.85], [0.42, 0.58], [0.55, 0.45]]);
    const { ece, accuracy, bins } = expectedCalibrationError(p, [0, 0, 1, 0], { bins: 10 });
    expect(accuracy).toBe(0.75);
    expect(ece).toBeCloseTo(0.5 * 0.35 + 0.5 * 0.435, 6);
    expect(bins[8]!.count).toBe(2);
    expect(bins[5]!.count).toBe(2);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(4);
    p.dispose();
  });

  it('is near 0 for a calibrated predictor: labels drawn from the predicted probabilities', () => {
    const n = 4000;
    const [pKey, uKey] = split(prngKey(1));
    const p1 = uniform(pKey!, [n]);
    const probabilities = tf.tidy(() => tf.stack([tf.sub(1, p1), p1], 1));
    const u = uniform(uKey!, [n]).dataSync();
    const q = p1.dataSync();
    const labels = Array.from(q, (v, i) => (u[i]! < v ? 1 : 0));
    const { ece } = expectedCalibrationError(probabilities, labels);
    // Each of 15 bins' accuracy has se sqrt(c (1 - c) / n_b) <= 0.5 / sqrt(n_b): E|gap| <= 0.4 / sqrt(n_b),
    // so the ECE of a calibrated predictor is about sum_b (n_b / n) 0.4 / sqrt(n_b) ~ 0.4 sqrt(15 / n) = 0.025.
    expect(ece).toBeLessThan(0.04);
    // An overconfident predictor (probabilities pushed towards 0 and 1) is not.
    const sharp = tf.tidy(() => {
      const s = tf.sigmoid(tf.mul(4, tf.sub(tf.log(p1), tf.log(tf.sub(1, p1)))));
      return tf.stack([tf.sub(1, s), s], 1);
    });
    expect(expectedCalibrationError(sharp, labels).ece).toBeGreaterThan(0.1);
    tf.dispose([p1, probabilities, sharp]);
  });

  it('names bad labels and shapes', () => {
    const p = tf.tensor2d([[0.5, 0.5]]);
    expect(() => expectedCalibrationError(p, [0, 1])).toThrow(ShapeError);
    expect(() => expectedCalibrationError(p, [2])).toThrow(InvalidArgumentError);
    p.dispose();
  });
});

describeBackends('auroc', () => {
  it('counts correctly ranked pairs, ties as one half', () => {
    // Pairs (p, n): 3>1, 3>2, 3=3 (1/2), 2>1, 2=2 (1/2), 2<3: (1 + 1 + 0.5 + 1 + 0.5 + 0) / 6.
    expect(auroc([3, 2], [1, 2, 3]).auroc).toBeCloseTo(4 / 6, 12);
    expect(auroc([5, 6], [1, 2]).auroc).toBe(1);
    expect(auroc([1], [5]).auroc).toBe(0);
    expect(() => auroc([], [1])).toThrow(/positive/);
  });

  it('of two normal scores is Phi(d / sqrt(2)), within its standard error', () => {
    const n = 2000;
    const [a, b] = split(prngKey(2));
    const pos = tf.tidy(() => normal(a!, [n]).dataSync());
    const neg = tf.tidy(() => normal(b!, [n]).dataSync());
    const shifted = Float32Array.from(pos, (v) => v + 1);
    const { auroc: value, standardError } = auroc(shifted, neg);
    // Phi(1 / sqrt 2) = 0.760250.
    expectWithinStandardErrors(value, 0.76025, standardError, { label: 'AUROC' });
  });
});
