import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { energyAndGradient } from './energy-gradient.js';
import { InvalidArgumentError, ShapeError } from './errors.js';
import { gaussianEnergy } from './models/gaussian.js';
import { describeBackends, expectNoLeaks } from './testing/index.js';

describeBackends('energyAndGradient', () => {
  it('returns per-sample energies and dE/dx = P (x - mu) for a Gaussian', () => {
    const model = gaussianEnergy({ dim: 2, mean: [1, 0], precision: [[2, 0.5], [0.5, 1]] });
    const x = tf.tensor2d([[2, 1], [0, 0]]);
    const { energy, gradient } = energyAndGradient(model.energy, x);
    const g = gradient.arraySync() as number[][];
    // P (x - mu): row 1: [2*1 + 0.5*1, 0.5*1 + 1*1]; row 2: [2*-1, 0.5*-1].
    expect(g[0]![0]).toBeCloseTo(2.5, 5);
    expect(g[0]![1]).toBeCloseTo(1.5, 5);
    expect(g[1]![0]).toBeCloseTo(-2, 5);
    expect(g[1]![1]).toBeCloseTo(-0.5, 5);
    const e = energy.arraySync() as number[];
    expect(e[0]).toBeCloseTo(0.5 * (2 + 1 + 1), 5);
    tf.dispose([x, energy, gradient, ...model.variables]);
  });

  it('leaks nothing, inside or outside an enclosing tidy, also when the energy returns the wrong shape', () => {
    const model = gaussianEnergy({ dim: 2 });
    const x = tf.ones([3, 2]);
    expectNoLeaks(() => {
      const { energy, gradient } = energyAndGradient(model.energy, x);
      tf.dispose([energy, gradient]);
    }, 1000);
    expectNoLeaks(() => tf.tidy(() => void energyAndGradient(model.energy, x)), 1000);
    // The wrong-shape error is thrown on the forward pass: nothing it made survives.
    const summed = (z: tf.Tensor) => tf.sum(tf.square(z)) as unknown as tf.Tensor1D;
    expectNoLeaks(() => expect(() => energyAndGradient(summed, x)).toThrow(ShapeError), 100);
    tf.dispose([x, ...model.variables]);
  });

  it('rejects an energy that does not return one value per sample', () => {
    const x = tf.ones([3, 2]);
    const summed = (z: tf.Tensor) => tf.sum(z) as unknown as tf.Tensor1D;
    expect(() => energyAndGradient(summed, x)).toThrow(ShapeError);
    expect(() => energyAndGradient(summed, x)).toThrow(/energy: must return one value per sample, shape \[3\]/);
    const perElement = (z: tf.Tensor) => tf.square(z) as tf.Tensor1D;
    expect(() => energyAndGradient(perElement, x)).toThrow(/got \[3, 2\]/);
    x.dispose();
  });

  it('names the op when the energy cannot be differentiated, and shows the tf.step mask that can', () => {
    const x = tf.tensor2d([[-2, 3], [1, -1]]);
    const masked = (z: tf.Tensor) => tf.tidy(() => tf.sum(tf.where(tf.less(z, 0), tf.neg(z), tf.square(z)), 1) as tf.Tensor1D);
    expect(() => energyAndGradient(masked, x)).toThrow(InvalidArgumentError);
    expect(() => energyAndGradient(masked, x)).toThrow(/^energy: uses the op Less on its input.*tf\.step/);
    // The same energy with its mask from tf.step: E = -z for z < 0, z^2 otherwise; dE/dz = -1 or 2z.
    const stepped = (z: tf.Tensor) => tf.tidy(() => tf.sum(tf.where(tf.cast(tf.step(tf.neg(z)), 'bool'), tf.neg(z), tf.square(z)), 1) as tf.Tensor1D);
    const { energy, gradient } = energyAndGradient(stepped, x);
    expect(gradient.arraySync()).toEqual([[-1, 6], [2, -1]]);
    expect(Array.from(energy.dataSync())).toEqual([11, 2]);
    tf.dispose([x, energy, gradient]);
  });

  it('leaks nothing when the energy returns the wrong shape or throws after recording ops on the tape', () => {
    const x = tf.ones([3, 2]);
    // tf.mul keeps its inputs for the backward pass: before the fix these leaked once per call.
    const wrongShape = (z: tf.Tensor) => tf.sum(tf.mul(z, z), 0) as tf.Tensor1D;
    const throwing = (z: tf.Tensor): tf.Tensor1D => {
      tf.mul(z, z);
      throw new Error('energy failed');
    };
    const viaValueAndGrad = Object.assign((z: tf.Tensor) => tf.sum(z, 1) as tf.Tensor1D, {
      valueAndGrad: (z: tf.Tensor) => ({ energy: tf.sum(z) as unknown as tf.Tensor1D, gradient: tf.onesLike(z) }),
    });
    for (const [energy, pattern] of [
      [wrongShape, /^energy: must return one value per sample, shape \[3\], got \[2\]/],
      [throwing, /^energy failed$/],
      [viaValueAndGrad, /^energy: must return one value per sample, shape \[3\], got \[\]/],
    ] as const) {
      const attempt = () => energyAndGradient(energy, x);
      expect(attempt).toThrow(pattern);
      expectNoLeaks(() => expect(attempt).toThrow(pattern), 100);
      expectNoLeaks(() => expect(() => tf.tidy(() => void attempt())).toThrow(pattern), 100);
    }
    // The engine is left in a usable state: a later call still differentiates correctly.
    const { energy, gradient } = energyAndGradient((z) => tf.sum(tf.square(z), 1) as tf.Tensor1D, x);
    expect(Array.from(gradient.dataSync())).toEqual([2, 2, 2, 2, 2, 2]);
    tf.dispose([x, energy, gradient]);
  });
});
