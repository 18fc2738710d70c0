import * as tf from '@tensorflow/tfjs';
import {
  type EnergyFn,
  InvalidArgumentError,
  NonFiniteError,
  ShapeError,
  disposeState,
  exponentialDecay,
  foldIn,
  prngKey,
  readScalarsSync,
  sampleChain,
} from '@ebm/core';
import { inverseSPD } from '@ebm/core/math';
import { gaussianEnergy } from '@ebm/core/models';
import {
  countingEnergy,
  describeBackends,
  expectCovariance,
  expectMeans,
  expectProbability,
  expectSamplerContract,
  expectSamplerNoLeaks,
  gaussianMixture1d,
} from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { langevin } from './langevin.js';
import { mala } from './mala.js';
import { standardNormalEnergy } from './test-energies.js';

describeBackends('mala', () => {
  it('reproduces the mean and covariance of a correlated 2-D Gaussian', () => {
    const mean = [1, -1];
    const covariance = [[1, 0.8], [0.8, 1]];
    const model = gaussianEnergy({ dim: 2, mean, precision: inverseSPD(covariance) });
    const init = tf.zeros([64, 2]);
    const { samples, finalState, acceptanceRate, diagnostics } = sampleChain(mala({ stepSize: 0.3 }), {
      energy: model.energy,
      init,
      key: prngKey(10),
      burnIn: 200,
      numSteps: 400,
    });
    expect(acceptanceRate).toBeGreaterThan(0.3);
    expect(acceptanceRate).toBeLessThan(1);
    expect(diagnostics!.maxRhat).toBeLessThan(1.05);
    expectMeans(samples, mean);
    expectCovariance(samples, mean, model.covariance());
    tf.dispose([init, samples, ...model.variables]);
    disposeState(finalState);
  });

  it('preconditioned by the target covariance, samples an ill-conditioned Gaussian (condition number 100) with a unit-scale step', () => {
    // Covariance with eigenvalues 10 and 0.1 along the diagonals: plain MALA would need h ~ 0.1.
    const covariance = [[5.05, 4.95], [4.95, 5.05]];
    const mean = [1, -1];
    const model = gaussianEnergy({ dim: 2, mean, precision: inverseSPD(covariance) });
    const init = tf.zeros([64, 2]);
    const sampler = mala({ stepSize: 0.8, inverseMass: covariance });
    const { samples, finalState, acceptanceRate } = sampleChain(sampler, { energy: model.energy, init, key: prngKey(19), burnIn: 100, numSteps: 300 });
    // Whitened, the target is N(0, I): MALA at h = 0.8 accepts well above half the proposals.
    expect(acceptanceRate).toBeGreaterThan(0.5);
    expectMeans(samples, mean);
    expectCovariance(samples, mean, covariance);
    const diagonal = sampler.withInverseMass([5.05, 5.05]);
    expect(diagonal.inverseMass).toEqual([5.05, 5.05]);
    tf.dispose([init, samples, ...model.variables]);
    disposeState(finalState);
  });

  it('reproduces the weight of a two-component Gaussian mixture, crossing from one mode', () => {
    const weights = [0.3, 0.7];
    const means = [-1, 1];
    const sd = 0.6;
    const target = gaussianMixture1d({ weights, means, sd });
    const energy = target.energy;
    // Every chain starts in the lighter mode, so reaching P(x > 0) needs chains to cross.
    const init = tf.fill([128, 1], -1);
    const { samples, finalState, diagnostics } = sampleChain(mala({ stepSize: 0.5 }), {
      energy,
      init,
      key: prngKey(11),
      burnIn: 200,
      numSteps: 500,
    });
    expect(diagnostics!.maxRhat).toBeLessThan(1.05);
    // P(x > 0) = 1 - sum_k w_k Phi((0 - m_k) / sd), 0 being the midpoint of the modes.
    expectProbability(samples, (x) => x(0) > 0, 1 - target.cdf(0), { label: 'P(x > 0)' });
    tf.dispose([init, samples]);
    disposeState(finalState);
  });

  it('samples image-shaped batches [N, 2, 2, 1] exactly: unit variance, unlike ULA', () => {
    const init = tf.zeros([128, 2, 2, 1]);
    let perChain: number[] = [];
    const { samples, finalState } = sampleChain(mala({ stepSize: 0.5 }), {
      energy: standardNormalEnergy,
      init,
      key: prngKey(12),
      burnIn: 50,
      numSteps: 300,
      onStep: ({ step, info }) => {
        if (step === 0) perChain = info.isAccepted.shape;
      },
    });
    expect(finalState.position.shape).toEqual([128, 2, 2, 1]);
    expect(finalState.gradient.shape).toEqual([128, 2, 2, 1]);
    expect(finalState.energy.shape).toEqual([128]);
    expect(perChain).toEqual([128]);
    const identity = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0)));
    expectMeans(samples, [0, 0, 0, 0]);
    expectCovariance(samples, [0, 0, 0, 0], identity);
    tf.dispose([init, samples]);
    disposeState(finalState);
  });

  it('reports the acceptance probability and per-chain acceptances consistently', () => {
    const sampler = mala({ stepSize: 0.8 });
    const x = tf.randomNormal([64, 2], 0, 1, 'float32', 1);
    const state = sampler.init(x, standardNormalEnergy);
    const [next, info] = sampler.step(prngKey(13), state, standardNormalEnergy);
    const moved = tf.any(tf.notEqual(next.position, state.position), 1);
    expect(Array.from(info.isAccepted.dataSync())).toEqual(Array.from(moved.dataSync()));
    const { acceptanceRate } = readScalarsSync(info);
    expect(acceptanceRate).toBeGreaterThan(0);
    expect(acceptanceRate).toBeLessThan(1);
    // The mean acceptance is the mean of the per-chain acceptance probabilities, each in [0, 1].
    expect(tf.tidy(() => tf.mean(info.acceptanceProbability).dataSync()[0])).toBeCloseTo(acceptanceRate!, 6);
    expect(info.stepSize).toBe(0.8);
    // The cached energy and gradient belong to the new position.
    const fresh = standardNormalEnergy(next.position);
    expect(Array.from(next.energy.dataSync())).toEqual(Array.from(fresh.dataSync()));
    expect(Array.from(next.gradient.dataSync())).toEqual(Array.from(next.position.dataSync()));
    tf.dispose([x, moved, fresh]);
    disposeState([state, next, info]);
  });

  it('rejects proposals whose energy is NaN', () => {
    // x^2 / 2 + 0 * sqrt(1 - x): finite for x < 1, NaN beyond (sqrt of a negative number), so the
    // chain must never enter x > 1.
    const energy: EnergyFn = (x) =>
      tf.tidy(() => tf.add(standardNormalEnergy(x), tf.mul(0, tf.sqrt(tf.sub(1, tf.squeeze(x, [1]))))) as tf.Tensor1D);
    const init = tf.zeros([64, 1]);
    const { samples, finalState } = sampleChain(mala({ stepSize: 0.5 }), { energy, init, key: prngKey(14), numSteps: 200 });
    expect(tf.tidy(() => tf.max(samples).dataSync()[0]!)).toBeLessThanOrEqual(1);
    expect(Number.isFinite(tf.tidy(() => tf.sum(finalState.energy).dataSync()[0]!))).toBe(true);
    tf.dispose([init, samples]);
    disposeState(finalState);
  });

  it('evaluates the energy and its gradient once per step', () => {
    const { energy, calls } = countingEnergy(standardNormalEnergy);
    const sampler = mala({ stepSize: 0.3 });
    const x = tf.zeros([4, 2]);
    let state = sampler.init(x, energy);
    expect(calls()).toBe(1);
    for (let t = 0; t < 20; t++) {
      const [next] = sampler.step(foldIn(prngKey(15), t), state, energy);
      disposeState(state);
      state = next;
    }
    expect(calls()).toBe(21);
    tf.dispose(x);
    disposeState(state);
  });

  it("uses an energy's valueAndGrad fast path once per step, never the plain energy after init", () => {
    let plain = 0;
    let fused = 0;
    const energy = Object.assign(
      (x: tf.Tensor) => {
        plain++;
        return standardNormalEnergy(x);
      },
      {
        valueAndGrad: (x: tf.Tensor) => {
          fused++;
          return { energy: standardNormalEnergy(x), gradient: tf.clone(x) };
        },
      },
    ) as EnergyFn;
    const sampler = mala({ stepSize: 0.3 });
    const x = tf.zeros([4, 2]);
    let state = sampler.init(x, energy);
    for (let t = 0; t < 20; t++) {
      const [next] = sampler.step(foldIn(prngKey(18), t), state, energy);
      disposeState(state);
      state = next;
    }
    expect(fused).toBe(21);
    expect(plain).toBe(0);
    tf.dispose(x);
    disposeState(state);
  });

  it('follows a step-size schedule and is a TunableSampler', () => {
    const schedule = exponentialDecay({ initial: 0.4, rate: 0.5 });
    const sampler = mala({ stepSize: schedule });
    expect(sampler.stepSize).toBe(0.4);
    const tuned = sampler.withStepSize(0.05);
    expect(tuned.name).toBe('mala');
    expect(tuned.stepSize).toBe(0.05);
    const x = tf.zeros([4, 2]);
    let state = sampler.init(x, standardNormalEnergy);
    for (let t = 0; t < 4; t++) {
      const [next, info] = sampler.step(foldIn(prngKey(16), t), state, standardNormalEnergy);
      expect(info.stepSize).toBeCloseTo(0.4 * 0.5 ** t, 12);
      expect(next.step).toBe(t + 1);
      disposeState(state);
      state = next;
    }
    tf.dispose(x);
    disposeState(state);
  });

  it('keeps the sampler contract (copies at init, fresh states, info on the device, no reads)', async () => {
    const x = tf.zeros([4, 2]);
    await expectSamplerContract(mala({ stepSize: 0.3 }), { energy: standardNormalEnergy, init: x });
    tf.dispose(x);
  });

  it('leaks no tensors over 1000 steps', () => {
    const model = gaussianEnergy({ dim: 2, precision: [[2, 0.5], [0.5, 1]] });
    const sampler = mala({ stepSize: 0.3 });
    const x = tf.zeros([4, 2]);
    expectSamplerNoLeaks(sampler, { energy: model.energy, init: x, key: prngKey(17) });
    tf.dispose([x, ...model.variables]);
  });

  it.each([
    ['stepSize', () => mala({ stepSize: 0 })],
    ['stepSize', () => mala({ stepSize: -1 })],
    ['stepSize', () => mala({ stepSize: Number.POSITIVE_INFINITY })],
  ])('rejects a bad %s', (argument, make) => {
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(new RegExp(`^${argument}:`));
  });

  it('rejects NaN energies at init and states of the wrong shape with clear errors', () => {
    const sampler = mala({ stepSize: 0.1 });
    const nan = tf.tensor2d([[0, Number.NaN]]);
    expect(() => sampler.init(nan, standardNormalEnergy)).toThrow(NonFiniteError);
    expect(() => sampler.init(nan, standardNormalEnergy)).toThrow(/^energy:.*initial position/);
    const before = tf.memory().numTensors;
    expect(() => sampler.init(nan, standardNormalEnergy)).toThrow(NonFiniteError);
    expect(tf.memory().numTensors).toBe(before);

    const x = tf.zeros([3, 2]);
    const state = sampler.init(x, standardNormalEnergy);
    const ulaState = langevin({ stepSize: 0.1 }).init(x, standardNormalEnergy);
    expect(() => sampler.step(prngKey(0), ulaState as never, standardNormalEnergy)).toThrow(ShapeError);
    expect(() => sampler.step(prngKey(0), ulaState as never, standardNormalEnergy)).toThrow(/^state.energy: is missing.*mala/);
    const wrongGradient = tf.zeros([3, 3]);
    expect(() => sampler.step(prngKey(0), { ...state, gradient: wrongGradient }, standardNormalEnergy)).toThrow(
      /^state.gradient: has shape \[3, 3\] but the position needs \[3, 2\]/,
    );
    const wrongEnergy = tf.zeros([2]);
    expect(() => sampler.step(prngKey(0), { ...state, energy: wrongEnergy as tf.Tensor1D }, standardNormalEnergy)).toThrow(
      /^state.energy:/,
    );
    expect(() => sampler.step(prngKey(0), { ...state, step: 0.5 }, standardNormalEnergy)).toThrow(/^state.step:/);
    tf.dispose([nan, x, wrongGradient, wrongEnergy]);
    disposeState([state, ulaState]);
  });
});
