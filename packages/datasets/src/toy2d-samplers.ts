/**
 * Samplers for the standard 2-D toy densities, following FFJORD's `lib/toy_data.py`
 * (Grathwohl et al. 2019, github.com/rtqichen/ffjord) constant for constant, so numbers compare
 * with the literature. Each takes a {@link Key} and a sample count `n` and returns a new
 * `[n, 2]` float32 tensor the caller owns. Where FFJORD returns a multiple of 2, 4 or 5 rows
 * (pinwheel, 2spirals), these return exactly `n` rows with group sizes as equal as possible; where
 * it leaves rows grouped by component (2spirals), these shuffle them, so any prefix of a batch is
 * a fair sample.
 */
import * as tf from '@tensorflow/tfjs';
import { type Key, assertInteger, normal, permutation, split, uniform } from '@ebm/core';

/** Radius of FFJORD's 8gaussians centres: `4 / 1.414` (FFJORD divides by 1.414, not sqrt 2). */
export const EIGHT_GAUSSIANS_RADIUS = 4 / 1.414;
/** Standard deviation of each 8gaussians component: `0.5 / 1.414`. */
export const EIGHT_GAUSSIANS_STD = 0.5 / 1.414;

/** The 8 centres in FFJORD's order: (+-1, 0), (0, +-1), then the diagonals, times {@link EIGHT_GAUSSIANS_RADIUS}. */
export const EIGHT_GAUSSIANS_CENTERS: readonly (readonly [number, number])[] = (
  [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
    [Math.SQRT1_2, Math.SQRT1_2],
    [Math.SQRT1_2, -Math.SQRT1_2],
    [-Math.SQRT1_2, Math.SQRT1_2],
    [-Math.SQRT1_2, -Math.SQRT1_2],
  ] as const
).map(([a, b]) => [a * EIGHT_GAUSSIANS_RADIUS, b * EIGHT_GAUSSIANS_RADIUS] as const);

/** Ring radii of FFJORD's `rings` (four circles of radius 1, 0.75, 0.5, 0.25, scaled by 3). */
export const RINGS_RADII: readonly number[] = [3, 2.25, 1.5, 0.75];
/** Noise of `rings`: isotropic Gaussian with standard deviation 0.08, added after scaling. */
export const RINGS_STD = 0.08;
/** Circle radii of FFJORD's `circles` (sklearn `make_circles(factor=0.5)` scaled by 3). */
export const CIRCLES_RADII: readonly number[] = [3, 1.5];
/** Noise of `circles`: sklearn's `noise=0.08` added before the scaling by 3, so 0.24. */
export const CIRCLES_STD = 0.24;

function assertCount(n: number): void {
  assertInteger('n', n, 1);
}

/** Rows of `x` in the order of a key-driven permutation. */
function shuffleRows(key: Key, x: tf.Tensor2D): tf.Tensor2D {
  return tf.gather(x, tf.tensor1d(permutation(key, x.shape[0]), 'int32'));
}

/** `count` angles evenly spaced on [start, stop], like `np.linspace(start, stop, count, endpoint)`. */
function linspace(start: number, stop: number, count: number, endpoint: boolean): number[] {
  const divisions = endpoint ? count - 1 : count;
  const step = divisions > 0 ? (stop - start) / divisions : 0;
  return Array.from({ length: count }, (_, i) => start + i * step);
}

/**
 * Points on concentric circles (radius `radii[k]`, `counts[k]` evenly spaced angles from 0, no
 * endpoint), shuffled, plus isotropic Gaussian noise `std`: FFJORD's `rings` and sklearn's
 * `make_circles`.
 */
function noisyCircles(key: Key, radii: readonly number[], counts: readonly number[], std: number): tf.Tensor2D {
  const [permKey, noiseKey] = split(key);
  const points: number[] = [];
  radii.forEach((radius, k) => {
    for (const angle of linspace(0, 2 * Math.PI, counts[k]!, false)) {
      points.push(radius * Math.cos(angle), radius * Math.sin(angle));
    }
  });
  const n = points.length / 2;
  return tf.tidy(() =>
    tf.add(shuffleRows(permKey!, tf.tensor2d(points, [n, 2])), tf.mul(normal(noiseKey!, [n, 2]), std)),
  );
}

/**
 * 8gaussians: a mixture of 8 equally weighted isotropic Gaussians, centres on a circle of radius
 * `4 / 1.414`, standard deviation `0.5 / 1.414` (FFJORD draws `4 c + 0.5 xi` and divides by 1.414).
 *
 * @example
 * const x = sampleEightGaussians(prngKey(0), 1000); // [1000, 2]
 */
