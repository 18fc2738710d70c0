/**
 * The RBM free energy as a tfjs op with a hand-written backward pass, and the forward pass it
 * shares with the closed-form parameter gradients (`parameter-vjp.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import type { RBMType } from './rbm.js';
import { softplus } from './softplus.js';

/** What the free-energy forward pass computes on the way: the scaled input, the hidden pre-activation, `F(v)`. */
export interface FreeEnergyForward {
  /** `x = v / sigma` (`v` itself for a Bernoulli RBM), `[N, visible]`. */
  readonly x: tf.Tensor2D;
  /** `c + x W`, `[N, hidden]`: `p(h = 1 | v)` is its sigmoid. */
  readonly preactivation: tf.Tensor2D;
  /** `F(v)`, `[N]`. */
  readonly freeEnergy: tf.Tensor1D;
}

/**
 * The forward pass of the free energy,
 *
 *   Bernoulli:          F(v) = -v.b - sum_j softplus(c_j + v W_j)
 *   Gaussian-Bernoulli: F(v) = |v - b|^2 / (2 sigma^2) - sum_j softplus(c_j + (v / sigma) W_j),
 *
 * returning the scaled input and the pre-activation too. The caller owns the tensors (call it
 * inside `tf.tidy`).
 */
export function freeEnergyForward(type: RBMType, sigma: number, v: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, c: tf.Tensor1D): FreeEnergyForward {
  const x = type === 'bernoulli' ? v : (tf.mul(v, 1 / sigma) as tf.Tensor2D);
  const preactivation = tf.add(tf.matMul(x, w), c) as tf.Tensor2D;
  const visibleTerm =
    type === 'bernoulli' ? tf.neg(tf.sum(tf.mul(v, b), 1)) : tf.div(tf.sum(tf.square(tf.sub(v, b)), 1), 2 * sigma * sigma);
  return { x, preactivation, freeEnergy: tf.sub(visibleTerm, tf.sum(softplus(preactivation), 1)) as tf.Tensor1D };
}

/**
 * The free energy `F(v) = V(v) - sum_j softplus(c_j + x W_j)` with `x = v / sigma`, and its
 * gradient in closed form (with `p = sigmoid(c + x W)` and upstream gradient `dy` per sample):
 *
 *   dF/dW = -x^T (dy * p),   dF/dc = -sum_n dy_n p_n,
 *   Bernoulli (V = -v.b):                 dF/db = -sum_n dy_n v_n,  dF/dv = -dy (b + p W^T)
 *   Gaussian (V = |v - b|^2 / (2 sigma^2)): dF/db = -sum_n dy_n (v_n - b) / sigma^2,
 *                                          dF/dv = dy (v - b) / sigma^2 - (dy * p) W^T / sigma
 *
 * For a batch mean, `dF/dW` is minus the classic statistic `<v h^T>` with `h = p(h | v)`, so
 * `grad(mean F(data) - mean F(negatives))` is exactly the CD update `-(<v h^T>_data - <v h^T>_model)`.
 * Every matMul is untransposed (`tf.transpose` first): wasm runs transposed matMuls 10-27x slower.
 *
 * The backward pass recomputes `c + x W` from the saved inputs rather than saving it: tensors made
 * inside the forward pass are not on the gradient tape, so a saved pre-activation would make `p`
 * a constant to any second derivative (score matching differentiates `dF/dv` again, in `v` and in
 * the parameters).
 */
export function freeEnergyOp(type: RBMType, sigma: number) {
  const scale = 1 / sigma;
  return tf.customGrad((v, w, b, c, save) => {
    const [vt, wt, bt, ct] = [v as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, c as tf.Tensor1D];
    (save as tf.GradSaveFunc)([vt, wt, bt, ct]);
    return {
      value: freeEnergyForward(type, sigma, vt, wt, bt, ct).freeEnergy,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [vs, ws, bs, cs] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
        const xs = type === 'bernoulli' ? vs : tf.mul(vs, scale);
        // Negated once up front ([N, 1]), so no gradient needs a Neg of its own (fewer ops per step).
        const negDy = tf.neg(tf.expandDims(dy, 1));
        const negDp = tf.mul(tf.sigmoid(tf.add(tf.matMul(xs, ws), cs)), negDy);
        const dW = tf.matMul(tf.transpose(xs), negDp);
        const dc = tf.sum(negDp, 0);
        const negDpWt = tf.matMul(negDp, tf.transpose(ws));
        if (type === 'bernoulli') {
          return [tf.add(tf.mul(negDy, bs), negDpWt), dW, tf.sum(tf.mul(negDy, vs), 0), dc];
        }
        // -dy (v - b) / sigma^2
        const negCentred = tf.mul(tf.mul(tf.sub(vs, bs), negDy), 1 / (sigma * sigma));
        return [tf.add(tf.neg(negCentred), tf.mul(negDpWt, scale)), dW, tf.sum(negCentred, 0), dc];
      },
    };
  }) as unknown as (v: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, c: tf.Tensor1D) => tf.Tensor1D;
}
