/**
 * The closed-form gradient of an RBM's contrastive loss: the CD / PCD parameter update without a
 * gradient tape (what `rbm.closedFormGradients` runs).
 */
import * as tf from '@tensorflow/tfjs';
import type { ClosedFormGradients } from '@ebm/core';
import { freeEnergyForward } from './free-energy.js';
import type { RBM, RBMType } from './rbm.js';

/**
 * The gradient of `L = mean_i F(v+_i) - mean_j F(v-_j)` for an RBM, in closed form: with
 * `x = v / sigma` (`v` for a Bernoulli RBM), `p = sigmoid(c + x W) = p(h = 1 | v)` and the row
 * weights `s_i = -1/n` for the `n` positives and `+1/m` for the `m` negatives,
 *
 *   dL/dW = sum_i s_i x_i^T p_i = -(<x p^T>_+ - <x p^T>_-)
 *   dL/dc = sum_i s_i p_i       = -(<p>_+ - <p>_-)
 *   dL/db = sum_i s_i x_i / sigma^(0 or 1) = -(<v>_+ - <v>_-) / sigma^2 (Gaussian; 1 for Bernoulli),
 *
 * the positive phase minus the negative phase of Hinton's CD update, bias terms as column means
 * (the Gaussian `b` drops out of `dL/db` because `sum_i s_i = 0`). Positives and negatives go
 * through one matMul (stacked), the statistics through one more, and the weights `s` are a
 * `[1, n + m]` row uploaded from JavaScript: about 20 kernels for the gradients and both mean
 * free energies, against ~80 for `tf.variableGrads` through the free-energy op (each `F` forward,
 * the tape's backward, and the gradients' sums). Equal to that autodiff gradient to float
 * tolerance (tested). Reads nothing from the device; the caller owns every returned tensor.
 *
 * @example
 * const { grads, positiveEnergy, negativeEnergy } = rbm.closedFormGradients(batch, negatives);
 * optimizer.applyGradients(grads);
 */
export function closedFormGradientsOp(type: RBMType, sigma: number, parameters: Pick<RBM, 'weights' | 'visibleBias' | 'hiddenBias'>) {
  const { weights, visibleBias, hiddenBias } = parameters;
  return (positive: tf.Tensor2D, negative: tf.Tensor2D): ClosedFormGradients =>
    tf.tidy(() => {
      const n = positive.shape[0];
      const m = negative.shape[0];
      const rowWeights = new Float32Array(n + m).fill(-1 / n, 0, n).fill(1 / m, n);
      const s = tf.tensor2d(rowWeights, [1, n + m]);
      const v = tf.concat([positive, negative], 0);
      const { x, preactivation, freeEnergy } = freeEnergyForward(
        type,
        sigma,
        v,
        weights as tf.Tensor2D,
        visibleBias as tf.Tensor1D,
        hiddenBias as tf.Tensor1D,
      );
      const p = tf.sigmoid(preactivation);
      // [visible, n + m]: each column x_i scaled by s_i; transposed first (wasm's transposed matMul is slow).
      const weightedXt = tf.mul(tf.transpose(x), s);
      const visibleSum = tf.sum(weightedXt, 1);
      const grads = {
        [weights.name]: tf.matMul(weightedXt, p),
        [visibleBias.name]: type === 'bernoulli' ? visibleSum : tf.mul(visibleSum, 1 / sigma),
        [hiddenBias.name]: tf.reshape(tf.matMul(s, p), [p.shape[1]]),
      };
      return {
        positiveEnergy: tf.mean(tf.slice(freeEnergy, [0], [n])) as tf.Scalar,
        negativeEnergy: tf.mean(tf.slice(freeEnergy, [n], [m])) as tf.Scalar,
        grads,
      };
    });
}
