import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { energyAndGradient } from './energy-gradient.js';
import { ShapeError } from './errors.js';
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

  it('leaks nothing, inside or outside an enclosing tidy', () => {
    const model = gaussianEnergy({ dim: 2 });
    const x = tf.ones([3, 2]);
    expectNoLeaks(() => {
      const { energy, gradient } = energyAndGradient(model.energy, x);
      tf.dispose([energy, gradient]);
    }, 1000);
    expectNoLeaks(() => tf.tidy(() => void energyAndGradient(model.energy, x)), 1000);
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
});
