/**
 * Target distributions with closed-form answers, for testing samplers (and a helper to count
 * energy evaluations).
 */
import * as tf from '@tensorflow/tfjs';
import type { EnergyFn } from '../types.js';

/** A correlated 2-D Gaussian: mean (1, -1), covariance [[1, 0.8], [0.8, 1]] (correlation 0.8). */
export const CORRELATED_GAUSSIAN_2D = {
  mean: [1, -1],
  covariance: [
    [1, 0.8],
    [0.8, 1],
  ],
} as const satisfies { mean: readonly number[]; covariance: readonly (readonly number[])[] };

/** The standard normal CDF via erf (Abramowitz & Stegun 7.1.26, absolute error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** A 1-D Gaussian mixture target: its energy on `[N, 1]` batches and its exact CDF. */
export interface GaussianMixture1d {
  readonly energy: EnergyFn;
  /** `P(X <= x) = sum_k w_k Phi((x - m_k) / sd)`. */
  cdf(x: number): number;
}

/**
 * `p(x) = sum_k w_k N(x; m_k, sd^2)`, with
 * `E(x) = -log p(x) = -logsumexp_k(log w_k - (x - m_k)^2 / (2 sd^2) - log(sd sqrt(2 pi)))`
 * (tf.logSumExp subtracts the maximum, so far tails do not underflow).
 *
 * @example
 * const target = gaussianMixture1d({ weights: [0.3, 0.7], means: [-1, 1], sd: 0.6 });
 * expectProbability(samples, (x) => x(0) > 0, 1 - target.cdf(0));
 */
export function gaussianMixture1d(options: { weights: readonly number[]; means: readonly number[]; sd: number }): GaussianMixture1d {
  const { weights, means, sd } = options;
  const logNormaliser = Math.log(sd * Math.sqrt(2 * Math.PI));
  const k = means.length;
  const energy: EnergyFn = (x) =>
    tf.tidy(() => {
      const offsets = tf.sub(tf.reshape(x, [-1, 1]), tf.tensor2d([...means], [1, k]));
      const logWeights = tf.tensor2d(
        weights.map((w) => Math.log(w) - logNormaliser),
        [1, k],
      );
      return tf.neg(tf.logSumExp(tf.sub(logWeights, tf.div(tf.square(offsets), 2 * sd * sd)), 1)) as tf.Tensor1D;
    });
  return { energy, cdf: (x) => weights.reduce((p, w, i) => p + w * normalCdf((x - means[i]!) / sd), 0) };
}

/** Wraps `energy` so that `calls()` counts its evaluations (e.g. to check one gradient per step). */
export function countingEnergy(energy: EnergyFn): {
  /** `energy`, counting each evaluation. */
  energy: EnergyFn;
  /** Evaluations so far. */
  calls: () => number;
} {
  let count = 0;
  const counted: EnergyFn = (x) => {
    count++;
    return energy(x);
  };
  return { energy: counted, calls: () => count };
}

/**
 * A D-dimensional Gaussian with a dense covariance of condition number `conditionNumber`:
 * eigenvalues log-spaced from `1 / sqrt(kappa)` to `sqrt(kappa)`, rotated by the Householder
 * reflection `Q = I - 2 u u^T / |u|^2` with `u = (1, 2, ..., D)` (every coordinate correlated),
 * `Sigma = Q diag(lambda) Q^T`, and mean `(1, -1, 1, ...)`. A hard target for unpreconditioned
 * samplers, an easy one once the metric matches `Sigma`.
 *
 * @example
 * const { mean, covariance } = illConditionedGaussian(10, 100);
 */
export function illConditionedGaussian(dim: number, conditionNumber: number): { mean: number[]; covariance: number[][] } {
  const eigenvalues = Array.from({ length: dim }, (_, i) => conditionNumber ** ((dim === 1 ? 0 : i / (dim - 1)) - 0.5));
  const u = Array.from({ length: dim }, (_, i) => i + 1);
  const norm = u.reduce((s, v) => s + v * v, 0);
  const q = u.map((ui, i) => u.map((uj, j) => (i === j ? 1 : 0) - (2 * ui * uj) / norm));
  const covariance = q.map((_, i) => q.map((__, j) => eigenvalues.reduce((s, lambda, k) => s + q[i]![k]! * lambda * q[j]![k]!, 0)));
  return { mean: Array.from({ length: dim }, (_, i) => (i % 2 === 0 ? 1 : -1)), covariance };
}
