import * as tf from '@tensorflow/tfjs';
import { type Activation, activationOps } from './activations.js';

/**
 * The forward pass of an MLP energy with what its hand-written backward pass needs (each layer's
 * input and `f'(a_l)`), and that backward pass: what `mlpEnergy`'s `parameterVjp` runs, and
 * `convEnergy`'s for its dense head.
 */
export interface MlpTrace {
  /** `E(x)`, shape `[N]`. */
  readonly energy: tf.Tensor1D;
  /**
   * `d/dtheta sum_i w_i E(x_i)` for every kernel and bias (keyed by variable name) and, when
   * `withInput`, `d/dx sum_i w_i E(x_i)` (`[N, D]`, the flattened input's shape).
   */
  backward(weights: tf.Tensor1D, withInput: boolean): { grads: tf.NamedTensorMap; inputGradient?: tf.Tensor2D };
}

/**
 * Traces the MLP energy `E = h_{L-1} W_L + b_L`, `h_l = f(h_{l-1} W_l + b_l)`, `h_0 = x`, on the
 * flattened batch `x` (`[N, D]`); `variables` are the kernels and biases in layer order
 * (`[W_1, b_1, ..., W_L, b_L]`, `W_L` of shape `[H, 1]`). The backward pass for the weights `w`:
 *
 *   delta_L = w (as [N, 1]),   g_{l-1} = delta_l W_l^T,   delta_{l-1} = g_{l-1} * f'(a_{l-1}),
 *   dW_l = h_{l-1}^T delta_l,   db_l = sum_rows(delta_l),   d/dx = g_0,
 *
 * with every transpose done by `tf.transpose` before a plain matMul (wasm's transposed-flag
 * matMul is 10-27x slower, DESIGN.md) and `g_{L-1} = w W_L^T` as a broadcast multiply (an outer
 * product). The forward pass reuses `f'` from `applyAndDerivative` (one sigmoid for both). Runs
 * off the gradient tape (not differentiable again; score matching differentiates `valueAndGrad`).
 * Call inside `tf.tidy`: the trace holds the activations until the scope ends.
 */
export function traceMlp(variables: readonly tf.Variable[], activation: Activation, x: tf.Tensor2D): MlpTrace {
  const act = activationOps[activation];
  const layers = variables.length / 2;
  const kernel = (l: number): tf.Variable<tf.Rank.R2> => variables[2 * l] as tf.Variable<tf.Rank.R2>;
  const bias = (l: number): tf.Variable => variables[2 * l + 1]!;
  const { energy, inputs, derivatives } = tf.tidy(() => {
    const inputs: tf.Tensor2D[] = [x];
    const derivatives: tf.Tensor[] = [];
    for (let l = 0; l < layers - 1; l++) {
      const [f, derivative] = act.applyAndDerivative(tf.add(tf.matMul(inputs[l]!, kernel(l)), bias(l)));
      inputs.push(f as tf.Tensor2D);
      derivatives.push(derivative);
    }
    const energy = tf.reshape(tf.add(tf.matMul(inputs[layers - 1]!, kernel(layers - 1)), bias(layers - 1)), [-1]) as tf.Tensor1D;
    // The caller's x comes back as inputs[0]: tidy keeps it (it was made outside this scope).
    return { energy, inputs, derivatives };
  });

  const backward = (weights: tf.Tensor1D, withInput: boolean) =>
    tf.tidy(() => {
      const grads: tf.NamedTensorMap = {};
      let delta = tf.reshape(weights, [-1, 1]) as tf.Tensor2D;
      let inputGradient: tf.Tensor2D | undefined;
      for (let l = layers - 1; l >= 0; l--) {
        const w = kernel(l);
        grads[w.name] = tf.matMul(tf.transpose(inputs[l]!), delta);
        grads[bias(l).name] = tf.sum(delta, 0);
        if (l === 0 && !withInput) break;
        // The output layer's W^T is one row: an outer product by broadcasting, no matMul.
        const g = (l === layers - 1 ? tf.mul(delta, tf.reshape(w, [1, -1])) : tf.matMul(delta, tf.transpose(w))) as tf.Tensor2D;
        if (l === 0) inputGradient = g;
        else delta = tf.mul(g, derivatives[l - 1]!) as tf.Tensor2D;
      }
      return inputGradient === undefined ? { grads } : { grads, inputGradient };
    });

  return { energy, backward };
}
