import * as tf from '@tensorflow/tfjs';
import { type EnergyModel, type Key, type Objective, type ObjectiveStep, assertPositive, energyAndGradient, normal, variableGradients } from '@ebm/core';
import { energyGivenInput } from './given.js';
import { assertConditionalModel, sizeOf, unpackPairs } from './pairs.js';

/** Options of {@link conditionalDenoisingScoreMatching}. */
export interface ConditionalDenoisingScoreMatchingOptions {
  /** The noise level sigma > 0 added to the targets (in the units of y). */
  readonly sigma: number;
}

/**
 * Denoising score matching in the target (Vincent 2011, applied to `y` with `x` held fixed):
 * perturb each target, `y~ = y + sigma eps`, `eps ~ N(0, I)`, and regress the model's score in y,
 * `-dE(x, y~)/dy~`, onto the score of the perturbation kernel, `-eps / sigma`:
 *
 *   J = 1/N sum_i 1/2 || dE(x_i, y~_i)/dy~ - eps_i / sigma ||^2.
 *
 * `A_x` does not depend on y, so the objective never sees it. The minimiser is the score of the
 * noisy conditional `p(y | x) * N(0, sigma^2 I)`, not of `p(y | x)`: for a Gaussian conditional
 * with variance `s^2` the learned variance is `s^2 + sigma^2`. Choose sigma well below the
 * conditional's narrowest feature. Cost: one input-gradient pass in y (the MLP's hand-written one
 * for `conditionalMlpEnergy`), differentiated once for the parameters.
 *
 * Batches are packed pairs; state: none (`null`); no metrics.
 *
 * @example
 * const objective = conditionalDenoisingScoreMatching({ sigma: 0.05 });
 * await fit(model, objective, packPairs(x, y), { optimizer, steps: 2000, key });
 */
export function conditionalDenoisingScoreMatching(options: ConditionalDenoisingScoreMatchingOptions): Objective<null> {
  const sigma = options?.sigma;
  assertPositive('sigma', sigma as number);
  return {
    name: `conditional-dsm(sigma=${sigma})`,
    init: () => null,
    gradients(model: EnergyModel, batch: tf.Tensor, _state: null, key: Key): ObjectiveStep<null> {
      const m = assertConditionalModel(model);
      const { value, grads } = tf.tidy(() => {
        const { x, y } = unpackPairs(m, batch);
        const n = x.shape[0]!;
        const d = sizeOf(m.targetShape);
        const eps = normal(key, [n, d]);
        const noisy = tf.add(y, tf.reshape(tf.mul(sigma, eps), y.shape));
        const energy = energyGivenInput(m, x);
        return variableGradients(() => {
          const gradient = tf.reshape(energyAndGradient(energy, noisy).gradient, [n, d]);
          return tf.mul(0.5, tf.mean(tf.sum(tf.square(tf.sub(gradient, tf.div(eps, sigma))), 1))) as tf.Scalar;
        }, m.variables);
      });
      return { loss: value, grads, state: null, metrics: {} };
    },
  };
}
