import * as tf from '@tensorflow/tfjs';
import { sigmoid, tanh } from './smooth-ops.js';

/** Activation functions for the MLP energy, each with its derivative for the hand-written backward pass. */
export const ACTIVATIONS = ['swish', 'tanh', 'leakyRelu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Slope of leakyRelu for negative inputs (the common default of 0.2 in EBM papers). */
const LEAKY_SLOPE = 0.2;

export interface ActivationOps {
  /** `f(a)` */
  readonly apply: (a: tf.Tensor) => tf.Tensor;
  /** `f'(a)` */
  readonly derivative: (a: tf.Tensor) => tf.Tensor;
}

/**
 * Every formula uses the smooth ops of `smooth-ops.ts`, so energies built from them have correct
 * derivatives of any order (tfjs's own sigmoid/tanh break under a second derivative).
 *
 * - swish: `f(a) = a sigmoid(a)`, `f'(a) = s + a s (1 - s)` with `s = sigmoid(a)`; smooth, so
 *   second derivatives exist (score matching). Written with sigmoid: softplus is ~6x slower on wasm.
 * - tanh: `f' = 1 - tanh^2`.
 * - leakyRelu: `f(a) = max(a, 0.2 a)`, `f' = 1 or 0.2`.
 */
export const activationOps: Readonly<Record<Activation, ActivationOps>> = {
  swish: {
    apply: (a) => tf.mul(a, sigmoid(a)),
    derivative: (a) => {
      const s = sigmoid(a);
      return tf.add(s, tf.mul(a, tf.mul(s, tf.sub(1, s))));
    },
  },
  tanh: {
    apply: (a) => tanh(a),
    derivative: (a) => tf.sub(1, tf.square(tanh(a))),
  },
  leakyRelu: {
    apply: (a) => tf.leakyRelu(a, LEAKY_SLOPE),
    derivative: (a) => tf.where(tf.greater(a, 0), tf.onesLike(a), tf.fill(a.shape, LEAKY_SLOPE)),
  },
};
