import * as tf from '@tensorflow/tfjs';
import { type EnergyModel, InvalidArgumentError, type Key, type Objective, type ObjectiveStep, variableGradients } from '@ebm/core';
import { assertConditionalModel, unpackPairs } from './pairs.js';
import type { ConditionalEnergyModel } from './types.js';

/**
 * The conditional negative log-likelihood of packed pairs under a model with a closed-form
 * log-partition, `-log p(y_i | x_i) = E(x_i, y_i) + A_{x_i}`, per pair (`[N]`). Differentiable.
 */
export function exactNegativeLogLikelihood(model: ConditionalEnergyModel, x: tf.Tensor, y: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.add(model.conditionalEnergy(x, y), model.logPartition!(x)) as tf.Tensor1D);
}

/**
 * Maximum likelihood for a conditional model normalised in closed form (one with `logPartition`:
 * the Gaussian regression, a classifier), by the exact negative log-likelihood
 *
 *   J = 1/N sum_i [ E(x_i, y_i) + A_{x_i} ] = -1/N sum_i log p(y_i | x_i),
 *
 * the Gaussian NLL for `gaussianRegression`, the cross-entropy for a classifier. An unnormalised
 * energy (no `logPartition`) is refused: train it with `conditionalNce`,
 * `conditionalDenoisingScoreMatching` or `conditionalContrastiveDivergence`.
 *
 * Batches are packed pairs; state: none (`null`). Metrics: none (the loss is the NLL).
 *
 * @example
 * const baseline = gaussianRegression({ inputShape: [1], targetDim: 1, hidden: [64, 64] });
 * await fit(baseline, maximumLikelihood(), packPairs(x, y), { optimizer, steps: 2000, key });
 */
export function maximumLikelihood(): Objective<null> {
  return {
    name: 'maximum-likelihood',
    init: () => null,
    gradients(model: EnergyModel, batch: tf.Tensor, _state: null, _key: Key): ObjectiveStep<null> {
      const m = assertNormalisedModel(model);
      const { value, grads } = tf.tidy(() => {
        const { x, y } = unpackPairs(m, batch);
        return variableGradients(() => tf.mean(exactNegativeLogLikelihood(m, x, y)) as tf.Scalar, m.variables);
      });
      return { loss: value, grads, state: null, metrics: {} };
    },
  };
}

/** Checks that `model` is a conditional model with a closed-form `logPartition` and returns it. */
export function assertNormalisedModel(model: EnergyModel): ConditionalEnergyModel {
  const m = assertConditionalModel(model);
  if (typeof m.logPartition !== 'function') {
    throw new InvalidArgumentError(
      'model',
      'has no closed-form logPartition, so its likelihood cannot be computed exactly. Train an unnormalised conditional energy with ' +
        'conditionalNce, conditionalDenoisingScoreMatching or conditionalContrastiveDivergence.',
    );
  }
  return m;
}