export function sampleEightGaussians(key: Key, n: number): tf.Tensor2D {
  assertCount(n);
  const [componentKey, noiseKey] = split(key);
  return tf.tidy(() => {
    // floor(8 u) with u ~ U[0, 1) is a uniform component index in 0..7.
    const index = tf.cast(tf.minimum(tf.floor(tf.mul(uniform(componentKey!, [n]), 8)), 7), 'int32');
    const centers = tf.gather(tf.tensor2d(EIGHT_GAUSSIANS_CENTERS.map((c) => [...c])), index);
    return tf.add(centers, tf.mul(normal(noiseKey!, [n, 2]), EIGHT_GAUSSIANS_STD)) as tf.Tensor2D;
  });
}

/**
 * checkerboard: uniform on 8 of the 16 squares of side 2 tiling [-4, 4]^2, those where
 * `floor(x / 2) + floor(y / 2)` is even. FFJORD draws `x1 ~ U[-2, 2)`,
 * `x2 ~ U[0, 1) - 2 b + (floor(x1) mod 2)` with `b ~ Bernoulli(1/2)`, and returns `2 (x1, x2)`.
 *
 * @example
 * const x = sampleCheckerboard(prngKey(0), 1000);
 */
export function sampleCheckerboard(key: Key, n: number): tf.Tensor2D {
  assertCount(n);
  const [k1, k2, kb] = split(key, 3);
  return tf.tidy(() => {
    const x1 = uniform(k1!, [n], -2, 2);
    const floor1 = tf.floor(x1);
    const parity = tf.sub(floor1, tf.mul(tf.floor(tf.div(floor1, 2)), 2)); // floor(x1) mod 2 in {0, 1}
    const b = tf.cast(tf.less(uniform(kb!, [n]), 0.5), 'float32');
    const x2 = tf.add(tf.sub(uniform(k2!, [n]), tf.mul(b, 2)), parity);
    return tf.mul(tf.stack([x1, x2], 1), 2) as tf.Tensor2D;
  });
}

/**
 * moons: sklearn `make_moons(n, noise=0.1)` scaled by 2 and shifted by (-1, -0.2). The upper moon
 * has `floor(n/2)` points `(cos t, sin t)`, the lower `n - floor(n/2)` points
 * `(1 - cos t, 1/2 - sin t)`, `t` evenly spaced on [0, pi] (endpoints included); then Gaussian noise
 * 0.1 before the scaling (0.2 after).
 *
 * @example
 * const x = sampleMoons(prngKey(0), 1000);
 */
export function sampleMoons(key: Key, n: number): tf.Tensor2D {
  assertCount(n);
  const [permKey, noiseKey] = split(key);
  const nOut = Math.floor(n / 2);
  const points: number[] = [];
  for (const t of linspace(0, Math.PI, nOut, true)) points.push(Math.cos(t), Math.sin(t));
  for (const t of linspace(0, Math.PI, n - nOut, true)) points.push(1 - Math.cos(t), 1 - Math.sin(t) - 0.5);
  return tf.tidy(() => {
    const moons = tf.add(shuffleRows(permKey!, tf.tensor2d(points, [n, 2])), tf.mul(normal(noiseKey!, [n, 2]), 0.1));
    return tf.add(tf.mul(moons, 2), tf.tensor1d([-1, -0.2])) as tf.Tensor2D;
  });
}

/**
 * swissroll: sklearn `make_swiss_roll(n, noise=1.0)` keeping coordinates 0 and 2, divided by 5:
 * `t = 1.5 pi (1 + 2 u)`, `u ~ U[0, 1)`, `x = (t cos t, t sin t) + xi`, `xi ~ N(0, I)`, then `x / 5`.
 *
 * @example
 * const x = sampleSwissroll(prngKey(0), 1000);
 */
export function sampleSwissroll(key: Key, n: number): tf.Tensor2D {
  assertCount(n);
  const [tKey, noiseKey] = split(key);
  return tf.tidy(() => {
    const t = tf.mul(tf.add(tf.mul(uniform(tKey!, [n]), 2), 1), 1.5 * Math.PI);
    const roll = tf.stack([tf.mul(t, tf.cos(t)), tf.mul(t, tf.sin(t))], 1);
    return tf.div(tf.add(roll, normal(noiseKey!, [n, 2])), 5) as tf.Tensor2D;
  });
}

