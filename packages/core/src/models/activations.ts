import * as tf from '@tensorflow/tfjs';
import { sigmoid, tanh } from './smooth-ops.js';

/** Activation functions for the MLP energy, each with its derivative for the hand-written backward pass. */
export const ACTIVATIONS = ['swish', 'tanh', 'leakyRelu'] as const;
/** The name of an MLP hidden activation, one of {@link ACTIVATIONS}. */
export type Activation = (typeof ACTIVATIONS)[number];

/** Slope of leakyRelu for negative inputs (the common default of 0.2 in EBM papers). */
const LEAKY_SLOPE = 0.2;

/** An activation `f` and its derivative, as the MLP energy uses them. */
export interface ActivationOps {
  /** `f(a)` */
  readonly apply: (a: tf.Tensor) => tf.Tensor;
  /**
   * `[f(a), f'(a)]` together, sharing their common work (swish and tanh compute one sigmoid
   * instead of two): what the hand-written backward pass of the MLP calls.
   */
  readonly applyAndDerivative: (a: tf.Tensor) => [tf.Tensor, tf.Tensor];
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
    // f' = s + a s (1 - s) = s + f (1 - s): one sigmoid and five kernels for both.
    applyAndDerivative: (a) => {
      const s = sigmoid(a);
      const f = tf.mul(a, s);
      return [f, tf.add(s, tf.mul(f, tf.sub(1, s)))];
    },
  },
  tanh: {
    apply: (a) => tanh(a),
    applyAndDerivative: (a) => {
      const t = tanh(a);
      return [t, tf.sub(1, tf.square(t))];
    },
  },
  leakyRelu: {
    apply: (a) => tf.leakyRelu(a, LEAKY_SLOPE),
    // tf.step(a, 0.2) is 1 for a > 0 and 0.2 otherwise, in one kernel, and has a (zero) gradient,
    // so score matching can differentiate the fast input gradient (tf.greater has no gradient).
    applyAndDerivative: (a) => [tf.leakyRelu(a, LEAKY_SLOPE), tf.step(a, LEAKY_SLOPE)],
  },
};
