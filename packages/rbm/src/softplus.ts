import * as tf from '@tensorflow/tfjs';

/**
 * Tensors with fewer elements than this use `tf.softplus` (one op); larger ones the three-op-chain
 * form below. Measured on wasm (bench/README.md): at [10, 64] the single op wins (per-op overhead
 * dominates), at [100, 64] the chain is 1.6x faster and at [1000, 256] 3.2x faster.
 */
const SINGLE_OP_MAX_ELEMENTS = 4096;

/**
 * `softplus(x) = log(1 + exp(x))`; for large tensors computed as `relu(x) - log(sigmoid(|x|))`.
 *
 * The two agree in real arithmetic (`log(1 + e^x) = max(x, 0) + log(1 + e^-|x|)` and
 * `log(1 + e^-|x|) = -log sigmoid(|x|)`); `sigmoid(|x|)` lies in [0.5, 1], so the log never sees 0
 * and nothing overflows. tfjs's softplus kernel is several times slower than sigmoid on wasm, so
 * the chain wins once the tensor is large enough for kernel time to beat per-op overhead. Used
 * only in forward passes whose gradient is written by hand (`softplus' = sigmoid`).
 */
export function softplus(x: tf.Tensor): tf.Tensor {
  if (x.size < SINGLE_OP_MAX_ELEMENTS) return tf.softplus(x);
  return tf.tidy(() => tf.sub(tf.relu(x), tf.log(tf.sigmoid(tf.abs(x)))));
}
