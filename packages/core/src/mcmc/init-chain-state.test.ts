import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { NonFiniteError, ShapeError } from '../errors.js';
import { describeBackends } from '../testing/index.js';
import type { EnergyFn } from '../types.js';
import { initChainState, startCheckEnabled } from './init-chain-state.js';

const quadratic: EnergyFn = (x) => tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(x), 1)) as tf.Tensor1D);

describeBackends('initChainState', () => {
  it('runs the start check on cpu and wasm unless the caller passes check: false', () => {
    expect(startCheckEnabled()).toBe(true);
    expect(startCheckEnabled({})).toBe(true);
    expect(startCheckEnabled({ check: false })).toBe(false);
  });

  it('returns a copy of x0, E(x0) and, on request, dE/dx(x0), leaving nothing else allocated', () => {
    const x = tf.tensor2d([[1, 2], [0, -1]]);
    const before = tf.memory().numTensors;
    const state = initChainState('test', x, quadratic);
    expect(state.position).not.toBe(x);
    expect(Array.from(state.energy.dataSync())).toEqual([2.5, 0.5]);
    const both = initChainState('test', x, quadratic, { gradient: true });
    expect(both.gradient.arraySync()).toEqual([[1, 2], [0, -1]]);
    expect(tf.memory().numTensors - before).toBe(5);
    x.dispose();
    expect(state.position.arraySync()).toEqual([[1, 2], [0, -1]]);
    tf.dispose([state.position, state.energy, both.position, both.energy, both.gradient]);
  });

  it('throws clear errors and leaks nothing on a bad energy, gradient or start', () => {
    const x = tf.tensor2d([[1, Number.NaN]]);
    const before = tf.memory().numTensors;
    expect(() => initChainState('mysampler', x, quadratic)).toThrow(NonFiniteError);
    expect(() => initChainState('mysampler', x, quadratic, { gradient: true })).toThrow(/^energy:.*initial position \(mysampler needs a finite E\(x\)/);
    const ok = tf.tensor2d([[1, 2]]);
    const kink: EnergyFn = (z) => tf.tidy(() => tf.sum(tf.sqrt(tf.abs(z)), 1) as tf.Tensor1D);
    const zero = tf.zeros([1, 2]);
    expect(() => initChainState('mysampler', zero, kink, { gradient: true })).toThrow(/^gradient:.*mysampler needs a finite dE\/dx/);
    const summed: EnergyFn = (z) => tf.sum(z) as unknown as tf.Tensor1D;
    expect(() => initChainState('mysampler', x, summed)).toThrow(ShapeError);
    const scalar = tf.scalar(1);
    expect(() => initChainState('mysampler', scalar, quadratic)).toThrow(/position: must have rank >= 1/);
    tf.dispose([x, scalar, ok, zero]);
    expect(tf.memory().numTensors).toBe(before - 1);
  });
});
