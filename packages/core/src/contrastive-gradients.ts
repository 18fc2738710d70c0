import * as tf from '@tensorflow/tfjs';
import { checkedParameterVjp } from './parameter-vjp.js';
import type { EnergyModel, Metrics } from './types.js';
import { assertBatch } from './validate.js';
import { variableGradients } from './variable-gradients.js';

/**
 * The gradient of the contrastive-divergence surrogate, the part every CD-style objective shares
 * (`@ebm/cd`, conditional CD in `@ebm/conditional`), for positives `x+` (`n` rows of data) and
 * negatives `x-` (`m` sampler rows, held constant):
 *
 *   L = mean E(x+) - mean E(x-) + alpha (mean E(x+)^2 + mean E(x-)^2),
 *
 * whose gradient `mean grad E(x+) - mean grad E(x-)` estimates the negative log-likelihood
 * gradient `E_data[grad E] - E_model[grad E]` when the negatives are model samples (the optional
 * `alpha` term keeps energies near 0).
 *
 * A model with `parameterVjp` (core's MLP and conv energies, every RBM) is differentiated without
 * a tape: one forward pass over the stacked rows `[x+; x-]`, then its VJP with the weights
 * `dL/dE_i`,
 *
 *   w_i = 1/n + 2 alpha E(x+_i) / n  (positives),   w_j = -1/m + 2 alpha E(x-_j) / m  (negatives).
 *
 * Any other model (tfjs-layers energies, user models) goes through `tf.variableGrads`; both give
 * the same loss, gradients and metrics to float tolerance. Metrics, device scalars:
 * `positiveEnergy` = mean E(x+), `negativeEnergy` = mean E(x-), `energyGap` = their difference
 * (the unregularised loss). Call inside `tf.tidy`; reads nothing from the device.
 *
 * @example
 * const { value, grads, metrics } = contrastiveGradients(model, batch, negatives, 0.1);
 */
export function contrastiveGradients(
  model: EnergyModel,
  positives: tf.Tensor,
  negatives: tf.Tensor,
  alpha = 0,
): { value: tf.Scalar; grads: tf.NamedTensorMap; metrics: Metrics } {
  assertBatch('positives', positives);
  assertBatch('negatives', negatives);
  const [n, m] = [positives.shape[0]!, negatives.shape[0]!];
  const loss = (positive: tf.Tensor1D, negative: tf.Tensor1D) => {
    const positiveEnergy = tf.mean(positive) as tf.Scalar;
    const negativeEnergy = tf.mean(negative) as tf.Scalar;
    const gap = tf.sub(positiveEnergy, negativeEnergy) as tf.Scalar;
    const value = alpha === 0 ? gap : (tf.add(gap, tf.mul(alpha, tf.add(tf.mean(tf.square(positive)), tf.mean(tf.square(negative))))) as tf.Scalar);
    return { value, positiveEnergy, negativeEnergy };
  };

  const traced = model.parameterVjp === undefined ? undefined : checkedParameterVjp(model, tf.concat([positives, negatives], 0));
  if (traced !== undefined) {
    const { energy, vjp } = traced;
    const { value, positiveEnergy, negativeEnergy } = loss(tf.slice(energy, [0], [n]), tf.slice(energy, [n], [m]));
    const signs = tf.tensor1d(new Float32Array(n + m).fill(1 / n, 0, n).fill(-1 / m, n));
    const weights = alpha === 0 ? signs : tf.add(signs, tf.mul(energy, tf.tensor1d(new Float32Array(n + m).fill((2 * alpha) / n, 0, n).fill((2 * alpha) / m, n))));
    // The gap metric is its own tensor: a metric must not be the loss tensor itself.
    const energyGap = tf.sub(positiveEnergy, negativeEnergy) as tf.Scalar;
    return { value, grads: { ...vjp(weights as tf.Tensor1D) }, metrics: { positiveEnergy, negativeEnergy, energyGap } };
  }

  const { value, grads, aux } = variableGradients(() => {
    const { value, positiveEnergy, negativeEnergy } = loss(model.energy(positives), model.energy(negatives));
    return { loss: value, aux: { positiveEnergy, negativeEnergy } };
  }, model.variables);
  const energyGap = tf.sub(aux.positiveEnergy, aux.negativeEnergy) as tf.Scalar;
  return { value, grads, metrics: { ...aux, energyGap } };
}
