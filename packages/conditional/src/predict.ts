import * as tf from '@tensorflow/tfjs';
import { type Key, type Sampler, ShapeError, assertBatch, assertEventShape, assertInteger, assertSampler, disposeState, runChain, split } from '@ebm/core';
import { assertConditionalDistribution } from './distributions.js';
import { energyGivenInput } from './given.js';
import type { ConditionalDistribution, ConditionalEnergyModel } from './types.js';

/** One stage of {@link predictByEnergyMinimisation}: a sampler run for a number of steps on y. */
export interface MinimisationStage {
  /**
   * Any core sampler. Gradient descent is Langevin without noise, `langevin({ stepSize: h,
   * noiseScale: 0 })` (`y <- y - h dE/dy`); annealed Langevin is Langevin with a decaying step
   * size, `langevin({ stepSize: cosineDecay({ initial, decaySteps, alpha }) })`, whose noise
   * `sqrt(2 h_t)` anneals with it.
   */
  readonly sampler: Sampler;
  /** Steps of this stage (>= 1). */
  readonly steps: number;
}

/** Options of {@link predictByEnergyMinimisation}. */
export interface PredictOptions {
  /** Where each input's candidates start: draws of `q(y | x)` (`count` per input). */
  readonly starts: ConditionalDistribution;
  /** Candidates per input (default 16): the more, the likelier the global minimum is among them. */
  readonly count?: number;
  /** The stages run in order on all candidates as one batch, e.g. annealed Langevin then gradient descent. */
  readonly stages: readonly MinimisationStage[];
  readonly key: Key;
}

/** What {@link predictByEnergyMinimisation} returns; the caller owns both tensors. */
export interface Prediction {
  /** The lowest-energy candidate per input, `[N, ...targetShape]`: the predicted mode of `p(y | x)`. */
  readonly target: tf.Tensor;
  /** Its energy `E(x_i, y_i*)`, `[N]`. */
  readonly energy: tf.Tensor1D;
}

/**
 * Inference by energy minimisation: the mode of `p(y | x)`, `y* = argmin_y E(x, y)`, for each
 * input (as in energy-based regression, Gustafsson et al. 2020). From `count` candidates per
 * input drawn from `starts`, run each stage's sampler on `E_x(y) = E(x, y)` (all `N * count`
 * candidates as one batch, `energyGivenInput`), then keep each input's candidate of lowest energy:
 *
 *   y*_i = argmin_{j} E(x_i, y_ij^(T)).
 *
 * Several candidates guard against local minima of a multimodal `p(y | x)`; annealed Langevin
 * first lets them cross barriers, gradient descent then settles them. Reads nothing from the device.
 *
 * @example
 * const { target } = predictByEnergyMinimisation(model, x, {
 *   starts: independentOfInput(uniformDistribution({ eventShape: [1], low: -3, high: 3 })),
 *   stages: [
 *     { sampler: langevin({ stepSize: cosineDecay({ initial: 1e-2, decaySteps: 200, alpha: 0.01 }) }), steps: 200 },
 *     { sampler: langevin({ stepSize: 1e-3, noiseScale: 0 }), steps: 100 },
 *   ],
 *   key: prngKey(0),
 * });
 */
export function predictByEnergyMinimisation(model: ConditionalEnergyModel, x: tf.Tensor, options: PredictOptions): Prediction {
  const { starts, stages, key } = options;
  assertBatch('x', x, 2);
  assertEventShape('x', x, model.inputShape);
  assertConditionalDistribution('starts', starts, model.targetShape);
  const count = options.count ?? 16;
  assertInteger('count', count, 1);
  if (!Array.isArray(stages) || stages.length === 0) {
    throw new ShapeError('stages', 'must list at least one { sampler, steps } stage, e.g. [{ sampler: langevin({ stepSize: 1e-3, noiseScale: 0 }), steps: 100 }].');
  }
  stages.forEach((stage, i) => {
    assertSampler(`stages[${i}].sampler`, stage.sampler);
    assertInteger(`stages[${i}].steps`, stage.steps, 1);
  });
  const n = x.shape[0]!;
  const keys = split(key, stages.length + 1);
  const energy = energyGivenInput(model, x, { count });
  let position = starts.sample(keys[0]!, x, count);
  stages.forEach(({ sampler, steps }, i) => {
    const { state, meanInfo } = runChain(sampler, sampler.init(position, energy, { check: false }), { energy, key: keys[i + 1]!, numSteps: steps });
    position.dispose();
    position = tf.clone(state.position);
    disposeState([state, meanInfo]);
  });
  return tf.tidy(() => {
    const energies = tf.reshape(energy(position), [n, count]);
    const best = tf.add(tf.argMin(energies, 1), tf.range(0, n * count, count, 'int32'));
    const result = { target: tf.gather(position, best), energy: tf.min(energies, 1) as tf.Tensor1D };
    position.dispose();
    return result;
  });
}
