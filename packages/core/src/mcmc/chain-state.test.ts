import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { describeBackends } from '../testing/index.js';
import { assertChainState } from './chain-state.js';

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
});
