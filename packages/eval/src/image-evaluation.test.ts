import * as tf from '@tensorflow/tfjs';
import { prngKey, split, uniform } from '@ebm/core';
import { gaussianEnergy } from '@ebm/core/models';
import { describeBackends, expectNoLeaks, expectWithinStandardErrors } from '@ebm/core/testing';
import { langevin } from '@ebm/mcmc-langevin';
import { describe, expect, it } from 'vitest';
import { frechetDistance } from './frechet-distance.js';
import { restoreImages } from './image-restoration.js';
import { pixelBernoulli } from './pixel-bernoulli.js';
import { psnr } from './psnr.js';
import { classSpread } from './sample-classes.js';
import { symmetricEigenvalues } from './symmetric-eigenvalues.js';

/** The 2^d rows of {+-1}^d: mean 0, covariance (divisor n - 1) exactly n / (n - 1) I. */
function signRows(d: number): number[][] {
  return Array.from({ length: 2 ** d }, (_, r) => Array.from({ length: d }, (_, j) => ((r >> j) & 1 ? 1 : -1)));
}

describe('symmetricEigenvalues', () => {
  it('recovers the spectrum of Q diag(lambda) Q^T for a random orthogonal Q', () => {
    const d = 12;
    const lambda = Array.from({ length: d }, (_, i) => (i - 4) * 0.7);
    // Q = H_u H_w, a product of two Householder reflections H = I - 2 v v^T / |v|^2: orthogonal, not sparse.
    const householder = (v: number[]) => {
      const n2 = v.reduce((s, x) => s + x * x, 0);
      return v.map((vi, i) => v.map((vj, j) => (i === j ? 1 : 0) - (2 * vi * vj) / n2));
    };
    const [hu, hw] = [householder(Array.from({ length: d }, (_, i) => Math.sin(1 + 2.3 * i))), householder(Array.from({ length: d }, (_, i) => Math.cos(0.4 * i * i)))];
    const q = hu.map((row) => hw[0]!.map((_, j) => row.reduce((s, x, k) => s + x * hw[k]![j]!, 0)));
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) a[i * d + j]! += q[k]![i]! * lambda[k]! * q[k]![j]!;
    const found = symmetricEigenvalues(a, d);
    lambda.forEach((l, i) => expect(found[i]).toBeCloseTo(l, 10));
    expect(Array.from(symmetricEigenvalues(Float64Array.of(2, 1, 1, 2), 2))).toEqual([1, 3].map((v) => expect.closeTo(v, 12)));
  });
});

describeBackends('frechetDistance', () => {
  it('is |b|^2 + c sum (1 - alpha_i)^2 for x and x diag(alpha) + b with x of covariance c I', () => {
    const x = tf.tensor2d(signRows(4));
    const alpha = [1, 2, 0.5, 3];
    const shift = [0.5, -1, 0, 2];
    const y = tf.add(tf.mul(x, alpha), shift) as tf.Tensor2D;
    const c = 16 / 15;
    const expected = shift.reduce((s, b) => s + b * b, 0) + c * alpha.reduce((s, a) => s + (1 - a) ** 2, 0);
    expect(frechetDistance(x, y)).toBeCloseTo(expected, 3);
    expect(frechetDistance(x, x)).toBeCloseTo(0, 4);
    tf.dispose([x, y]);
  });

  it('matches the 2-D closed form Tr (S_a S_b)^(1/2) = sqrt(tr(S_a S_b) + 2 sqrt(det(S_a S_b))) for non-commuting covariances', () => {
    const x = tf.tensor2d(signRows(2));
    const [b1, b2] = [[[1, 0.5], [0, 1]], [[0.3, 0], [1, 2]]];
    const a = tf.matMul(x, tf.tensor2d(b1)) as tf.Tensor2D;
    const b = tf.matMul(x, tf.tensor2d(b2)) as tf.Tensor2D;
    // S = 4/3 B^T B for rows {+-1}^2.
    const cov = (m: number[][]) => [0, 1].map((i) => [0, 1].map((j) => (4 / 3) * (m[0]![i]! * m[0]![j]! + m[1]![i]! * m[1]![j]!)));
    const [sa, sb] = [cov(b1), cov(b2)];
    const prod = [0, 1].map((i) => [0, 1].map((j) => sa[i]![0]! * sb[0]![j]! + sa[i]![1]! * sb[1]![j]!));
    const tr = prod[0]![0]! + prod[1]![1]!;
    const det = prod[0]![0]! * prod[1]![1]! - prod[0]![1]! * prod[1]![0]!;
    const expected = sa[0]![0]! + sa[1]![1]! + sb[0]![0]! + sb[1]![1]! - 2 * Math.sqrt(tr + 2 * Math.sqrt(det));
    expect(frechetDistance(a, b)).toBeCloseTo(expected, 3);
    tf.dispose([x, a, b]);
  });

  it('rejects mismatched or too small inputs naming the argument', () => {
    const a = tf.ones([5, 3]) as tf.Tensor2D;
    expect(() => frechetDistance(a, tf.ones([5, 2]) as tf.Tensor2D)).toThrow(/b: has 2 features per row but a has 3/);
    expect(() => frechetDistance(tf.ones([1, 3]) as tf.Tensor2D, a)).toThrow(/a: needs at least 2 rows/);
    a.dispose();
  });
});

