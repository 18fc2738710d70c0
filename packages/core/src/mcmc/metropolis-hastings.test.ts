import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { prngKey } from '../key.js';
import { inverseSPD } from '../math/linalg.js';
import { gaussianEnergy } from '../models/gaussian.js';
import { normal } from '../random.js';
import { disposeState } from '../state.js';
import { describeBackends, expectCovariance, expectMeans, expectSamplerContract, expectSamplerNoLeaks } from '../testing/index.js';
import { metropolisHastings } from './metropolis-hastings.js';
import { sampleChain } from './sample-chain.js';

const MEAN = [1, -1];
const COV = [
  [1, 0.8],
  [0.8, 1],
];
/** Independence proposal N(0, s^2 I) with s = 2.5: wider than the target, so the ratio is bounded. */
const S = 2.5;
const logQ = (x: tf.Tensor) => tf.mul(-1 / (2 * S * S), tf.sum(tf.square(x), 1)) as tf.Tensor1D;
const independence = () =>
  metropolisHastings({
    name: 'independence',
    propose: (key, x) => tf.mul(S, normal(key, x.shape)),
    logProposalRatio: (x, proposal) => tf.sub(logQ(x), logQ(proposal)) as tf.Tensor1D,
  });

describeBackends('metropolisHastings', () => {
  it('an independence sampler with its proposal correction reproduces a correlated 2-D Gaussian', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const init = tf.zeros([32, 2]);
    const { samples, finalState } = sampleChain(independence(), { energy: model.energy, init, key: prngKey(20), burnIn: 100, numSteps: 1500 });
    expectMeans(samples, MEAN);
    expectCovariance(samples, MEAN, COV);
    tf.dispose([samples, init, ...model.variables]);
    disposeState(finalState);
  });

  it('keeps the sampler contract (copies at init, fresh states, info on the device, no reads)', async () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const init = tf.zeros([4, 2]);
    await expectSamplerContract(independence(), { energy: model.energy, init });
    tf.dispose([init, ...model.variables]);
  });

  it('leaks no tensor over 1000 steps', () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: inverseSPD(COV) });
    const sampler = independence();
    const init = tf.zeros([4, 2]);
    expectSamplerNoLeaks(sampler, { energy: model.energy, init, key: prngKey(21) });
    tf.dispose([init, ...model.variables]);
  });

  it('init keeps only the state: an energy that does not tidy its intermediates leaks nothing', () => {
    const untidy = (x: tf.Tensor) => tf.sum(tf.square(tf.mul(2, x)), 1) as tf.Tensor1D;
    const init = tf.zeros([3, 2]);
    const before = tf.memory().numTensors;
    const state = independence().init(init, untidy);
    expect(tf.memory().numTensors).toBe(before + 2); // position and energy
    disposeState(state);
    init.dispose();
  });

  it('rejects a missing propose and a proposal of the wrong shape', () => {
    expect(() => metropolisHastings({} as never)).toThrow(InvalidArgumentError);
    expect(() => metropolisHastings({} as never)).toThrow(/propose/);
    const energy = (x: tf.Tensor) => tf.tidy(() => tf.sum(tf.square(x), 1) as tf.Tensor1D);
    const sampler = metropolisHastings({ propose: (_key, x) => tf.concat([x, x], 1) });
    const init = tf.zeros([3, 2]);
    const state = sampler.init(init, energy);
    const before = tf.memory().numTensors;
    expect(() => sampler.step(prngKey(0), state, energy)).toThrow(ShapeError);
    expect(() => sampler.step(prngKey(0), state, energy)).toThrow(/propose/);
    expect(tf.memory().numTensors).toBe(before);
    const valid = metropolisHastings({ propose: (_key, x) => tf.clone(x) });
    expect(() => valid.step(prngKey(0), { position: state.position } as never, energy)).toThrow(ShapeError);
    expect(() => valid.step(prngKey(0), { position: state.position } as never, energy)).toThrow(/^state.energy: is missing.*metropolisHastings/);
    const wrong = tf.zeros([2]) as tf.Tensor1D;
    expect(() => valid.step(prngKey(0), { ...state, energy: wrong }, energy)).toThrow(/^state.energy: has shape \[2\]/);
    tf.dispose([init, wrong]);
    disposeState(state);
  });
});
