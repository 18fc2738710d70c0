import * as tf from '@tensorflow/tfjs';
import { ShapeError, assertBatch, assertInRange } from '@ebm/core';
import { assertUnitInterval } from './rbm.js';

/**
 * Default clipping of the pixel means before the log-odds: `p_i` is clipped to `[1e-3, 1 - 1e-3]`,
 * so a pixel that is always off (the corners of the digits) gets bias `log(1e-3 / 0.999) = -6.9`
 * instead of minus infinity.
 */
export const DEFAULT_BIAS_CLIP = 1e-3;

/**
 * Visible biases from data, Hinton (2010, "A practical guide to training RBMs", section 8):
 *
 *   b_i = log(p_i / (1 - p_i)),   p_i = clip(mean_n v_ni, eps, 1 - eps),
 *
 * the biases under which an RBM with zero weights reproduces every pixel's mean. Also the
 * base-rate model of `ais`. `data` is `[N, D]` with values in [0, 1]; returns a `[D]` tensor the
 * caller owns.
 *
 * @example
 * const rbm = bernoulliRBM({ visible: 64, hidden: 64, visibleBias: visibleBiasFromData(images) });
 */
export function visibleBiasFromData(data: tf.Tensor, eps = DEFAULT_BIAS_CLIP): tf.Tensor1D {
  assertBatch('data', data, 2);
  if (data.rank !== 2) throw new ShapeError('data', `must be [N, D] (one sample per row), got shape [${data.shape.join(', ')}].`);
  assertInRange('eps', eps, Number.MIN_VALUE, 0.5);
  assertUnitInterval('data', data);
  return tf.tidy(() => {
    const p = tf.clipByValue(tf.mean(data, 0), eps, 1 - eps);
    return tf.log(tf.div(p, tf.sub(1, p))) as tf.Tensor1D;
  });
}
