import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError, foldIn, prngKey } from '@ebm/core';
import { describeBackends, expectCovariance, expectMeans, expectNoLeaks, expectProbability, expectWithinStandardErrors } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { EIGHT_GAUSSIANS_RADIUS, EIGHT_GAUSSIANS_STD } from './toy2d-samplers.js';
import { TOY_DATASET_NAMES, isToyDatasetName, toyDatasets } from './toy2d.js';

/** Samples per statistical check: standard errors ~ 1/sqrt(8000) of a unit-scale quantity. */
const N = 8000;

/**
 * Means that follow from each sampler's definition: 8gaussians, circles, rings, pinwheel and
 * 2spirals are symmetric under a rotation, checkerboard under x -> -x; moons is
 * `2 (1/2, 1/4) + (-1, -0.2) = (0, 0.3)` for even n; swissroll is
 * `E[(t cos t, t sin t)] / 5 = (6 pi, 2) / (3 pi) / 5` for `t ~ U[1.5 pi, 4.5 pi]`.
 */
const MEANS: Record<string, [number, number]> = {
  '8gaussians': [0, 0],
  checkerboard: [0, 0],
  moons: [0, 0.3],
  swissroll: [2 / 5, 2 / (3 * Math.PI) / 5],
  circles: [0, 0],
  rings: [0, 0],
  pinwheel: [0, 0],
  '2spirals': [0, 0],
};

/**
 * `E|x|^2` from each sampler's definition (moons, a deterministic design, is covered by its mean):
 * - 8gaussians: `R^2 + 2 s^2`; checkerboard: both coordinates uniform on [-4, 4), `2 * 16/3`.
 * - circles, rings: mean squared radius plus `2 s^2`.
 * - swissroll: `(E t^2 + 2) / 25`, `E t^2 = (b^3 - a^3) / (3 (b - a)) = 9.75 pi^2` on [1.5 pi, 4.5 pi].
 * - pinwheel: `4 (E f_1^2 + E f_2^2) = 4 (1 + 0.3^2 + 0.1^2)` (rotations keep the norm).
 * - 2spirals: `E|d|^2 / 9 + 2 * 0.1^2` with `|d|^2 = t^2 + (u_1^2 + u_2^2) / 4 + t (u_2 sin t - u_1 cos t)`,
 *   `t = 3 pi sqrt(u)` (density `2t / (9 pi^2)`): `E t^2 = 9 pi^2 / 2`,
 *   `E[t sin t] = 2 (9 pi^2 - 4) / (9 pi^2)`, `E[t cos t] = -4 / (3 pi)`, `E u_i = 1/2`, `E u_i^2 = 1/3`.
 */
const SECOND_MOMENTS: Partial<Record<string, number>> = {
  '8gaussians': EIGHT_GAUSSIANS_RADIUS ** 2 + 2 * EIGHT_GAUSSIANS_STD ** 2,
  checkerboard: (2 * 16) / 3,
  circles: (9 + 2.25) / 2 + 2 * 0.24 ** 2,
  rings: (9 + 2.25 ** 2 + 1.5 ** 2 + 0.75 ** 2) / 4 + 2 * 0.08 ** 2,
  swissroll: (9.75 * Math.PI ** 2 + 2) / 25,
  pinwheel: 4 * (1 + 0.3 ** 2 + 0.1 ** 2),
  '2spirals':
    ((9 * Math.PI ** 2) / 2 + 2 / 12 + 0.5 * ((2 * (9 * Math.PI ** 2 - 4)) / (9 * Math.PI ** 2) + 4 / (3 * Math.PI))) / 9 + 2 * 0.1 ** 2,
};

