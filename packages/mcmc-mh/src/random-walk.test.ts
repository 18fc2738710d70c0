import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, NonFiniteError, disposeState, prngKey, sampleChain } from '@ebm/core';
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
import { randomWalkMetropolis } from './random-walk.js';

const { mean: MEAN, covariance: COV } = CORRELATED_GAUSSIAN_2D;

/** Two-component 1-D mixture 0.3 N(-1.5, 0.6^2) + 0.7 N(1.5, 0.6^2). */
const MIXTURE = gaussianMixture1d({ weights: [0.3, 0.7], means: [-1.5, 1.5], sd: 0.6 });

describeBackends('randomWalkMetropolis', () => {
  it('reproduces the mean and covariance of a correlated 2-D Gaussian', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const init = tf.zeros([32, 2]);
    const { samples, finalState, acceptanceRate } = sampleChain(randomWalkMetropolis({ scale: 0.8 }), {
      energy: model.energy,
      init,
      key: prngKey(1),
      burnIn: 200,
      numSteps: 2000,
    });
    expect(acceptanceRate).toBeGreaterThan(0.2);
    expect(acceptanceRate).toBeLessThan(0.8);
    expectMeans(samples, MEAN);
    expectCovariance(samples, MEAN, COV);
    tf.dispose([samples, init, ...model.variables]);
    disposeState(finalState);
  });

  it('reproduces the weight of a two-component mixture', () => {
    const init = tf.zeros([32, 1]);
    const { samples, finalState } = sampleChain(randomWalkMetropolis({ scale: 1.5 }), {
      energy: MIXTURE.energy,
      init,
      key: prngKey(2),
      burnIn: 200,
      numSteps: 3000,
    });
    expectProbability(samples, (x) => x(0) < 0, MIXTURE.cdf(0), { label: 'P(x < 0)' });
    tf.dispose([samples, init]);
    disposeState(finalState);
  });

  it('gives the same chain for the same key', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const init = tf.zeros([4, 2]);
    const run = () => {
      const { samples, finalState } = sampleChain(randomWalkMetropolis({ scale: 0.8 }), { energy: model.energy, init, key: prngKey(3), numSteps: 20 });
      disposeState(finalState);
      const values = samples.arraySync();
      samples.dispose();
      return values;
    };
    expect(run()).toEqual(run());
    tf.dispose([init, ...model.variables]);
  });

  it('leaks no tensor over 1000 steps', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const sampler = randomWalkMetropolis({ scale: 0.8 });
    const init = tf.zeros([4, 2]);
    expectSamplerNoLeaks(sampler, { energy: model.energy, init, key: prngKey(4) });
    tf.dispose([init, ...model.variables]);
  });

  it('is adaptable: withStepSize changes the scale, withInverseMass the preconditioner, and it targets an acceptance of 0.234', () => {
    const sampler = randomWalkMetropolis({ scale: 0.8 });
    expect(sampler.stepSize).toBe(0.8);
    expect(sampler.withStepSize(0.1).stepSize).toBe(0.1);
    expect(sampler.withInverseMass([1, 2]).inverseMass).toEqual([1, 2]);
    expect(sampler.targetAcceptance).toBe(0.234);
  });

  it('preconditioned by the target covariance, samples an ill-conditioned Gaussian (condition number 100)', () => {
    const covariance = [[5.05, 4.95], [4.95, 5.05]];
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(covariance) });
    const init = tf.zeros([32, 2]);
    const { samples, finalState, acceptanceRate } = sampleChain(randomWalkMetropolis({ scale: 1.7, inverseMass: covariance }), {
      energy: model.energy,
      init,
      key: prngKey(5),
      burnIn: 200,
      numSteps: 2000,
    });
    // Whitened, the target is N(0, I): a scale of 1.7 accepts about a third, as on an isotropic target.
    expect(acceptanceRate).toBeGreaterThan(0.2);
    expect(acceptanceRate).toBeLessThan(0.5);
    expectMeans(samples, MEAN);
    expectCovariance(samples, MEAN, covariance);
    expect(() => randomWalkMetropolis({ scale: 1, inverseMass: [[1, 2], [2, 1]] })).toThrow(/^inverseMass: must be symmetric positive definite/);
    tf.dispose([samples, init, ...model.variables]);
    disposeState(finalState);
  });

  it('keeps the sampler contract (copies at init, fresh states, info on the device, no reads)', async () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const init = tf.zeros([4, 2]);
    await expectSamplerContract(randomWalkMetropolis({ scale: 0.8 }), { energy: model.energy, init });
    tf.dispose([init, ...model.variables]);
  });

  it('rejects a scale <= 0 and a NaN energy at init', () => {
    for (const scale of [0, -1, Number.NaN]) {
      expect(() => randomWalkMetropolis({ scale })).toThrow(InvalidArgumentError);
      expect(() => randomWalkMetropolis({ scale })).toThrow(/scale/);
    }
    const init = tf.tensor2d([[Number.NaN, 0]]);
    const energy = (x: tf.Tensor) => tf.tidy(() => tf.sum(tf.square(x), 1) as tf.Tensor1D);
    const before = tf.memory().numTensors;
    expect(() => randomWalkMetropolis({ scale: 1 }).init(init, energy)).toThrow(NonFiniteError);
    expect(() => randomWalkMetropolis({ scale: 1 }).init(init, energy)).toThrow(/energy/);
    expect(tf.memory().numTensors).toBe(before);
    init.dispose();
  });
});
