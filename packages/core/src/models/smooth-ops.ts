import * as tf from '@tensorflow/tfjs';

/*
 * Why these exist: in tfjs 4.22 an op whose gradient reads its own saved OUTPUT (sigmoid, tanh,
 * exp) cannot be differentiated twice. The engine clones the output for the backward pass
 * before it records the op itself, so the clone is cut off from the tape: a nested tf.grad
 * through tf.sigmoid throws, and through x * sigmoid(x) it silently returns a wrong second
 * derivative (0.443 instead of 0.391 at x = 0.7). Score matching differentiates the input
 * gradient again, so every op on that path must get higher derivatives right.
 *
 * The versions below save only their INPUT and express their gradient through themselves, so
 * the gradient is again differentiable, to any order.
 */

/** `sigmoid(x) = 1 / (1 + exp(-x))`, with `sigmoid' = sigmoid (1 - sigmoid)`; differentiable to any order. */
export const sigmoid = tf.customGrad((x, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor]);
  return {
    value: tf.sigmoid(x as tf.Tensor),
    gradFunc: (dy: tf.Tensor, [input]: tf.Tensor[]) => {
      const s = sigmoid(input!);
      return tf.mul(dy, tf.mul(s, tf.sub(1, s)));
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/** `tanh(x) = 2 sigmoid(2x) - 1`; differentiable to any order. */
export function tanh(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(2, sigmoid(tf.mul(2, x))), 1);
}

/** `softplus(x) = log(1 + exp(x))`, with `softplus' = sigmoid`; differentiable to any order. */
export const softplus = tf.customGrad((x, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor]);
  return {
    value: tf.softplus(x as tf.Tensor),
    gradFunc: (dy: tf.Tensor, [input]: tf.Tensor[]) => tf.mul(dy, sigmoid(input!)),
  };
}) as (x: tf.Tensor) => tf.Tensor;
