/**
 * Testing a sampler plugin with @ebm/core/testing: exactness on a target with known moments
 * (tolerances from the effective sample size), no tensor leaks, clear errors. Runs on cpu and wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, disposeState, prngKey, sampleChain } from '@ebm/core';
import { inverseSPD } from '@ebm/core/math';
import { gaussianEnergy } from '@ebm/core/models';
import { describeBackends, expectCovariance, expectMeans, expectSamplerContract, expectSamplerNoLeaks } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { pcn } from './pcn.js';

/** A correlated 2-D Gaussian target with closed-form mean and covariance. */
const MEAN = [1, -1];
const COV = [
  [1, 0.8],
  [0.8, 1],
];

describeBackends('pcn', () => {
  it('reproduces the mean and covariance of a correlated 2-D Gaussian', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const init = tf.zeros([16, 2]);
    const { samples, finalState, acceptanceRate } = sampleChain(pcn({ beta: 0.5 }), {
      energy: model.energy,
      init,
      key: prngKey(0),
      burnIn: 100,
      numSteps: 1000,
    });
    expect(acceptanceRate).toBeGreaterThan(0.1);
    expectMeans(samples, MEAN);
    expectCovariance(samples, MEAN, COV);
    tf.dispose([samples, init, ...model.variables]);
    disposeState(finalState);
  });

  it('keeps the sampler contract (copies at init, fresh states, info on the device, no reads)', async () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const init = tf.zeros([4, 2]);
    await expectSamplerContract(pcn({ beta: 0.5 }), { energy: model.energy, init });
    tf.dispose([init, ...model.variables]);
  });

  it('leaks no tensor over 1000 steps', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const sampler = pcn({ beta: 0.5 });
    const init = tf.zeros([4, 2]);
    expectSamplerNoLeaks(sampler, { energy: model.energy, init, key: prngKey(1) });
    tf.dispose([init, ...model.variables]);
  });

  it('init keeps only the state: an energy that does not tidy its intermediates leaks nothing', () => {
    const untidy = (x: tf.Tensor) => tf.sum(tf.square(tf.mul(2, x)), 1) as tf.Tensor1D;
    const init = tf.zeros([3, 2]);
    const before = tf.memory().numTensors;
    const state = pcn({ beta: 0.5 }).init(init, untidy);
    expect(tf.memory().numTensors).toBe(before + 2); // position and energy
    disposeState(state);
    init.dispose();
  });

  it('rejects beta outside (0, 1]', () => {
    for (const beta of [0, 1.5, Number.NaN]) {
      expect(() => pcn({ beta })).toThrow(InvalidArgumentError);
      expect(() => pcn({ beta })).toThrow(/beta/);
    }
  });
});
