import * as tf from '@tensorflow/tfjs';
import { NonFiniteError } from '@ebm/core';
import { type RBM, assertUnitInterval } from './rbm.js';

/**
 * The average log-likelihood of data under the RBM given its log partition function:
 *
 *   mean_n log p(v_n) = -mean_n F(v_n) - log Z,
 *
 * with `log Z` from `exactLogPartition(rbm)` or `ais(rbm, ...).logZ` (then the bounds of AIS carry
 * over: `logLikelihood(rbm, v, ais.logZUpper)` is the matching lower value). For a Gaussian-Bernoulli
 * RBM it is a log density. `v` is `[N, visible]`; binary for a true likelihood of a Bernoulli RBM.
 *
 * @example
 * const ll = logLikelihood(rbm, testImages, exactLogPartition(rbm)); // nats per image
 */
export function logLikelihood(rbm: RBM, v: tf.Tensor, logZ: number): number {
  if (!Number.isFinite(logZ)) throw new NonFiniteError('logZ', `must be a finite number, got ${logZ}. Compute it with exactLogPartition(rbm) or ais(rbm, ...).`);
  const energy = rbm.energy(v);
  try {
    if (rbm.type === 'bernoulli') assertUnitInterval('v', v);
    return -tf.tidy(() => tf.mean(energy).dataSync()[0]!) - logZ;
  } finally {
    energy.dispose();
  }
}
