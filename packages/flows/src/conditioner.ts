import * as tf from '@tensorflow/tfjs';
import { type Key, split, uniform } from '@ebm/core';
import { type Activation, activationOps, dense } from '@ebm/core/models';

/**
 * The trainable variables of an MLP `R^in -> R^out` with hidden widths `hidden`: per layer a
 * kernel, Glorot-uniform `U(-a, a)` with `a = sqrt(6 / (fanIn + fanOut))`, and a zero bias; the
 * output layer's kernel is ZERO, so the MLP starts as the constant 0 and a coupling layer built on
 * it starts as the identity map (a flow starts as its base distribution, a stable start).
 */
export function conditionerVariables(prefix: string, widths: readonly number[], key: Key): tf.Variable[] {
  const keys = split(key, widths.length - 1);
  const variables: tf.Variable[] = [];
  for (let l = 0; l < widths.length - 1; l++) {
    const [fanIn, fanOut] = [widths[l]!, widths[l + 1]!];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const last = l === widths.length - 2;
    // tf.variable keeps its initial tensor alive: create inside tidy so only the variable remains.
    variables.push(
      tf.tidy(() => tf.variable(last ? tf.zeros([fanIn, fanOut]) : uniform(keys[l]!, [fanIn, fanOut], -limit, limit), true, `${prefix}/dense_${l}/kernel`)),
      tf.tidy(() => tf.variable(tf.zeros([fanOut]), true, `${prefix}/dense_${l}/bias`)),
    );
  }
  return variables;
}

/**
 * The MLP `h_l = f(h_{l-1} W_l + b_l)`, linear output layer, with kernels and biases read from
 * `params` (`[W_1, b_1, W_2, b_2, ...]`, as {@link conditionerVariables} makes them). Uses core's
 * `dense`, whose gradient runs no transposed matMul (fast on wasm).
 */
export function conditioner(x: tf.Tensor2D, params: readonly tf.Tensor[], activation: Activation): tf.Tensor2D {
  const layers = params.length / 2;
  let h = x;
  for (let l = 0; l < layers; l++) {
    const a = dense(h, params[2 * l] as tf.Tensor2D, params[2 * l + 1] as tf.Tensor1D);
    h = l < layers - 1 ? (activationOps[activation].apply(a) as tf.Tensor2D) : a;
  }
  return h;
}
