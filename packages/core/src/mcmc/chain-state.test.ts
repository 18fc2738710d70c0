import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { describeBackends } from '../testing/index.js';
import { prngKey } from '../key.js';
import { gaussianEnergy } from '../models/gaussian.js';
import { normal } from '../random.js';
import { disposeState } from '../state.js';
import { assertChainState } from './chain-state.js';
import { initChainState } from './init-chain-state.js';
import { metropolisHastings } from './metropolis-hastings.js';

describeBackends('assertChainState', () => {
  it('accepts a well-formed state and names the field, the problem and the sampler otherwise', () => {
    const position = tf.zeros([3, 2]);
    const energy = tf.zeros([3]);
    const gradient = tf.zeros([3, 2]);
    const all = { energy: true, gradient: true, step: true };
    expect(() => assertChainState({ position, energy, gradient, step: 0 }, 'mala', all)).not.toThrow();
    expect(() => assertChainState(undefined, 'mala')).toThrow(/^state: must be a chain state.*mala\(\.\.\.\)\.init/);
    expect(() => assertChainState({ position: tf.scalar(1) }, 'mala')).toThrow(ShapeError);
    expect(() => assertChainState({ position }, 'hmc', { energy: true })).toThrow(/^state.energy: is missing.*hmc\(\.\.\.\)\.init/);
    expect(() => assertChainState({ position, energy: gradient }, 'hmc', { energy: true })).toThrow(/^state.energy: has shape \[3, 2\] but the position needs \[3\]/);
    expect(() => assertChainState({ position, energy, gradient: energy }, 'mala', { energy: true, gradient: true })).toThrow(
      /^state.gradient: has shape \[3\] but the position needs \[3, 2\]/,
    );
    for (const step of [-1, 0.5, undefined]) {
      expect(() => assertChainState({ position, step }, 'langevin', { step: true })).toThrow(InvalidArgumentError);
      expect(() => assertChainState({ position, step }, 'langevin', { step: true })).toThrow(/^state.step:/);
    }
    tf.dispose([position, energy, gradient]);
  });

  it('refuses a disposed state', () => {
    const position = tf.zeros([3, 2]);
    const energy = tf.zeros([3]);
    energy.dispose();
    expect(() => assertChainState({ position, energy }, 'mh', { energy: true })).toThrow(/^state.energy: was disposed/);
    position.dispose();
    expect(() => assertChainState({ position }, 'mh')).toThrow(/^state.position: was disposed/);
  });

  it('refuses bool and int32 positions at init and at every step, naming the cast', () => {
    const energy = (x: tf.Tensor) => tf.sum(tf.square(x), 1) as tf.Tensor1D;
    for (const dtype of ['bool', 'int32'] as const) {
      const position = tf.zeros([3, 2], dtype);
      const before = tf.memory().numTensors;
      expect(() => initChainState('mala', position, energy, { gradient: true })).toThrow(ShapeError);
      expect(() => initChainState('mala', position, energy)).toThrow(new RegExp(`^position: must be float32 .*got ${dtype}\\. Cast it with tf\\.cast\\(x, 'float32'\\)`));
      expect(() => assertChainState({ position }, 'langevin')).toThrow(new RegExp(`^state\\.position: must be float32 .*got ${dtype}`));
      expect(tf.memory().numTensors).toBe(before);
      position.dispose();
    }
  });

  it('a sampler step given a disposed or bool state throws the named error instead of failing inside tfjs', () => {
    const model = gaussianEnergy({ dim: 2 });
    const sampler = metropolisHastings({ name: 'walk', propose: (key, x) => tf.add(x, normal(key, x.shape)) });
    const init = tf.zeros([4, 2]);
    const state = sampler.init(init, model.energy);
    disposeState(state);
    expect(() => sampler.step(prngKey(0), state, model.energy)).toThrow(InvalidArgumentError);
    expect(() => sampler.step(prngKey(0), state, model.energy)).toThrow(/^state\.position: was disposed: .*walk\(\.\.\.\)\.init/);
    const boolState = { position: tf.zeros([4, 2], 'bool'), energy: tf.zeros([4]) as tf.Tensor1D };
    expect(() => sampler.step(prngKey(0), boolState, model.energy)).toThrow(/^state\.position: must be float32 .*got bool/);
    tf.dispose([init, ...model.variables]);
    disposeState(boolState);
  });
});
