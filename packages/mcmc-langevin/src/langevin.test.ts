import * as tf from '@tensorflow/tfjs';
import {
  InvalidArgumentError,
  NonFiniteError,
  ShapeError,
  disposeState,
  dualAveraging,
  polynomialDecay,
  foldIn,
  prngKey,
  sampleChain,
} from '@ebm/core';
import { countingEnergy, describeBackends, expectCovariance, expectMeans, expectSamplerContract, expectSamplerNoLeaks } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { langevin } from './langevin.js';
import { standardNormalEnergy } from './test-energies.js';

describeBackends('langevin', () => {
  it('has the known ULA bias on N(0, 1): stationary variance 1 / (1 - h / 2), not 1', () => {
    // x' = (1 - h) x + sqrt(2 h) xi has stationary variance 2h / (1 - (1 - h)^2) = 1 / (1 - h / 2).
    const h = 0.1;
    const init = tf.zeros([2000, 1]);
    const { samples, finalState } = sampleChain(langevin({ stepSize: h }), {
      energy: standardNormalEnergy,
      init,
      key: prngKey(1),
      burnIn: 100, // the variance converges like 1 - (1 - h)^(2t): 0.81^100 < 1e-9
      numSteps: 400,
      thin: 4, // x^2 has lag-1 autocorrelation (1 - h)^2 = 0.81: thinning keeps most of the ESS in 1/4 of the draws
    });
    const biased = 1 / (1 - h / 2);
    expectMeans(samples, [0]);
    expectCovariance(samples, [0], [[biased]], { label: 'ULA variance' });
    // The same tolerance excludes the exact variance 1: an exact (MALA-like) kernel would fail here.
    expect(() => expectCovariance(samples, [0], [[1]])).toThrow(/standard errors/);
    tf.dispose([init, samples]);
    disposeState(finalState);
  });

  it('samples image-shaped batches [N, 2, 2, 1] and respects clamp', () => {
    const init = tf.fill([256, 2, 2, 1], 0.5);
    const { samples, finalState } = sampleChain(langevin({ stepSize: 0.05, clamp: [-0.5, 0.5] }), {
      energy: standardNormalEnergy,
      init,
      key: prngKey(2),
      burnIn: 20,
      numSteps: 100,
    });
    expect(samples.shape).toEqual([100, 256, 2, 2, 1]);
    expect(finalState.position.shape).toEqual([256, 2, 2, 1]);
    expect(tf.tidy(() => tf.min(samples).dataSync()[0]!)).toBeGreaterThanOrEqual(-0.5);
    expect(tf.tidy(() => tf.max(samples).dataSync()[0]!)).toBeLessThanOrEqual(0.5);
    // The clamped target is symmetric, so every pixel's mean is 0.
    expectMeans(samples, [0, 0, 0, 0]);
    tf.dispose([init, samples]);
    disposeState(finalState);
  });

  it('takes x - h clip(dE/dx) with noiseScale 0 (deterministic descent with gradient clipping)', () => {
    const sampler = langevin({ stepSize: 0.5, noiseScale: 0, gradClip: 1 });
    const x = tf.tensor2d([[0.4, -3], [2, 0]]);
    const state = sampler.init(x, standardNormalEnergy);
    const [next, info] = sampler.step(prngKey(0), state, standardNormalEnergy);
    // dE/dx = x, clipped to [-1, 1] element-wise.
    const expected = [[0.4 - 0.5 * 0.4, -3 + 0.5], [2 - 0.5, 0]];
    const got = next.position.arraySync() as number[][];
    got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 6)));
    expect(info).toEqual({ stepSize: 0.5, noiseScale: 0 });
    tf.dispose(x);
    disposeState([state, next]);
  });

  it('uses an independent noiseScale: the stationary variance of x\' = (1 - h) x + s xi is s^2 / (1 - (1 - h)^2)', () => {
    const h = 0.5;
    const s = 0.1;
    const init = tf.zeros([1000, 1]);
    const { samples, finalState } = sampleChain(langevin({ stepSize: h, noiseScale: s }), {
      energy: standardNormalEnergy,
      init,
      key: prngKey(3),
      burnIn: 30,
      numSteps: 100,
    });
    expectCovariance(samples, [0], [[(s * s) / (1 - (1 - h) ** 2)]]);
    tf.dispose([init, samples]);
    disposeState(finalState);
  });

  it('follows a step-size schedule through the step counter in its state', () => {
    const schedule = polynomialDecay({ a: 0.1, b: 1, gamma: 0.5 });
    const sampler = langevin({ stepSize: schedule });
    expect(sampler.stepSize).toBeCloseTo(0.1, 12);
    const x = tf.zeros([4, 2]);
    let state = sampler.init(x, standardNormalEnergy);
    for (let t = 0; t < 5; t++) {
      const [next, info] = sampler.step(foldIn(prngKey(4), t), state, standardNormalEnergy);
      expect(info.stepSize).toBeCloseTo(schedule(t), 12);
      expect(info.noiseScale).toBeCloseTo(Math.sqrt(2 * schedule(t)), 12);
      expect(next.step).toBe(t + 1);
      disposeState(state);
      state = next;
    }
    tf.dispose(x);
    disposeState(state);
  });

  it('is not tunable by dual averaging (it accepts every step), which refuses it at construction', () => {
    const sampler = langevin({ stepSize: 0.1, gradClip: 1 });
    expect(sampler.stepSize).toBe(0.1);
    expect(() => dualAveraging(sampler as never)).toThrow(/^sampler: langevin cannot be tuned by dual averaging/);
  });

  it('keeps the sampler contract (copies at init, fresh states, no device reads)', async () => {
    const x = tf.zeros([4, 2]);
    await expectSamplerContract(langevin({ stepSize: 0.1, gradClip: 1, clamp: [-2, 2] }), { energy: standardNormalEnergy, init: x });
    tf.dispose(x);
  });

  it('gives the same numbers for the same key and different ones for another key', () => {
    const sampler = langevin({ stepSize: 0.1 });
    const x = tf.zeros([3, 2]);
    const state = sampler.init(x, standardNormalEnergy);
    const [a] = sampler.step(prngKey(7), state, standardNormalEnergy);
    const [b] = sampler.step(prngKey(7), state, standardNormalEnergy);
    const [c] = sampler.step(prngKey(8), state, standardNormalEnergy);
    expect(a.position.arraySync()).toEqual(b.position.arraySync());
    expect(a.position.arraySync()).not.toEqual(c.position.arraySync());
    tf.dispose(x);
    disposeState([state, a, b, c]);
  });

  it('evaluates the energy once at init and one gradient per step', () => {
    const { energy, calls } = countingEnergy(standardNormalEnergy);
    const sampler = langevin({ stepSize: 0.1 });
    const x = tf.zeros([4, 2]);
    let state = sampler.init(x, energy);
    expect(calls()).toBe(1);
    for (let t = 0; t < 10; t++) {
      const [next] = sampler.step(foldIn(prngKey(5), t), state, energy);
      disposeState(state);
      state = next;
    }
    expect(calls()).toBe(11);
    tf.dispose(x);
    disposeState(state);
  });

  it('leaks no tensors over 1000 steps', () => {
    const sampler = langevin({ stepSize: 0.1, gradClip: 1, clamp: [-2, 2] });
    const x = tf.zeros([4, 2]);
    expectSamplerNoLeaks(sampler, { energy: standardNormalEnergy, init: x, key: prngKey(6) });
    tf.dispose(x);
  });

  it.each([
    ['stepSize', () => langevin({ stepSize: 0 })],
    ['stepSize', () => langevin({ stepSize: -0.1 })],
    ['stepSize', () => langevin({ stepSize: Number.NaN })],
    ['noiseScale', () => langevin({ stepSize: 0.1, noiseScale: -1 })],
    ['gradClip', () => langevin({ stepSize: 0.1, gradClip: 0 })],
    ['clamp', () => langevin({ stepSize: 0.1, clamp: [1, 0] })],
    ['clamp', () => langevin({ stepSize: 0.1, clamp: [0, Number.POSITIVE_INFINITY] })],
    ['clamp', () => langevin({ stepSize: 0.1, clamp: [0] as unknown as [number, number] })],
  ])('rejects a bad %s', (argument, make) => {
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(new RegExp(`^${argument}:`));
  });

  it('rejects NaN energies at init, bad positions and bad states with clear errors', () => {
    const sampler = langevin({ stepSize: 0.1 });
    const nan = tf.tensor2d([[0, Number.NaN]]);
    expect(() => sampler.init(nan, standardNormalEnergy)).toThrow(NonFiniteError);
    expect(() => sampler.init(nan, standardNormalEnergy)).toThrow(/^energy:.*initial position/);
    const scalar = tf.scalar(1);
    expect(() => sampler.init(scalar, standardNormalEnergy)).toThrow(ShapeError);
    const x = tf.zeros([3, 2]);
    const wrongEnergy = (z: tf.Tensor) => tf.sum(z) as unknown as tf.Tensor1D;
    expect(() => sampler.init(x, wrongEnergy)).toThrow(/^energy: must return one value per sample/);
    const state = sampler.init(x, standardNormalEnergy);
    expect(() => sampler.step(prngKey(0), { position: state.position, step: -1 }, standardNormalEnergy)).toThrow(/^state.step:/);
    expect(() => sampler.step(prngKey(0), { position: scalar, step: 0 }, standardNormalEnergy)).toThrow(ShapeError);
    expect(() => sampler.step(prngKey(0), { position: scalar, step: 0 }, standardNormalEnergy)).toThrow(/^state.position:/);
    const decaying = langevin({ stepSize: (t) => 0.1 - t });
    expect(() => decaying.step(prngKey(0), { position: x, step: 1 }, standardNormalEnergy)).toThrow(/^stepSize:.*step 1/);
    tf.dispose([nan, scalar, x]);
    disposeState(state);
  });
});
