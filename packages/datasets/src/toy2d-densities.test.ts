import * as tf from '@tensorflow/tfjs';
import { describeBackends } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { checkerboardLogDensity, logBesselI0e } from './toy2d-densities.js';
import { toyDatasets } from './toy2d.js';

/** Midpoint-rule integral of exp(logDensity) over `box` with `cells`^2 cells. */
function integrate(logDensity: (x: tf.Tensor) => tf.Tensor1D, box: readonly (readonly [number, number])[], cells: number): number {
  return tf.tidy(() => {
    const [[x0, x1], [y0, y1]] = box as [[number, number], [number, number]];
    const hx = (x1 - x0) / cells;
    const hy = (y1 - y0) / cells;
    const xs = tf.add(tf.mul(tf.range(0, cells), hx), x0 + hx / 2);
    const ys = tf.add(tf.mul(tf.range(0, cells), hy), y0 + hy / 2);
    const points = tf.stack([tf.reshape(tf.tile(tf.expandDims(xs, 0), [cells, 1]), [-1]), tf.reshape(tf.tile(tf.expandDims(ys, 1), [1, cells]), [-1])], 1);
    return tf.sum(tf.exp(logDensity(points))).dataSync()[0]! * hx * hy;
  });
}

describeBackends('toy 2-D log-densities', () => {
  it('log I0e matches reference values of the Bessel function I0', () => {
    // I0(z) at z = 0, 1, 3.75, 5, 10, 100 (Abramowitz & Stegun Table 9.8 / mpmath).
    const z = [0, 1, 3.75, 5, 10, 100];
    const i0 = [1, 1.2660658777520082, 9.118945860844564, 27.239871823604442, 2815.716628466254, 1.0737517071310738e42];
    const got = tf.tidy(() => logBesselI0e(tf.tensor1d(z)).arraySync() as number[]);
    got.forEach((v, i) => expect(v).toBeCloseTo(Math.log(i0[i]!) - z[i]!, 5));
  });

  it('checkerboard: -log 32 on the squares, -Infinity off them', () => {
    const x = tf.tensor2d([
      [-3, -3],
      [-1, -3],
      [0.5, 0.5],
      [2.5, -1],
      [4.5, 0.5],
    ]);
    const logp = checkerboardLogDensity(x);
    expect(Array.from(logp.dataSync())).toEqual([-Math.log(32), -Infinity, -Math.log(32), -Math.log(32), -Infinity].map(Math.fround));
    tf.dispose([x, logp]);
  });

  for (const name of ['8gaussians', 'checkerboard', 'circles', 'rings'] as const) {
    it(`${name}: exp(log p) integrates to 1 over its box`, () => {
      const data = toyDatasets[name];
      // 300^2 cells: h = 0.03 resolves the narrowest feature (rings, s = 0.08) to ~1e-4.
      expect(integrate(data.logDensity!, data.box, 300)).toBeCloseTo(1, 3);
    });
  }
});
