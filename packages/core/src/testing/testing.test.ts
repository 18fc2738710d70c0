import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { prngKey } from '../key.js';
import { normal } from '../random.js';
import type { Objective, Sampler } from '../types.js';
import {
  expectCovariance,
  expectMeans,
  expectNoLeaks,
  expectObjectiveNoLeaks,
  expectProbability,
  expectSamplerNoLeaks,
  expectWithinStandardErrors,
  gaussianMixture1d,
  normalCdf,
} from './index.js';

describe('expectNoLeaks', () => {
  it('passes a clean function and reports the per-iteration leak of a leaky one', () => {
    expect(() => expectNoLeaks(() => tf.tidy(() => void tf.ones([2])), 100)).not.toThrow();
    const leaked: tf.Tensor[] = [];
    expect(() => expectNoLeaks(() => void leaked.push(tf.ones([2])), 100)).toThrow(/from \d+ to \d+ over 100 iterations \(1\.000 per iteration\)/);
    tf.dispose(leaked);
  });

  it('expectSamplerNoLeaks catches a sampler that leaks one tensor per step', () => {
    const energy = (x: tf.Tensor) => tf.sum(x, 1) as tf.Tensor1D;
    const init = tf.zeros([2, 2]);
    const leaked: tf.Tensor[] = [];
    const clean: Sampler = { name: 'clean', init: (p) => ({ position: tf.clone(p) }), step: (_k, s) => [{ position: tf.clone(s.position) }, {}] };
    const leaky: Sampler = {
      name: 'leaky',
      init: (p) => ({ position: tf.clone(p) }),
      step: (_k, s) => {
        leaked.push(tf.ones([1]));
        return [{ position: tf.clone(s.position) }, {}];
      },
    };
    expect(() => expectSamplerNoLeaks(clean, { energy, init, iterations: 100 })).not.toThrow();
    expect(() => expectSamplerNoLeaks(leaky, { energy, init, iterations: 100 })).toThrow(/1\.000 per iteration/);
    tf.dispose([init, ...leaked]);
  });

  it('expectObjectiveNoLeaks catches an objective that leaks one tensor per step', () => {
    const w = tf.variable(tf.zeros([2]), true, 'leak-test/w');
    const model = { energy: (x: tf.Tensor) => tf.sum(tf.mul(x, w), 1) as tf.Tensor1D, variables: [w] };
    const batch = tf.ones([3, 2]);
    const leaked: tf.Tensor[] = [];
    const objective = (leak: boolean): Objective<null> => ({
      name: leak ? 'leaky' : 'clean',
      init: () => null,
      gradients: (m, x) => {
        if (leak) leaked.push(tf.ones([1]));
        const { value, grads } = tf.variableGrads(() => tf.mean(m.energy(x)), [...m.variables]);
        return { loss: value, grads, state: null, metrics: {} };
      },
    });
    expect(() => expectObjectiveNoLeaks(objective(false), { model, batch, iterations: 100 })).not.toThrow();
    expect(() => expectObjectiveNoLeaks(objective(true), { model, batch, iterations: 100 })).toThrow(/1\.000 per iteration/);
    tf.dispose([batch, w, ...leaked]);
  });
});

describe('statistical assertions on iid N(mu, C) samples', () => {
  const mean = [1, -2];
  const cov = [
    [1, 0.6],
    [0.6, 2],
  ];
  // x = z A + mu with A^T A = C: A = [[1, 0.6], [0, sqrt(2 - 0.36)]].
  const draw = () =>
    tf.tidy(() => tf.add(tf.matMul(normal(prngKey(8), [20_000, 2]), tf.tensor2d([[1, 0.6], [0, Math.sqrt(2 - 0.36)]])), tf.tensor1d(mean)));

  it('accept the true moments and reject wrong ones', () => {
    const x = draw();
    expectMeans(x, mean);
    expectCovariance(x, mean, cov);
    // Standard errors: mean ~ 0.007-0.01, covariance entries ~ 0.01-0.02, so these are > 10 se off.
    expect(() => expectMeans(x, [1.1, -2])).toThrow(/mean\[0\]/);
    expect(() => expectCovariance(x, mean, [[1, 0.8], [0.8, 2]])).toThrow(/cov\[0\]\[1\]/);
    x.dispose();
  });

  it('expectProbability compares an event frequency with p', () => {
    const x = draw();
    // P(x_0 > 1) = 1/2 exactly for N(1, 1).
    expectProbability(x, (d) => d(0) > 1, 0.5);
    expect(() => expectProbability(x, (d) => d(0) > 1, 0.55)).toThrow(/probability/);
    x.dispose();
  });

  it('expectWithinStandardErrors reports how many se off', () => {
    expect(() => expectWithinStandardErrors(1.5, 1, 0.1, { label: 'slope' })).toThrow(/slope = 1\.50000, expected 1\.00000: off by 5\.00 standard errors/);
    expect(() => expectWithinStandardErrors(1.3, 1, 0.1)).not.toThrow();
  });
});

describe('test targets', () => {
  it('normalCdf matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });

  it('gaussianMixture1d: exp(-E) integrates to 1 and its CDF matches the integral', () => {
    const target = gaussianMixture1d({ weights: [0.3, 0.7], means: [-1, 1], sd: 0.6 });
    const xs = Array.from({ length: 4001 }, (_, i) => -8 + i * 0.004);
    const density = tf.tidy(() => Array.from(tf.exp(tf.neg(target.energy(tf.tensor2d(xs, [xs.length, 1])))).dataSync()));
    const integral = (upTo: number) => density.reduce((s, p, i) => s + (xs[i]! <= upTo ? p * 0.004 : 0), 0);
    expect(integral(8)).toBeCloseTo(1, 3);
    expect(integral(0)).toBeCloseTo(target.cdf(0), 3);
  });
});
