import * as tf from '@tensorflow/tfjs';
import {
  InvalidArgumentError,
  NonFiniteError,
  ShapeError,
  disposeState,
  prngKey,
  sampleChain,
} from '@ebm/core';
import type { InverseMass } from '@ebm/core';
import { inverseSPD } from '@ebm/core/math';
import { gaussianEnergy } from '@ebm/core/models';
import {
  CORRELATED_GAUSSIAN_2D,
  describeBackends,
  expectCovariance,
  expectMeans,
  expectProbability,
  expectSamplerContract,
  expectSamplerNoLeaks,
  gaussianMixture1d,
} from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { hmc } from './hmc.js';

const { mean: MEAN, covariance: COV } = CORRELATED_GAUSSIAN_2D;

/** Two-component 1-D mixture 0.3 N(-1.5, 0.6^2) + 0.7 N(1.5, 0.6^2). */
const MIXTURE = gaussianMixture1d({ weights: [0.3, 0.7], means: [-1.5, 1.5], sd: 0.6 });

describeBackends('hmc', () => {
  const masses: [string, InverseMass | undefined, number][] = [
    ['identity', undefined, 0],
    ['diagonal [2, 0.5]', [2, 0.5], 0],
    ['dense (the target covariance), jitter 0.3', [[1, 0.8], [0.8, 1]], 0.3],
  ];
  for (const [label, inverseMass, jitter] of masses) {
    it(`reproduces the mean and covariance of a correlated 2-D Gaussian (inverse mass ${label})`, () => {
      const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
      const init = tf.zeros([32, 2]);
      const sampler = hmc({ stepSize: 0.25, numLeapfrogSteps: 5, inverseMass, jitter });
      const { samples, finalState, acceptanceRate } = sampleChain(sampler, {
        energy: model.energy,
        init,
        key: prngKey(30),
        burnIn: 100,
        numSteps: 500,
      });
      expect(acceptanceRate).toBeGreaterThan(0.5);
      expectMeans(samples, MEAN);
      expectCovariance(samples, MEAN, COV);
      tf.dispose([samples, init, ...model.variables]);
      disposeState(finalState);
    });
  }

  it('reproduces the weight of a two-component mixture', () => {
    const init = tf.zeros([32, 1]);
    const { samples, finalState } = sampleChain(hmc({ stepSize: 0.3, numLeapfrogSteps: 5 }), {
      energy: MIXTURE.energy,
      init,
      key: prngKey(31),
      burnIn: 100,
      numSteps: 500,
    });
    expectProbability(samples, (x) => x(0) < 0, MIXTURE.cdf(0), { label: 'P(x < 0)' });
    tf.dispose([samples, init]);
    disposeState(finalState);
  });

  it('caches the energy and gradient of the current position', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const sampler = hmc({ stepSize: 0.25, numLeapfrogSteps: 3 });
    const init = tf.tensor2d([[0, 0], [1, 2], [-1, 0.5]]);
    const state = sampler.init(init, model.energy);
    const [next, info] = sampler.step(prngKey(32), state, model.energy);
    const expected = tf.tidy(() => {
      const e = model.energy(next.position);
      const g = tf.grad((x: tf.Tensor) => tf.sum(model.energy(x)))(next.position);
      return { e: e.arraySync(), g: g.arraySync() as number[][] };
    });
    const e = next.energy.arraySync();
    const g = next.gradient.arraySync() as number[][];
    e.forEach((v, i) => expect(v).toBeCloseTo(expected.e[i]!, 4));
    g.flat().forEach((v, i) => expect(v).toBeCloseTo(expected.g.flat()[i]!, 4));
    tf.dispose([init, ...model.variables]);
    disposeState([state, next, info]);
  });

  it('keeps the sampler contract (copies at init, fresh states with their own mass, info on the device, no reads)', async () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const init = tf.zeros([4, 2]);
    await expectSamplerContract(hmc({ stepSize: 0.25, numLeapfrogSteps: 3, inverseMass: [[2, 0.5], [0.5, 1]], jitter: 0.2 }), { energy: model.energy, init });
    tf.dispose([init, ...model.variables]);
  });

  it('leaks no tensor over 1000 steps', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const sampler = hmc({ stepSize: 0.25, numLeapfrogSteps: 2, inverseMass: [[1, 0.5], [0.5, 1]], jitter: 0.1 });
    const init = tf.zeros([4, 2]);
    expectSamplerNoLeaks(sampler, { energy: model.energy, init, key: prngKey(33) });
    tf.dispose([init, ...model.variables]);
  });

  it('holds O(1) tensors in the number of leapfrog steps during a transition', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const live: number[] = [];
    const energy = (x: tf.Tensor) => {
      live.push(tf.memory().numTensors);
      return model.energy(x);
    };
    const sampler = hmc({ stepSize: 0.1, numLeapfrogSteps: 6 });
    const init = tf.zeros([4, 2]);
    const state = sampler.init(init, energy);
    live.length = 0;
    const [next, info] = sampler.step(prngKey(34), state, energy);
    // One energy call per leapfrog step; the tensors alive at each call must not grow with l.
    expect(live).toHaveLength(6);
    expect(new Set(live.slice(1)).size).toBe(1);
    tf.dispose([init, ...model.variables]);
    disposeState([state, next, info]);
  });

  it('is adaptable: withStepSize and withInverseMass keep the other options, and it targets an acceptance of 0.65', () => {
    const sampler = hmc({ stepSize: 0.25, numLeapfrogSteps: 4, jitter: 0.1 });
    const tuned = sampler.withStepSize(0.1).withInverseMass([2, 3]);
    expect(sampler.stepSize).toBe(0.25);
    expect(sampler.inverseMass).toBeUndefined();
    expect(tuned.stepSize).toBe(0.1);
    expect(tuned.inverseMass).toEqual([2, 3]);
    expect(tuned.name).toBe('hmc');
    expect(tuned.targetAcceptance).toBe(0.65);
  });

  it('rejects bad configurations with errors naming the argument', () => {
    for (const stepSize of [0, -0.1, Number.NaN]) {
      expect(() => hmc({ stepSize, numLeapfrogSteps: 3 })).toThrow(InvalidArgumentError);
      expect(() => hmc({ stepSize, numLeapfrogSteps: 3 })).toThrow(/stepSize/);
    }
    for (const numLeapfrogSteps of [0, 2.5]) {
      expect(() => hmc({ stepSize: 0.1, numLeapfrogSteps })).toThrow(/numLeapfrogSteps/);
    }
    expect(() => hmc({ stepSize: 0.1, numLeapfrogSteps: 3, inverseMass: [1, -1] })).toThrow(/^inverseMass\[1\]/);
    expect(() => hmc({ stepSize: 0.1, numLeapfrogSteps: 3, inverseMass: [[1, 2], [2, 1]] })).toThrow(/^inverseMass: must be symmetric positive definite/);
    for (const jitter of [-0.1, 1, Number.NaN]) expect(() => hmc({ stepSize: 0.1, numLeapfrogSteps: 3, jitter })).toThrow(/^jitter:/);
    expect(() => hmc({ stepSize: 0.1, numLeapfrogSteps: 3, inverseMassDiagonal: [1, 2] } as never)).toThrow(/^inverseMassDiagonal: was renamed inverseMass/);
    const energy = (x: tf.Tensor) => tf.tidy(() => tf.sum(tf.square(x), 1) as tf.Tensor1D);
    const init = tf.zeros([2, 3]);
    const wrongLength = hmc({ stepSize: 0.1, numLeapfrogSteps: 3, inverseMass: [1, 1] });
    expect(() => wrongLength.init(init, energy)).toThrow(ShapeError);
    expect(() => wrongLength.init(init, energy)).toThrow(/^inverseMass:.*3 for per-chain shape \[3\]/);
    const nanInit = tf.tensor2d([[Number.NaN, 0, 0]]);
    const before = tf.memory().numTensors;
    expect(() => hmc({ stepSize: 0.1, numLeapfrogSteps: 3 }).init(nanInit, energy)).toThrow(NonFiniteError);
    expect(() => hmc({ stepSize: 0.1, numLeapfrogSteps: 3 }).init(nanInit, energy)).toThrow(/energy/);
    expect(tf.memory().numTensors).toBe(before);
    const state = hmc({ stepSize: 0.1, numLeapfrogSteps: 3 }).init(init, energy);
    const sampler = hmc({ stepSize: 0.1, numLeapfrogSteps: 3 });
    expect(() => sampler.step(prngKey(0), { position: state.position } as never, energy)).toThrow(ShapeError);
    expect(() => sampler.step(prngKey(0), { position: state.position } as never, energy)).toThrow(/^state.energy: is missing.*hmc/);
    expect(() => sampler.step(prngKey(0), { ...state, gradient: state.energy }, energy)).toThrow(/^state.gradient: has shape \[2\]/);
    expect(() => sampler.step(prngKey(0), { ...state, metric: undefined } as never, energy)).toThrow(/^state.metric: is missing/);
    tf.dispose([init, nanInit]);
    disposeState(state);
  });
});
