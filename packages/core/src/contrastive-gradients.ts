import * as tf from '@tensorflow/tfjs';
import type { Metrics } from './types.js';
import { variableGradients } from './variable-gradients.js';

/** The energies of one contrastive step: the data's (positives) and the sampler's (negatives). */
export interface ContrastiveEnergies {
  /** `E(x+)` of the data, `[N]`. */
  readonly positive: tf.Tensor1D;
  /** `E(x-)` of the negatives, `[M]`, computed from negatives held constant (sampled outside the tape). */
  readonly negative: tf.Tensor1D;
}

/**
 * The gradient of the contrastive-divergence surrogate, the part every CD-style objective shares
 * (`@ebm/cd`, conditional CD in `@ebm/conditional`):
 *
 *   L = mean E(x+) - mean E(x-) + alpha (mean E(x+)^2 + mean E(x-)^2),
 *
 * whose gradient `mean grad E(x+) - mean grad E(x-)` estimates the negative log-likelihood
 * gradient `E_data[grad E] - E_model[grad E]` when the negatives are model samples (the optional
 * `alpha` term keeps energies near 0). `energies` runs on the gradient tape (`variableGradients`),
 * so only the variables are differentiated. Metrics, device scalars: `positiveEnergy` = mean E(x+),
 * `negativeEnergy` = mean E(x-), `energyGap` = their difference (the unregularised loss). Call
 * inside `tf.tidy`.
 *
 * @example
 * const { value, grads, metrics } = contrastiveGradients(() => ({ positive: model.energy(batch), negative: model.energy(negatives) }), model.variables, 0.1);
 */
export function contrastiveGradients(
  energies: () => ContrastiveEnergies,
  variables: readonly tf.Variable[],
  alpha = 0,
): { value: tf.Scalar; grads: tf.NamedTensorMap; metrics: Metrics } {
  const { value, grads, aux } = variableGradients(() => {
    const { positive, negative } = energies();
    const positiveEnergy = tf.mean(positive) as tf.Scalar;
    const negativeEnergy = tf.mean(negative) as tf.Scalar;
    const gap = tf.sub(positiveEnergy, negativeEnergy) as tf.Scalar;
    const loss = alpha === 0 ? gap : (tf.add(gap, tf.mul(alpha, tf.add(tf.mean(tf.square(positive)), tf.mean(tf.square(negative))))) as tf.Scalar);
    return { loss, aux: { positiveEnergy, negativeEnergy } };
  }, variables);
  const energyGap = tf.sub(aux.positiveEnergy, aux.negativeEnergy) as tf.Scalar;
  return { value, grads, metrics: { ...aux, energyGap } };
}
