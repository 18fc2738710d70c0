import * as tf from '@tensorflow/tfjs';
import type { Key } from './key.js';
import { uniform } from './random.js';

/** The outcome of a batched Metropolis-Hastings accept/reject. */
export interface MetropolisDecision {
  /** Per-chain acceptance, shape `[N]`, dtype bool. */
  readonly accepted: tf.Tensor1D;
  /** Per-chain acceptance probability `min(1, exp(logRatio))`, shape `[N]`; 0 where the ratio is NaN. */
  readonly probability: tf.Tensor1D;
}

/**
 * The Metropolis-Hastings accept/reject step shared by every MH-corrected sampler (RWM, bit
 * flip, MALA, HMC): chain i accepts when `log u_i < log alpha_i` with `u_i ~ U(0, 1)` and
 *
 *   log alpha_i = min(0, logRatio_i),
 *   logRatio = E(x) - E(x') + log q(x | x') - log q(x' | x)   (the caller computes it).
 *
 * A NaN ratio (e.g. a NaN proposal energy) is rejected: NaN compares false. Call inside `tf.tidy`.
 */
export function metropolisAccept(key: Key, logRatio: tf.Tensor1D): MetropolisDecision {
  const logU = tf.log(uniform(key, logRatio.shape));
  const accepted = tf.less(logU, logRatio) as tf.Tensor1D;
  const probability = tf.where(tf.isNaN(logRatio), tf.zerosLike(logRatio), tf.exp(tf.minimum(logRatio, 0))) as tf.Tensor1D;
  return { accepted, probability };
}

/**
 * Per-chain selection: row i of the result is `ifTrue[i]` where `mask[i]` else `ifFalse[i]`.
 * `mask` has shape `[N]`; the tensors `[N, ...event]` (the mask is broadcast over event axes).
 */
export function selectChains<T extends tf.Tensor>(mask: tf.Tensor1D, ifTrue: T, ifFalse: T): T {
  return tf.tidy(() => {
    const shape = [mask.shape[0]!, ...new Array<number>(ifTrue.rank - 1).fill(1)];
    const broadcastMask = tf.broadcastTo(tf.reshape(mask, shape), ifTrue.shape);
    return tf.where(broadcastMask, ifTrue, ifFalse) as T;
  });
}
