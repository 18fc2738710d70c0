import * as tf from '@tensorflow/tfjs';
import { ShapeError, foldIn, prngKey } from '@ebm/core';
import { gaussianEnergy } from '@ebm/core/models';
import { describeBackends, expectNoLeaks, expectWithinStandardErrors } from '@ebm/core/testing';
import { toyDatasets } from '@ebm/datasets';
import { expect, it } from 'vitest';
import { kl2d } from './kl.js';
import { logPartition2d } from './log-partition.js';
import { nll2d } from './nll.js';

/** Test samples: the NLL's standard error is then sd(-log p) / sqrt(4000) ~ 0.015 nats. */
const N = 4000;

/** The true density as an energy, `E = -log p` (+Infinity where p = 0). */
function trueEnergy(name: '8gaussians' | 'checkerboard') {
  const logDensity = toyDatasets[name].logDensity!;
  return (x: tf.Tensor2D) => tf.tidy(() => tf.neg(logDensity(x)) as tf.Tensor1D);
}

/** Boxes whose 288-cell lattice has h = 1/32: checkerboard's edges fall on nodes, and its boundary carries no mass. */
const CHECKER_BOX: [[number, number], [number, number]] = [
  [-4.5, 4.5],
  [-4.5, 4.5],
];

describeBackends('nll2d and kl2d', () => {
  for (const name of ['8gaussians', 'checkerboard'] as const) {
    it(`${name}: the true density as a model has log Z ~ 0, KL ~ 0 and NLL ~ entropy`, () => {
      const data = toyDatasets[name];
      const energy = trueEnergy(name);
      const box = name === 'checkerboard' ? CHECKER_BOX : data.box;
      const grid = name === 'checkerboard' ? 288 : 128;
      const partition = logPartition2d(energy, { box, grid });
      expect(Math.abs(partition.logZ)).toBeLessThanOrEqual(partition.errorBound + 1e-5);
      expect(partition.errorBound).toBeLessThan(2e-3);

      const kl = kl2d(energy, data.logDensity!, { box, grid });
      expect(kl.method).toBe('quadrature');
      expect(Math.abs(kl.dataMass - 1)).toBeLessThan(2e-3);
      expect(Math.abs(kl.kl)).toBeLessThanOrEqual(kl.errorBound + 1e-5);
      expect(kl.errorBound).toBeLessThan(5e-3);

      const test = data.sample(prngKey(7), N);
      const nll = nll2d(energy, test, { box, grid, partition });
      expect(nll.partition).toBe(partition);
      // NLL = entropy within the Monte Carlo error (iid test points: ESS = N) plus the log Z bound.
      const se = Math.max(nll.standardError, 1e-6);
      expectWithinStandardErrors(nll.nll, data.entropy!, se + partition.errorBound / 4, { label: `${name} NLL` });
      const mc = kl2d(energy, data.logDensity!, { box, grid, samples: test, partition });
      expect(mc.partition).toBe(partition);
      expect(mc.method).toBe('monte-carlo');
      expect(Math.abs(mc.kl)).toBeLessThanOrEqual(4 * mc.standardError + mc.errorBound + 1e-5);
      test.dispose();
    });
  }

  it('KL between two Gaussians matches the closed form |mu|^2 / 2 by quadrature and by Monte Carlo', () => {
    const model = gaussianEnergy({ dim: 2, mean: [1, 0] });
    const standardLogDensity = (x: tf.Tensor2D) =>
      tf.tidy(() => tf.sub(tf.mul(tf.sum(tf.square(x), 1), -0.5), Math.log(2 * Math.PI)) as tf.Tensor1D);
    const box: [[number, number], [number, number]] = [
      [-7, 8],
      [-7.5, 7.5],
    ];
    const quad = kl2d(model.energy, standardLogDensity, { box, grid: 96 });
    expect(Math.abs(quad.kl - 0.5)).toBeLessThanOrEqual(quad.errorBound + 1e-5);
    expect(quad.errorBound).toBeLessThan(1e-3);
    const samples = tf.randomNormal([N, 2], 0, 1, 'float32', 11);
    const mc = kl2d(model.energy, standardLogDensity, { box, grid: 96, samples });
    expectWithinStandardErrors(mc.kl, 0.5, mc.standardError + mc.errorBound, { label: 'Monte Carlo KL' });
    // NLL of N(0, I) data under N((1, 0), I) = entropy log(2 pi e) + KL.
    const nll = nll2d(model.energy, samples, { box, grid: 96 });
    expectWithinStandardErrors(nll.nll, Math.log(2 * Math.PI * Math.E) + 0.5, nll.standardError, { label: 'NLL' });
    samples.dispose();
    model.variables.forEach((v) => v.dispose());
  });

  it('KL is Infinity with a number, not NaN, as error bound when the model has zero density where the data has mass', () => {
    const standardLogDensity = (x: tf.Tensor2D) =>
      tf.tidy(() => tf.sub(tf.mul(tf.sum(tf.square(x), 1), -0.5), Math.log(2 * Math.PI)) as tf.Tensor1D);
    // E = +Infinity on the strip x0 in (lo, hi), |x|^2 / 2 elsewhere. On [-2, 2]^2 with grid 4 the nodes
    // are at -2, -1, 0, 1, 2: the strip (-1.5, -0.5) holds only x0 = -1, off the coarse lattice; (-2.5, -0.5) holds both.
    const stripEnergy = (lo: number, hi: number) => (x: tf.Tensor2D) =>
      tf.tidy(() => {
        const x0 = tf.squeeze(tf.slice(x, [0, 0], [-1, 1]), [1]);
        const inside = tf.logicalAnd(tf.greater(x0, lo), tf.less(x0, hi));
        return tf.where(inside, tf.fill([x.shape[0]], Infinity), tf.mul(tf.sum(tf.square(x), 1), 0.5)) as tf.Tensor1D;
      });
    const box: [[number, number], [number, number]] = [
      [-2, 2],
      [-2, 2],
    ];
    const fineOnly = kl2d(stripEnergy(-1.5, -0.5), standardLogDensity, { box, grid: 4 });
    expect(fineOnly.kl).toBe(Infinity);
    expect(fineOnly.errorBound).toBe(Infinity);
    const both = kl2d(stripEnergy(-2.5, -0.5), standardLogDensity, { box, grid: 4 });
    expect(both.kl).toBe(Infinity);
    expect(Number.isFinite(both.errorBound)).toBe(true);
  });

  it('leak nothing over repeated calls', () => {
    const model = gaussianEnergy({ dim: 2 });
    const logDensity = toyDatasets['8gaussians'].logDensity!;
    const key = prngKey(3);
    const box: [[number, number], [number, number]] = [
      [-5, 5],
      [-5, 5],
    ];
    expectNoLeaks((i) => {
      const x = toyDatasets['8gaussians'].sample(foldIn(key, i), 16);
      nll2d(model.energy, x, { box, grid: 8, chunkSize: 7 });
      kl2d(model.energy, logDensity, { box, grid: 8 });
      kl2d(model.energy, logDensity, { box, grid: 8, samples: x, chunkSize: 5 });
      x.dispose();
    }, 30);
    model.variables.forEach((v) => v.dispose());
  });

  it('reject data that is not [N, 2] and bad options, naming the argument', () => {
    const model = gaussianEnergy({ dim: 2 });
    const box: [[number, number], [number, number]] = [
      [-5, 5],
      [-5, 5],
    ];
    const flat = tf.zeros([5]);
    const threeD = tf.zeros([5, 3]);
    expect(() => nll2d(model.energy, flat, { box })).toThrow(ShapeError);
    expect(() => nll2d(model.energy, threeD, { box })).toThrow(/^data: /);
    expect(() => kl2d(model.energy, model.energy, { box, samples: threeD })).toThrow(/^samples: /);
    expect(() => kl2d(model.energy, model.energy, { box: [[0, 0], [0, 1]] })).toThrow(/^box: /);
    expect(() => kl2d(model.energy, model.energy, { box, grid: 0 })).toThrow(/^grid: /);
    const badDensity = (x: tf.Tensor2D) => tf.tidy(() => tf.fill([x.shape[0]], Infinity) as tf.Tensor1D);
    expect(() => kl2d(model.energy, badDensity, { box, grid: 4 })).toThrow(/^logDensity: /);
    const samples = tf.zeros([3, 2]);
    expect(() => kl2d(model.energy, badDensity, { box, grid: 4, samples })).toThrow(/^logDensity: /);
    samples.dispose();
    tf.dispose([flat, threeD]);
    model.variables.forEach((v) => v.dispose());
  });
});
