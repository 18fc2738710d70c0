/** Energies with known distributions, shared by this package's tests and benchmark. */
import * as tf from '@tensorflow/tfjs';
import type { EnergyFn } from '@ebm/core';

/** `E(x) = ||x||^2 / 2` over every non-batch axis: independent N(0, 1) elements, any batch shape. */
export const standardNormalEnergy: EnergyFn = (x) =>
  tf.tidy(() => tf.mul(0.5, tf.sum(tf.reshape(tf.square(x), [x.shape[0]!, -1]), 1)) as tf.Tensor1D);

/**
 * A 1-D Gaussian mixture `p(x) = sum_k w_k N(x; m_k, sd^2)` on `[N, 1]` batches, as
 * `E(x) = -log p(x) = -logsumexp_k(log w_k - (x - m_k)^2 / (2 sd^2) - log(sd sqrt(2 pi)))`
 * (tf.logSumExp subtracts the maximum, so far tails do not underflow).
 */
export function mixtureEnergy(weights: readonly number[], means: readonly number[], sd: number): EnergyFn {
  const logNormaliser = Math.log(sd * Math.sqrt(2 * Math.PI));
  return (x) =>
    tf.tidy(() => {
      const k = means.length;
      const offsets = tf.sub(x, tf.tensor2d([...means], [1, k]));
      const logWeights = tf.tensor2d(weights.map((w) => Math.log(w) - logNormaliser), [1, k]);
      const logits = tf.sub(logWeights, tf.div(tf.square(offsets), 2 * sd * sd));
      return tf.neg(tf.logSumExp(logits, 1)) as tf.Tensor1D;
    });
}

/** The standard normal CDF via erf (Abramowitz & Stegun 7.1.26, absolute error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Wraps `energy` so that `calls()` counts its evaluations. */
export function countingEnergy(energy: EnergyFn): { energy: EnergyFn; calls: () => number } {
  let count = 0;
  const counted: EnergyFn = (x) => {
    count++;
    return energy(x);
  };
  return { energy: counted, calls: () => count };
}
