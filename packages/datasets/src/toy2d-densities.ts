/**
 * Closed-form log-densities `log p(x)` of the toy data sets whose FFJORD sampler defines one:
 * 8gaussians (a Gaussian mixture), checkerboard (uniform on 8 squares), and circles and rings
 * (uniform angle on a circle convolved with an isotropic Gaussian, a Bessel-function mixture).
 * moons, swissroll, pinwheel and 2spirals have no closed form (their densities are integrals of
 * a Gaussian along a curve with non-uniform speed) and get none.
 *
 * These are log-densities, not energies: an energy with the same minimiser is `E(x) = -log p(x)`.
 * Each takes `x` of shape `[N, 2]` and returns a new `Tensor1D` of length N the caller owns.
 */
import * as tf from '@tensorflow/tfjs';
import { assertBatch, assertEventShape } from '@ebm/core';
import {
  CIRCLES_RADII,
  CIRCLES_STD,
  EIGHT_GAUSSIANS_CENTERS,
  EIGHT_GAUSSIANS_STD,
  RINGS_RADII,
  RINGS_STD,
} from './toy2d-samplers.js';

function assertPoints(x: tf.Tensor): void {
  assertBatch('x', x, 2);
  assertEventShape('x', x, [2]);
}

/**
 * `log p(x) = logsumexp_k [-|x - c_k|^2 / (2 s^2)] - log 8 - log(2 pi s^2)`, the 8gaussians
 * mixture with centres {@link EIGHT_GAUSSIANS_CENTERS} and `s = 0.5 / 1.414`.
 *
 * @example
 * const logp = eightGaussiansLogDensity(tf.tensor2d([[2.83, 0]])); // ~ [-0.76 - log 8 + ...]
 */
export function eightGaussiansLogDensity(x: tf.Tensor): tf.Tensor1D {
  assertPoints(x);
  const variance = EIGHT_GAUSSIANS_STD ** 2;
  const logNormaliser = Math.log(8) + Math.log(2 * Math.PI * variance);
  return tf.tidy(() => {
    const centers = tf.tensor2d(EIGHT_GAUSSIANS_CENTERS.map((c) => [...c])); // [8, 2]
    const diff = tf.sub(tf.expandDims(x, 1), tf.expandDims(centers, 0)); // [N, 8, 2]
    const logits = tf.div(tf.sum(tf.square(diff), 2), -2 * variance);
    return tf.sub(tf.logSumExp(logits, 1), logNormaliser) as tf.Tensor1D;
  });
}

/**
 * `log p(x) = -log 32` on the checkerboard's support (the 8 squares of side 2 in [-4, 4)^2 where
 * `floor(x_1 / 2) + floor(x_2 / 2)` is even, total area 32), `-Infinity` elsewhere. Derived from
 * FFJORD's sampler: `x_1 / 2 ~ U[-2, 2)`, and given its unit column, `x_2 / 2` is uniform on the
 * two unit intervals of matching parity.
 *
 * @example
 * checkerboardLogDensity(tf.tensor2d([[-3, -3], [-1, -3]])); // [-3.466, -Infinity]
 */
export function checkerboardLogDensity(x: tf.Tensor): tf.Tensor1D {
  assertPoints(x);
  return tf.tidy(() => {
    const cells = tf.floor(tf.div(x, 2)); // column and row index of each point's square, in -2..1 inside
    const inside = tf.logicalAnd(tf.all(tf.greaterEqual(x, -4), 1), tf.all(tf.less(x, 4), 1));
    const sum = tf.sum(cells, 1);
    const even = tf.equal(tf.sub(sum, tf.mul(tf.floor(tf.div(sum, 2)), 2)), 0);
    const n = x.shape[0]!;
    return tf.where(tf.logicalAnd(inside, even), tf.fill([n], -Math.log(32)), tf.fill([n], -Infinity)) as tf.Tensor1D;
  });
}

/**
 * `log I0e(z) = log(I0(z) e^{-z})` for `z >= 0`, the exponentially scaled modified Bessel function
 * of order 0, by the polynomial approximations of Abramowitz & Stegun 9.8.1 (`z <= 3.75`,
 * relative error < 1.6e-7) and 9.8.2 (`z > 3.75`, relative error < 1.9e-7).
 */
