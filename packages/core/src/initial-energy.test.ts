import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { NonFiniteError, ShapeError } from './errors.js';
import { initialEnergy } from './initial-energy.js';
import { describeBackends } from './testing/index.js';
import type { EnergyFn } from './types.js';

const quadratic: EnergyFn = (x) => tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(x), 1)) as tf.Tensor1D);

describeBackends('initialEnergy', () => {
  it('returns E(x0) and, on request, dE/dx(x0), leaving nothing else allocated', () => {
    const x = tf.tensor2d([[1, 2], [0, -1]]);
    const before = tf.memory().numTensors;
    const { energy } = initialEnergy(quadratic, x, 'test');
    expect(Array.from(energy.dataSync())).toEqual([2.5, 0.5]);
    const both = initialEnergy(quadratic, x, 'test', { gradient: true });
    expect(both.gradient.arraySync()).toEqual([[1, 2], [0, -1]]);
    expect(tf.memory().numTensors - before).toBe(3);
    tf.dispose([x, energy, both.energy, both.gradient]);
  });

  it('throws clear errors and leaks nothing on a bad energy or start', () => {
    const x = tf.tensor2d([[1, Number.NaN]]);
    const before = tf.memory().numTensors;
    expect(() => initialEnergy(quadratic, x, 'mysampler')).toThrow(NonFiniteError);
    expect(() => initialEnergy(quadratic, x, 'mysampler', { gradient: true })).toThrow(/^energy:.*initial position \(mysampler needs a finite E\(x\)/);
    const summed: EnergyFn = (z) => tf.sum(z) as unknown as tf.Tensor1D;
    expect(() => initialEnergy(summed, x, 'mysampler')).toThrow(ShapeError);
    const scalar = tf.scalar(1);
    expect(() => initialEnergy(quadratic, scalar, 'mysampler')).toThrow(/position: must have rank >= 1/);
    tf.dispose([x, scalar]);
    expect(tf.memory().numTensors).toBe(before - 1);
  });
});
