import * as tf from '@tensorflow/tfjs';

/**
 * `softplus(x) = log(1 + exp(x))`, computed as `relu(x) - log(sigmoid(|x|))`.
 *
 * The two agree exactly in real arithmetic (`log(1 + e^x) = max(x, 0) + log(1 + e^-|x|)` and
 * `log(1 + e^-|x|) = -log sigmoid(|x|)`); `sigmoid(|x|)` lies in [0.5, 1), so the log never
 * sees 0 and nothing overflows. On the wasm backend it runs about 2x faster than `tf.softplus`
 * (measured on [100, 64]: 140 us vs 285 us per call including a sum, see bench/README.md).
 * Used only in forward passes whose gradient is written by hand (`softplus' = sigmoid`).
 */
export function softplus(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.relu(x), tf.log(tf.sigmoid(tf.abs(x)))));
}