export function logBesselI0e(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const small = tf.minimum(z, 3.75);
    const t2 = tf.square(tf.div(small, 3.75));
    const smallSeries = [1, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813];
    const smallPoly = horner(t2, smallSeries);
    const logSmall = tf.sub(tf.log(smallPoly), small);

    const large = tf.maximum(z, 3.75);
    const u = tf.div(3.75, large);
    const largeSeries = [
      0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706, 0.02635537, -0.01647633, 0.00392377,
    ];
    const logLarge = tf.sub(tf.log(horner(u, largeSeries)), tf.mul(0.5, tf.log(large)));
    return tf.where(tf.lessEqual(z, 3.75), logSmall, logLarge);
  });
}

/** `sum_k c_k t^k` by Horner's rule. */
function horner(t: tf.Tensor, coefficients: readonly number[]): tf.Tensor {
  let acc: tf.Tensor = tf.scalar(coefficients[coefficients.length - 1]!);
  for (let k = coefficients.length - 2; k >= 0; k--) acc = tf.add(tf.mul(acc, t), coefficients[k]!);
  return acc;
}

/**
 * Log-density of an equal-weight mixture of "noisy circles": the angle uniform on [0, 2 pi), the
 * point `r_k (cos, sin)` plus `N(0, s^2 I)`. With `rho = |x|`,
 *
 *   p_k(x) = exp(-(rho^2 + r_k^2) / (2 s^2)) I0(rho r_k / s^2) / (2 pi s^2)
 *          = exp(-(rho - r_k)^2 / (2 s^2)) I0e(rho r_k / s^2) / (2 pi s^2).
 */
function noisyCirclesLogDensity(x: tf.Tensor, radii: readonly number[], std: number): tf.Tensor1D {
  assertPoints(x);
  return tf.tidy(() => {
    const rho = tf.expandDims(tf.norm(x, 'euclidean', 1), 1); // [N, 1]
    const logComponents = noisyCircleLogDensity(rho, tf.tensor2d([...radii], [1, radii.length]), std);
    return tf.sub(tf.logSumExp(logComponents, 1), Math.log(radii.length)) as tf.Tensor1D;
  });
}

/**
 * `log p(x)` of one noisy circle of radius `r` at points of norm `rho` (broadcast together, e.g.
 * `[N, 1]` norms against `[1, K]` radii, or `[N, 1]` against `[N, 1]`):
 * `-(rho - r)^2 / (2 s^2) + log I0e(rho r / s^2) - log(2 pi s^2)`.
 */
export function noisyCircleLogDensity(rho: tf.Tensor, r: tf.Tensor, std: number): tf.Tensor {
  const variance = std ** 2;
  return tf.tidy(() => {
    const gauss = tf.div(tf.square(tf.sub(rho, r)), -2 * variance);
    return tf.sub(tf.add(gauss, logBesselI0e(tf.div(tf.mul(rho, r), variance))), Math.log(2 * Math.PI * variance));
  });
}

/**
 * circles: `log p(x) = log (1/2) sum_k p_k(x)` with radii 3 and 1.5 and `s = 0.24` (see the
 * ring formula in the module docs). The density of a row whose angle is uniform; FFJORD's (and
 * sklearn's) evenly spaced angles are a stratified draw from it.
 *
 * @example
 * circlesLogDensity(tf.tensor2d([[3, 0]]));
 */
export function circlesLogDensity(x: tf.Tensor): tf.Tensor1D {
  return noisyCirclesLogDensity(x, CIRCLES_RADII, CIRCLES_STD);
}

/**
 * rings: `log p(x) = log (1/4) sum_k p_k(x)` with radii 3, 2.25, 1.5, 0.75 and `s = 0.08`; as for
 * {@link circlesLogDensity}, the evenly spaced angles of the sampler are a stratified draw from it.
 *
 * @example
 * ringsLogDensity(tf.tensor2d([[0, 1.5]]));
 */
export function ringsLogDensity(x: tf.Tensor): tf.Tensor1D {
  return noisyCirclesLogDensity(x, RINGS_RADII, RINGS_STD);
}
