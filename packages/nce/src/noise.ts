import type * as tf from '@tensorflow/tfjs';
import type { Key } from '@ebm/core';

/**
 * A normalised noise distribution for noise-contrastive estimation: NCE needs draws from it and
 * its exact log-density. The noise has no trainable parameters (it is not differentiated).
 *
 * This is the one place @ebm speaks of a log-density rather than an energy: `logProb` is a
 * normalised `log p_n(x)`, which NCE compares with the model's `-E(x) - c`.
 */
export interface NoiseDistribution {
  /** `n` independent draws, shape `[n, ...event]`, from the key (same key, same numbers). */
  sample(key: Key, n: number): tf.Tensor;
  /** Normalised log-density `log p_n(x)` of each row of `x`, shape `[N]`. */
  logProb(x: tf.Tensor): tf.Tensor1D;
}
