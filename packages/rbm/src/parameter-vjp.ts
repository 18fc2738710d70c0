/**
 * The closed-form parameter gradients of an RBM's free energies: the CD / PCD parameter update
 * without a gradient tape (what `rbm.parameterVjp` runs).
 */
import * as tf from '@tensorflow/tfjs';
import type { ParameterVjp } from '@ebm/core';
import { freeEnergyForward } from './free-energy.js';
import type { RBM, RBMType } from './rbm.js';

/**
 * The free energies `F(v_i)` of the rows of `v` and the VJP `w -> d/dtheta sum_i w_i F(v_i)` in
 * closed form: with `x = v / sigma` (`v` for a Bernoulli RBM) and `p = sigmoid(c + x W) =
 * p(h = 1 | v)`,
 *
 *   d/dW = -sum_i w_i x_i^T p_i,   d/dc = -sum_i w_i p_i,
 *   d/db = -sum_i w_i v_i (Bernoulli),   -sum_i w_i (v_i - b) / sigma^2 (Gaussian).
 *
 * With `w_i = 1/n` on the data and `-1/m` on the negatives (contrastive divergence) this is
 * Hinton's CD update `-(<x p^T>_+ - <x p^T>_-)`, the positive phase minus the negative phase.
 * Positives and negatives arrive stacked (one matMul for both); the statistics take one more
 * matMul with the weights as a row. Equal to `tf.variableGrads` through the free-energy op to
 * float tolerance (tested). Reads nothing from the device; call inside `tf.tidy` (the forward
 * pass's tensors live until the scope ends).
 *
 * @example
 * const { energy, vjp } = rbm.parameterVjp(tf.concat([batch, negatives]));
 * const grads = vjp(tf.tensor1d([...Array(n).fill(1 / n), ...Array(m).fill(-1 / m)]));
 */
export function rbmParameterVjp(type: RBMType, sigma: number, parameters: Pick<RBM, 'weights' | 'visibleBias' | 'hiddenBias'>) {
  const { weights, visibleBias, hiddenBias } = parameters;
  return (v: tf.Tensor2D): ParameterVjp => {
    const { x, p, freeEnergy } = tf.tidy(() => {
      const forward = freeEnergyForward(type, sigma, v, weights as tf.Tensor2D, visibleBias as tf.Tensor1D, hiddenBias as tf.Tensor1D);
      return { x: forward.x, p: tf.sigmoid(forward.preactivation), freeEnergy: forward.freeEnergy };
    });
    const vjp = (w: tf.Tensor1D): tf.NamedTensorMap =>
      tf.tidy(() => {
        const s = tf.neg(w);
        // [visible, N]: each column x_i scaled by -w_i; transposed first (wasm's transposed matMul is slow).
        const weightedXt = tf.mul(tf.transpose(x), s);
        const visibleSum = tf.sum(weightedXt, 1);
        return {
          [weights.name]: tf.matMul(weightedXt, p),
          [visibleBias.name]:
            type === 'bernoulli' ? visibleSum : tf.add(tf.mul(visibleSum, 1 / sigma), tf.mul(visibleBias, tf.div(tf.sum(w), sigma * sigma))),
          [hiddenBias.name]: tf.reshape(tf.matMul(tf.reshape(s, [1, -1]), p), [p.shape[1]]),
        };
      });
    return { energy: freeEnergy, vjp };
  };
}
