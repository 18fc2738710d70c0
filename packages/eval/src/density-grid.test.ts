import * as tf from '@tensorflow/tfjs';
import { gaussianEnergy } from '@ebm/core/models';
import { describeBackends, expectNoLeaks } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { densityGrid } from './density-grid.js';

describeBackends('densityGrid', () => {
  it('is normalised, laid out row-major with y ascending, and peaks at the mode', () => {
    const model = gaussianEnergy({ dim: 2, mean: [2, -1] });
    const box: [[number, number], [number, number]] = [
      [-4, 6],
      [-6, 4],
    ];
    const g = densityGrid(model.energy, { box, grid: 50, chunkSize: 333 });
    expect(g.xs.length).toBe(50);
    expect(g.density.length).toBe(2500);
    expect(g.xs[0]).toBeCloseTo(-3.9, 12);
    expect(g.ys[49]).toBeCloseTo(3.9, 12);
    let sum = 0;
    let best = 0;
    g.density.forEach((d, k) => {
      sum += d;
      if (d > g.density[best]!) best = k;
    });
    expect(sum * g.cellArea).toBeCloseTo(1, 5);
    // Cell centres nearest the mode (2, -1): x = 1.9 or 2.1 (columns 29, 30), y = -1.1 or -0.9 (rows 24, 25).
    expect([29, 30]).toContain(best % 50);
    expect([24, 25]).toContain(Math.floor(best / 50));
    // Midpoint rule with h = 0.2 on a unit Gaussian: log Z = log(2 pi) to ~1e-3.
    expect(g.logZ).toBeCloseTo(Math.log(2 * Math.PI), 2);
    expect(g.energy[best]).toBeCloseTo(0.5 * ((g.xs[best % 50]! - 2) ** 2 + (g.ys[Math.floor(best / 50)]! + 1) ** 2), 5);
    model.variables.forEach((v) => v.dispose());
  });

  it('leaks nothing and rejects bad input', () => {
    const model = gaussianEnergy({ dim: 2 });
    const box: [[number, number], [number, number]] = [
      [-3, 3],
      [-3, 3],
    ];
    expectNoLeaks(() => {
      densityGrid(model.energy, { box, grid: 9, chunkSize: 10 });
    }, 30);
    expect(() => densityGrid(model.energy, { box: [[3, -3], [-3, 3]], grid: 9 })).toThrow(/^box: /);
    expect(() => densityGrid(model.energy, { box, grid: 1 })).toThrow(/^grid: /);
    const empty = (x: tf.Tensor2D) => tf.tidy(() => tf.fill([x.shape[0]], Infinity) as tf.Tensor1D);
    expect(() => densityGrid(empty, { box, grid: 4 })).toThrow(/^box: holds no mass/);
    model.variables.forEach((v) => v.dispose());
  });
});