/**
 * circles: sklearn `make_circles(n, factor=0.5, noise=0.08)` times 3: `floor(n/2)` points on the
 * circle of radius 3 and the rest on radius 1.5, evenly spaced angles, Gaussian noise 0.24.
 *
 * @example
 * const x = sampleCircles(prngKey(0), 1000);
 */
export function sampleCircles(key: Key, n: number): tf.Tensor2D {
  assertCount(n);
  const nOut = Math.floor(n / 2);
  return noisyCircles(key, CIRCLES_RADII, [nOut, n - nOut], CIRCLES_STD);
}

/**
 * rings: four concentric circles of radius 3, 2.25, 1.5, 0.75 with `floor(n/4)` evenly spaced
 * points on each of the outer three and the rest on the inner one, plus Gaussian noise 0.08.
 *
 * @example
 * const x = sampleRings(prngKey(0), 1000);
 */
export function sampleRings(key: Key, n: number): tf.Tensor2D {
  assertCount(n);
  const quarter = Math.floor(n / 4);
  return noisyCircles(key, RINGS_RADII, [quarter, quarter, quarter, n - 3 * quarter], RINGS_STD);
}

/**
 * pinwheel: 5 arms. Arm `c` (row `i` has `c = i mod 5`, then rows are shuffled) draws
 * `f = (1 + 0.3 xi_1, 0.1 xi_2)`, angle `a = 2 pi c / 5 + 0.25 exp(f_1)`, and returns
 * `2 (f_1 cos a + f_2 sin a, -f_1 sin a + f_2 cos a)` (FFJORD's einsum with its rotation matrices).
 *
 * @example
 * const x = samplePinwheel(prngKey(0), 1000);
 */
export function samplePinwheel(key: Key, n: number): tf.Tensor2D {
  assertCount(n);
  const [noiseKey, permKey] = split(key);
  /** Radial and tangential standard deviations, number of arms and twist rate from FFJORD. */
  const radialStd = 0.3;
  const tangentialStd = 0.1;
  const arms = 5;
  const rate = 0.25;
  const armAngles = Float32Array.from({ length: n }, (_, i) => ((2 * Math.PI) / arms) * (i % arms));
  return tf.tidy(() => {
    const features = tf.add(tf.mul(normal(noiseKey!, [n, 2]), tf.tensor1d([radialStd, tangentialStd])), tf.tensor1d([1, 0]));
    const [f1, f2] = tf.unstack(features, 1) as [tf.Tensor1D, tf.Tensor1D];
    const angle = tf.add(tf.tensor1d(armAngles), tf.mul(tf.exp(f1), rate));
    const cos = tf.cos(angle);
    const sin = tf.sin(angle);
    const rotated = tf.stack([tf.add(tf.mul(f1, cos), tf.mul(f2, sin)), tf.sub(tf.mul(f2, cos), tf.mul(f1, sin))], 1);
    return shuffleRows(permKey!, tf.mul(rotated, 2) as tf.Tensor2D);
  });
}

/**
 * 2spirals: `t = sqrt(u) 3 pi` (FFJORD's `540 * 2 pi / 360`), arm point
 * `d = (-t cos t + u_1 / 2, t sin t + u_2 / 2)` with `u, u_1, u_2 ~ U[0, 1)`; half the rows take
 * `d`, the other half `-d`; then `/ 3` plus Gaussian noise 0.1, rows shuffled.
 *
 * @example
 * const x = sampleTwoSpirals(prngKey(0), 1000);
 */
export function sampleTwoSpirals(key: Key, n: number): tf.Tensor2D {
  assertCount(n);
  const [tKey, jitterKey, noiseKey, permKey] = split(key, 4);
  const firstArm = n - Math.floor(n / 2);
  const signs = Float32Array.from({ length: n }, (_, i) => (i < firstArm ? 1 : -1));
  return tf.tidy(() => {
    const t = tf.mul(tf.sqrt(uniform(tKey!, [n])), 3 * Math.PI);
    const jitter = tf.mul(uniform(jitterKey!, [n, 2]), 0.5);
    const arm = tf.add(tf.stack([tf.neg(tf.mul(tf.cos(t), t)), tf.mul(tf.sin(t), t)], 1), jitter);
    const spirals = tf.add(tf.div(tf.mul(arm, tf.reshape(tf.tensor1d(signs), [n, 1])), 3), tf.mul(normal(noiseKey!, [n, 2]), 0.1));
    return shuffleRows(permKey!, spirals as tf.Tensor2D);
  });
}
