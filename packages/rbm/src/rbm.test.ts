import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError, prngKey } from '@ebm/core';
import { describeBackends } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { bernoulliRBM } from './bernoulli-rbm.js';
import { gaussianBernoulliRBM } from './gaussian-bernoulli-rbm.js';
import type { RBM } from './rbm.js';
import { allStates, bruteForceFreeEnergy, randomizeParameters } from './test-rbms.js';
import { DEFAULT_BIAS_CLIP, visibleBiasFromData } from './visible-bias.js';

/** The free energy written naively with tf.softplus, differentiated by tfjs's own autodiff. */
function referenceFreeEnergy(rbm: RBM, v: tf.Tensor2D): tf.Tensor1D {
  const x = rbm.type === 'bernoulli' ? v : tf.div(v, rbm.sigma);
  const visibleTerm =
    rbm.type === 'bernoulli'
      ? tf.neg(tf.sum(tf.mul(v, rbm.visibleBias), 1))
      : tf.div(tf.sum(tf.square(tf.sub(v, rbm.visibleBias)), 1), 2 * rbm.sigma ** 2);
  return tf.sub(visibleTerm, tf.sum(tf.softplus(tf.add(tf.matMul(x, rbm.weights), rbm.hiddenBias)), 1)) as tf.Tensor1D;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describeBackends('RBM models', () => {
  it('the Bernoulli free energy equals -log sum_h exp(-E(v, h)) by brute force', () => {
    const rbm = bernoulliRBM({ visible: 4, hidden: 3, key: prngKey(1) });
    const params = randomizeParameters(rbm, prngKey(2), 1.5);
    const states = allStates(4);
    const f = rbm.energy(tf.tensor2d(states));
    const expected = states.map((v) => bruteForceFreeEnergy(params, v));
    Array.from(f.dataSync()).forEach((fi, i) => expect(fi).toBeCloseTo(expected[i]!, 4));
    tf.dispose([f, ...rbm.variables]);
  });

  for (const type of ['bernoulli', 'gaussian-bernoulli'] as const) {
    it(`${type}: the free-energy gradient is the closed-form CD statistic and matches autodiff`, () => {
      const rbm =
        type === 'bernoulli'
          ? bernoulliRBM({ visible: 6, hidden: 5, key: prngKey(3) })
          : gaussianBernoulliRBM({ visible: 6, hidden: 5, sigma: 0.7, key: prngKey(3) });
      randomizeParameters(rbm, prngKey(4), 0.8);
      tf.tidy(() => {
        const raw = tf.randomUniform([12, 6], 0, 1, 'float32', 7);
        const data = type === 'bernoulli' ? tf.round(raw) : tf.mul(raw, 3);
        const negatives = type === 'bernoulli' ? tf.round(tf.randomUniform([9, 6], 0, 1, 'float32', 8)) : tf.randomNormal([9, 6], 0, 1, 'float32', 9);
        const vars = [...rbm.variables];
        const ours = tf.variableGrads(() => tf.sub(tf.mean(rbm.energy(data)), tf.mean(rbm.energy(negatives))) as tf.Scalar, vars).grads;
        const autodiff = tf.variableGrads(
          () => tf.sub(tf.mean(referenceFreeEnergy(rbm, data as tf.Tensor2D)), tf.mean(referenceFreeEnergy(rbm, negatives as tf.Tensor2D))) as tf.Scalar,
          vars,
        ).grads;
        // Classic statistics: dL/dW = -(<x p^T>_data - <x p^T>_model), p = p(h = 1 | v), x = v / sigma.
        const stats = (v: tf.Tensor) => {
          const p = rbm.hiddenProbabilities(v);
          const x = tf.div(v, rbm.sigma);
          const n = v.shape[0]!;
          const visible = type === 'bernoulli' ? tf.mean(v, 0) : tf.div(tf.mean(tf.sub(v, rbm.visibleBias), 0), rbm.sigma ** 2);
          return { vh: tf.div(tf.matMul(tf.transpose(x), p), n), v: visible, h: tf.mean(p, 0) };
        };
        const [pos, neg] = [stats(data), stats(negatives)];
        const closed = {
          [rbm.weights.name]: tf.neg(tf.sub(pos.vh, neg.vh)),
          [rbm.visibleBias.name]: tf.neg(tf.sub(pos.v, neg.v)),
          [rbm.hiddenBias.name]: tf.neg(tf.sub(pos.h, neg.h)),
        };
        for (const variable of vars) {
          expect(maxAbsDiff(ours[variable.name]!, closed[variable.name]!)).toBeLessThan(1e-5);
          expect(maxAbsDiff(ours[variable.name]!, autodiff[variable.name]!)).toBeLessThan(1e-5);
        }
        // The input gradient (what a gradient-based sampler uses) matches autodiff too.
        const inputOurs = tf.grad((v: tf.Tensor) => tf.sum(rbm.energy(v)))(data);
        const inputAutodiff = tf.grad((v: tf.Tensor) => tf.sum(referenceFreeEnergy(rbm, v as tf.Tensor2D)))(data);
        expect(maxAbsDiff(inputOurs, inputAutodiff)).toBeLessThan(1e-5);
        expect(maxAbsDiff(rbm.energy(data), referenceFreeEnergy(rbm, data as tf.Tensor2D))).toBeLessThan(1e-4);
        // Second derivatives (what score matching takes): d/dtheta and d/dv of r . dF/dv, r fixed.
        const r = tf.randomNormal([12, 6], 0, 1, 'float32', 10);
        const projected = (f: (v: tf.Tensor) => tf.Tensor) => (v: tf.Tensor) => tf.sum(tf.mul(tf.grad((u: tf.Tensor) => tf.sum(f(u)))(v), r));
        const ourEnergy = (v: tf.Tensor) => rbm.energy(v);
        const refEnergy = (v: tf.Tensor) => referenceFreeEnergy(rbm, v as tf.Tensor2D);
        const mixedOurs = tf.variableGrads(() => projected(ourEnergy)(data) as tf.Scalar, vars).grads;
        const mixedAutodiff = tf.variableGrads(() => projected(refEnergy)(data) as tf.Scalar, vars).grads;
        for (const variable of vars) expect(maxAbsDiff(mixedOurs[variable.name]!, mixedAutodiff[variable.name]!)).toBeLessThan(1e-4);
        expect(maxAbsDiff(tf.grad(projected(ourEnergy))(data), tf.grad(projected(refEnergy))(data))).toBeLessThan(1e-4);
      });
      tf.dispose([...rbm.variables]);
    });
  }

  it('conditionals: p(h|v) = sigmoid(c + vW), p(v|h) = sigmoid(b + hW^T), Gaussian mean b + sigma hW^T', () => {
    const rbm = bernoulliRBM({ visible: 3, hidden: 2, key: prngKey(6) });
    const gb = gaussianBernoulliRBM({ visible: 3, hidden: 2, sigma: 2, key: prngKey(6) });
    const p = randomizeParameters(rbm, prngKey(7), 1);
    randomizeParameters(gb, prngKey(7), 1);
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const v = [1, 0, 1];
    const h = [0, 1];
    const ph = rbm.hiddenProbabilities(tf.tensor2d([v]));
    const pv = rbm.visibleProbabilities(tf.tensor2d([h]));
    const mean = gb.visibleProbabilities(tf.tensor2d([h]));
    const phGaussian = gb.hiddenProbabilities(tf.tensor2d([[2, 0, 2]]));
    const recon = rbm.reconstruct(tf.tensor2d([v]));
    const expectedPh = [0, 1].map((j) => sigmoid(p.hiddenBias[j]! + v.reduce((s, vi, i) => s + vi * p.weights[i]![j]!, 0)));
    const expectedPv = [0, 1, 2].map((i) => sigmoid(p.visibleBias[i]! + p.weights[i]![1]!));
    Array.from(ph.dataSync()).forEach((x, j) => expect(x).toBeCloseTo(expectedPh[j]!, 5));
    Array.from(pv.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(expectedPv[i]!, 5));
    Array.from(mean.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(p.visibleBias[i]! + 2 * p.weights[i]![1]!, 5));
    // x = v / sigma: [2, 0, 2] / 2 = [1, 0, 1], the same pre-activation as the Bernoulli v.
    Array.from(phGaussian.dataSync()).forEach((x, j) => expect(x).toBeCloseTo(expectedPh[j]!, 5));
    expect(recon.shape).toEqual([1, 3]);
    tf.dispose([ph, pv, mean, phGaussian, recon, ...rbm.variables, ...gb.variables]);
  });

  it('initialises W ~ N(0, 0.01^2) from the key, biases from options, unique variable names', () => {
    const a = bernoulliRBM({ visible: 64, hidden: 64, key: prngKey(8), visibleBias: new Array(64).fill(-1) });
    const b = bernoulliRBM({ visible: 64, hidden: 64, key: prngKey(8) });
    const w = Array.from(a.weights.dataSync());
    const sd = Math.sqrt(w.reduce((s, x) => s + x * x, 0) / w.length);
    expect(sd).toBeGreaterThan(0.0095);
    expect(sd).toBeLessThan(0.0105);
    expect(maxAbsDiff(a.weights, b.weights)).toBe(0);
    expect(Array.from(a.visibleBias.dataSync()).every((x) => x === -1)).toBe(true);
    expect(new Set([...a.variables, ...b.variables].map((v) => v.name)).size).toBe(6);
    tf.dispose([...a.variables, ...b.variables]);
  });

  it('visibleBiasFromData gives clipped log-odds of the pixel means', () => {
    const data = tf.tensor2d([
      [1, 0, 0.5],
      [1, 0, 0],
      [0, 0, 1],
      [1, 0, 0.5],
    ]);
    const bias = visibleBiasFromData(data);
    const eps = DEFAULT_BIAS_CLIP;
    const expected = [Math.log(0.75 / 0.25), Math.log(eps / (1 - eps)), 0];
    Array.from(bias.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 4));
    tf.dispose([data, bias]);
  });

  it('rejects bad shapes, bad options and data outside [0, 1] with errors naming the argument', () => {
    const rbm = bernoulliRBM({ visible: 4, hidden: 2 });
    const ok = tf.zeros([2, 4]);
    const wrongWidth = tf.zeros([2, 5]);
    const vector = tf.zeros([4]);
    const counts = tf.fill([2, 4], 16);
    expect(() => rbm.energy(wrongWidth)).toThrow(ShapeError);
    expect(() => rbm.energy(wrongWidth)).toThrow(/^v: .*\[5\].*\[4\]/);
    expect(() => rbm.energy(vector)).toThrow(/^v: must have rank >= 2/);
    expect(() => rbm.hiddenProbabilities(counts)).toThrow(InvalidArgumentError);
    expect(() => rbm.hiddenProbabilities(counts)).toThrow(/^v: must hold values in \[0, 1\].*got values in \[16, 16\]/);
    expect(() => rbm.visibleProbabilities(ok)).toThrow(/^h: .*\[4\].*\[2\]/);
    expect(() => visibleBiasFromData(counts)).toThrow(/^data: must hold values in \[0, 1\]/);
    expect(() => bernoulliRBM({ visible: 0, hidden: 2 })).toThrow(/^visible: must be an integer >= 1/);
    expect(() => bernoulliRBM({ visible: 3, hidden: 2.5 })).toThrow(/^hidden: /);
    expect(() => bernoulliRBM({ visible: 3, hidden: 2, visibleBias: [0, 0] })).toThrow(/^visibleBias: .*length visible = 3/);
    expect(() => gaussianBernoulliRBM({ visible: 3, hidden: 2, sigma: 0 })).toThrow(/^sigma: must be a finite number > 0/);
    const gb = gaussianBernoulliRBM({ visible: 4, hidden: 2 });
    const nan = tf.fill([1, 4], Number.NaN);
    expect(() => gb.hiddenProbabilities(nan)).toThrow(/^v: contains NaN/);
    tf.dispose([ok, wrongWidth, vector, counts, nan, ...rbm.variables, ...gb.variables]);
  });
});

describeBackends('RBM construction', () => {
  it('leaves exactly its variables allocated, nothing else', () => {
    const before = tf.memory().numTensors;
    const rbm = bernoulliRBM({ visible: 6, hidden: 3 });
    expect(tf.memory().numTensors - before).toBe(rbm.variables.length);
    tf.dispose([...rbm.variables]);
  });
});