describe('classSpread', () => {
  it('counts predicted classes, coverage, normalised entropy, confidence and the Inception score', () => {
    // Four samples, two classes each predicted twice with certainty: IS = exp(log 2) = 2, entropy 1.
    const certain = tf.tensor2d([[1, 0], [0, 1], [1, 0], [0, 1]]);
    const s = classSpread(certain);
    expect(s.counts).toEqual([2, 2]);
    expect(s.classesCovered).toBe(2);
    expect(s.normalizedEntropy).toBeCloseTo(1, 12);
    expect(s.meanConfidence).toBeCloseTo(1, 12);
    expect(s.inceptionScore).toBeCloseTo(2, 12);
    // All samples uncertain between three classes: IS 1, every sample counted in class 0 (first maximum).
    const unsure = tf.tensor2d([[1 / 3, 1 / 3, 1 / 3], [1 / 3, 1 / 3, 1 / 3]]);
    const u = classSpread(unsure);
    expect(u.counts).toEqual([2, 0, 0]);
    expect(u.classesCovered).toBe(1);
    expect(u.normalizedEntropy).toBe(0);
    expect(u.inceptionScore).toBeCloseTo(1, 6);
    tf.dispose([certain, unsure]);
    expect(() => classSpread(tf.ones([3]) as never)).toThrow(/probabilities/);
  });
});

describeBackends('pixelBernoulli', () => {
  it('has the data pixel means, samples with them, and the exact log-probability', () => {
    const images = tf.tensor4d([0, 1, 1, 1, 0, 0, 1, 1], [2, 2, 2, 1]);
    const model = pixelBernoulli(images);
    expect(Array.from(model.probabilities.dataSync())).toEqual([0, 0.5, 1, 1]);
    const x = tf.tensor4d([0, 1, 1, 1], [1, 2, 2, 1]);
    expect(model.logProb(x).dataSync()[0]).toBeCloseTo(Math.log(0.5) + 3 * Math.log(1 - 1e-6), 4);
    const samples = model.sample(prngKey(1), 4000);
    const mean = tf.tidy(() => tf.mean(samples, 0).dataSync());
    expect([mean[0], mean[2], mean[3]]).toEqual([0, 1, 1]);
    expectWithinStandardErrors(mean[1]!, 0.5, Math.sqrt(0.25 / 4000));
    model.dispose();
    tf.dispose([images, x, samples]);
  });
});

describeBackends('psnr', () => {
  it('is 10 log10(peak^2 / MSE) per image', () => {
    const clean = tf.zeros([2, 2, 2]);
    const restored = tf.tensor3d([0.1, 0.1, 0.1, 0.1, 0.5, 0, 0, 0], [2, 2, 2]);
    const { perImage, mean } = psnr(restored, clean);
    expect(perImage[0]).toBeCloseTo(20, 6); // MSE 0.01
    expect(perImage[1]).toBeCloseTo(10 * Math.log10(1 / 0.0625), 6);
    expect(mean).toBeCloseTo((perImage[0]! + perImage[1]!) / 2, 12);
    expect(psnr(restored, clean, 2).perImage[0]).toBeCloseTo(20 + 20 * Math.log10(2), 6);
    expect(() => psnr(restored, tf.zeros([2, 4]))).toThrow(/restored: has shape/);
    tf.dispose([clean, restored]);
  });
});

describeBackends('restoreImages', () => {
  it('inpaints: known pixels stay exactly, unknown ones follow the model given the known (Gaussian target)', () => {
    // E(x) = |x - m|^2 / 2 per image of 4 pixels: unknown pixels are N(m_i, 1) whatever the known ones.
    const target = gaussianEnergy({ dim: 4, mean: [1, -1, 2, 0.5] });
    const energy = (x: tf.Tensor) => target.energy(tf.reshape(x, [x.shape[0]!, 4]));
    const [startKey, chainKey] = split(prngKey(3), 2);
    const corrupted = uniform(startKey!, [1000, 2, 2, 1], -1, 1);
    const keep = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
    const h = 0.05;
    const restored = restoreImages({ energy, sampler: langevin({ stepSize: h }), corrupted, keep, key: chainKey!, steps: 150 });
    const flat = tf.reshape(restored, [1000, 4]);
    const original = tf.reshape(corrupted, [1000, 4]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(flat, [0, 0], [-1, 2]), tf.slice(original, [0, 0], [-1, 2])))).dataSync()[0])).toBe(0);
    const means = tf.tidy(() => tf.mean(tf.slice(flat, [0, 2], [-1, 2]), 0).dataSync());
    // ULA on N(m, 1) has variance 1 / (1 - h / 2); 1000 independent chains after 150 steps (mixing time ~1/h = 20).
    const se = Math.sqrt(1 / (1 - h / 2) / 1000);
    expectWithinStandardErrors(means[0]!, 2, se, { label: 'pixel 2 mean' });
    expectWithinStandardErrors(means[1]!, 0.5, se, { label: 'pixel 3 mean' });
    tf.dispose([corrupted, keep, restored, flat, original]);
  });

  it('leaks nothing over 50 restorations', () => {
    const target = gaussianEnergy({ dim: 4 });
    const energy = (x: tf.Tensor) => target.energy(tf.reshape(x, [x.shape[0]!, 4]));
    const corrupted = tf.zeros([3, 2, 2, 1]);
    const keep = tf.tensor4d([1, 0, 1, 0], [1, 2, 2, 1]);
    expectNoLeaks((i) => {
      const restored = restoreImages({ energy, sampler: langevin({ stepSize: 0.1 }), corrupted, keep: i % 2 ? keep : undefined, key: prngKey(i), steps: 3 });
      restored.dispose();
    }, 50);
    expect(() => restoreImages({ energy, sampler: langevin({ stepSize: 0.1 }), corrupted, keep: tf.ones([3, 3]), key: prngKey(0), steps: 1 })).toThrow(/keep: of shape \[3, 3\]/);
    tf.dispose([corrupted, keep]);
  });
});