describeBackends('toy 2-D data sets', () => {
  for (const name of TOY_DATASET_NAMES) {
    it(`${name}: [n, 2] float32, seeded by the key, the documented mean`, () => {
      const data = toyDatasets[name];
      expect(data.name).toBe(name);
      const x = data.sample(prngKey(1), N);
      const again = data.sample(prngKey(1), 7);
      const same = data.sample(prngKey(1), 7);
      const other = data.sample(prngKey(2), 7);
      expect(x.shape).toEqual([N, 2]);
      expect(x.dtype).toBe('float32');
      expect(again.shape).toEqual([7, 2]);
      expect(same.arraySync()).toEqual(again.arraySync());
      expect(other.arraySync()).not.toEqual(again.arraySync());
      expectMeans(x, MEANS[name]!, { label: `${name} mean` });
      if (SECOND_MOMENTS[name] !== undefined) {
        const squaredNorm = tf.sum(tf.square(x), 1, true);
        expectMeans(squaredNorm, [SECOND_MOMENTS[name]!], { label: `${name} E|x|^2` });
        squaredNorm.dispose();
      }
      const [[x0, x1], [y0, y1]] = data.box;
      // The box holds all but a tiny fraction of the mass (pinwheel misses ~2e-4, the rest < 1e-5).
      const rows = x.arraySync();
      const outside = rows.filter(([a, b]) => !(a! >= x0 && a! <= x1 && b! >= y0 && b! <= y1)).length;
      expect(outside / N).toBeLessThan(1e-3);
      tf.dispose([x, again, same, other]);
    });
  }

  it('8gaussians has covariance (R^2 / 2 + s^2) I and 1/8 of the mass near each centre', () => {
    const x = toyDatasets['8gaussians'].sample(prngKey(3), N);
    const v = EIGHT_GAUSSIANS_RADIUS ** 2 / 2 + EIGHT_GAUSSIANS_STD ** 2;
    expectCovariance(x, [0, 0], [
      [v, 0],
      [0, v],
    ]);
    // The centre (R, 0) owns the points within 1 of it (the others are 2.16 away): ~1/8.
    expectProbability(x, (d) => (d(0) - EIGHT_GAUSSIANS_RADIUS) ** 2 + d(1) ** 2 < 1, 0.125 * (1 - Math.exp(-1 / (2 * EIGHT_GAUSSIANS_STD ** 2))));
    x.dispose();
  });

  it('checkerboard puts 1/8 of its mass on each of its 8 squares and none elsewhere', () => {
    const x = toyDatasets.checkerboard.sample(prngKey(4), N);
    for (const [cx, cy] of [
      [-2, -2],
      [-2, 0],
      [-1, -1],
      [-1, 1],
      [0, -2],
      [0, 0],
      [1, -1],
      [1, 1],
    ] as const) {
      expectProbability(x, (d) => Math.floor(d(0) / 2) === cx && Math.floor(d(1) / 2) === cy, 1 / 8, { label: `square (${cx}, ${cy})` });
    }
    x.dispose();
  });

  for (const name of ['8gaussians', 'checkerboard', 'circles', 'rings'] as const) {
    it(`${name}: Monte Carlo mean of -log p over samples is its entropy ${toyDatasets[name].entropy!.toFixed(4)}`, () => {
      const data = toyDatasets[name];
      const x = data.sample(prngKey(5), N);
      const logp = data.logDensity!(x);
      const values = logp.dataSync();
      let s = 0;
      let ss = 0;
      for (const v of values) {
        s -= v;
        ss += v * v;
      }
      const mean = s / N;
      const sd = Math.sqrt(Math.max(ss / N - mean * mean, 0) * (N / (N - 1)));
      // iid draws: ESS = N. Checkerboard's -log p is constant (sd 0), so compare exactly there.
      if (sd === 0) expect(mean).toBeCloseTo(data.entropy!, 5);
      else expectWithinStandardErrors(mean, data.entropy!, sd / Math.sqrt(N), { label: `${name} cross-entropy` });
      tf.dispose([x, logp]);
    });
  }

  it('has no closed-form density for moons, swissroll, pinwheel, 2spirals', () => {
    for (const name of ['moons', 'swissroll', 'pinwheel', '2spirals'] as const) {
      expect(toyDatasets[name].logDensity).toBeUndefined();
      expect(toyDatasets[name].entropy).toBeUndefined();
    }
  });

  it('samples and densities leak nothing', () => {
    const key = prngKey(6);
    expectNoLeaks((i) => {
      for (const name of TOY_DATASET_NAMES) {
        const data = toyDatasets[name];
        const x = data.sample(foldIn(key, i), 9);
        if (data.logDensity) data.logDensity(x).dispose();
        x.dispose();
      }
    }, 20);
  });

  it('rejects bad input naming the argument', () => {
    for (const name of TOY_DATASET_NAMES) {
      expect(() => toyDatasets[name].sample(prngKey(0), 0)).toThrow(InvalidArgumentError);
      expect(() => toyDatasets[name].sample(prngKey(0), 2.5)).toThrow(/^n: /);
    }
    const flat = tf.zeros([4]);
    const threeD = tf.zeros([4, 3]);
    expect(() => toyDatasets.rings.logDensity!(flat)).toThrow(ShapeError);
    expect(() => toyDatasets['8gaussians'].logDensity!(threeD)).toThrow(/^x: /);
    tf.dispose([flat, threeD]);
    expect(isToyDatasetName('moons')).toBe(true);
    expect(isToyDatasetName('moon')).toBe(false);
  });
});
