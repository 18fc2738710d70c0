import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, NonFiniteError } from '@ebm/core';
import { gaussianEnergy } from '@ebm/core/models';
import { describeBackends, expectNoLeaks } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { logPartition2d } from './log-partition.js';

/** A correlated, shifted Gaussian: precision [[2, 0.5], [0.5, 1]], sd <= 1.1 per axis. */
const MEAN = [0.5, -0.3];
const PRECISION = [
  [2, 0.5],
  [0.5, 1],
];
/** +-7 is >= 5.8 sd from the mean on both axes: tail mass ~1e-8. */
const WIDE: [[number, number], [number, number]] = [
  [-7, 7],
  [-7, 7],
];

describeBackends('logPartition2d', () => {
  it("matches gaussianEnergy's closed-form log Z within its error bound, which is small", () => {
    const model = gaussianEnergy({ dim: 2, mean: MEAN, precision: PRECISION });
    const exact = model.logPartition();
    const result = logPartition2d(model.energy, { box: WIDE, grid: 64, chunkSize: 1000 });
    expect(result.box).toEqual(WIDE);
    expect(result.grid).toBe(64);
    expect(Math.abs(result.logZ - exact)).toBeLessThanOrEqual(result.errorBound + 1e-6); // + float32 energies
    expect(result.errorBound).toBeLessThan(1e-3);
    expect(result.tailMass).toBeLessThan(1e-6);
    model.variables.forEach((v) => v.dispose());
  });

  it('the error bound covers a coarse grid and a box that cuts off the tails', () => {
    const model = gaussianEnergy({ dim: 2 });
    const exact = Math.log(2 * Math.PI);
    // +-2 sd box: 8.9% of the mass is outside; the tail bound must account for it.
    const cut = logPartition2d(model.energy, { box: [[-2, 2], [-2, 2]], grid: 32 });
    const missing = exact - cut.logZ;
    expect(missing).toBeGreaterThan(0.08);
    expect(Math.log1p(cut.tailMass)).toBeGreaterThanOrEqual(missing - cut.discretizationError);
    expect(cut.errorBound).toBeGreaterThanOrEqual(Math.abs(missing));
    expect(cut.errorBound).toBeLessThan(1); // and is not absurdly loose
    // A coarse grid on a wide box: the discretization estimate covers the true error.
    const coarse = logPartition2d(model.energy, { box: [[-6, 6], [-6, 6]], grid: 8 });
    expect(Math.abs(coarse.logZ - exact)).toBeLessThanOrEqual(coarse.errorBound);
    expect(coarse.discretizationError).toBeGreaterThan(0);
    model.variables.forEach((v) => v.dispose());
  });

  it('reports an infinite tail when the density does not fall at the boundary', () => {
    const flat = (x: tf.Tensor2D) => tf.tidy(() => tf.mul(tf.sum(x, 1), 0.1) as tf.Tensor1D);
    const result = logPartition2d(flat, { box: [[-1, 1], [-1, 1]], grid: 8 });
    expect(result.tailMass).toBe(Infinity);
    expect(result.errorBound).toBe(Infinity);
  });

  it('leaks nothing over repeated calls', () => {
    const model = gaussianEnergy({ dim: 2 });
    expectNoLeaks(() => {
      logPartition2d(model.energy, { box: WIDE, grid: 8, chunkSize: 20 });
    }, 50);
    model.variables.forEach((v) => v.dispose());
  });

  it('rejects bad boxes, grids and energies naming the argument', () => {
    const model = gaussianEnergy({ dim: 2 });
    expect(() => logPartition2d(model.energy, { box: [[1, 1], [0, 1]], grid: 8 })).toThrow(InvalidArgumentError);
    expect(() => logPartition2d(model.energy, { box: [[0, 1], [2, -2]], grid: 8 })).toThrow(/^box: axis 1 has min 2 >= max -2/);
    expect(() => logPartition2d(model.energy, { box: [[0, Number.NaN], [0, 1]], grid: 8 })).toThrow(/^box: /);
    expect(() => logPartition2d(model.energy, { box: WIDE, grid: 1 })).toThrow(/^grid: /);
    expect(() => logPartition2d(model.energy, { box: WIDE, grid: 7 })).toThrow(/^grid: must be even/);
    expect(() => logPartition2d(model.energy, { box: WIDE, grid: 8, chunkSize: 0 })).toThrow(/^chunkSize: /);
    const nan = (x: tf.Tensor2D) => tf.tidy(() => tf.mul(tf.sum(x, 1), Number.NaN) as tf.Tensor1D);
    expect(() => logPartition2d(nan, { box: WIDE, grid: 8 })).toThrow(NonFiniteError);
    const wrongShape = (x: tf.Tensor2D) => tf.tidy(() => tf.sum(x) as unknown as tf.Tensor1D);
    expect(() => logPartition2d(wrongShape, { box: WIDE, grid: 8 })).toThrow(/^energy: /);
    const empty = (x: tf.Tensor2D) => tf.tidy(() => tf.fill([x.shape[0]], Infinity) as tf.Tensor1D);
    expect(() => logPartition2d(empty, { box: WIDE, grid: 8 })).toThrow(/^box: holds no mass/);
    model.variables.forEach((v) => v.dispose());
  });
});
