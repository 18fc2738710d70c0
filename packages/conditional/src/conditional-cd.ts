import * as tf from '@tensorflow/tfjs';
import {
  type ChainState,
  type EnergyModel,
  InvalidArgumentError,
  type Key,
  type Objective,
  type ObjectiveStep,
  type Sampler,
  type StepInfo,
  assertInteger,
  assertNonNegative,
  assertOneOf,
  assertSampler,
  contrastiveGradients,
  runChain,
  split,
} from '@ebm/core';
import { assertConditionalDistribution } from './distributions.js';
import { energyGivenInput } from './given.js';
import { assertConditionalModel, packPairs, repeatRows, unpackPairs } from './pairs.js';
import type { ConditionalDistribution } from './types.js';

/** Where the chains in y start: at the data's targets, or at noise drawn given each input. */
export type ConditionalChainStart = 'data' | 'noise';
/** Every accepted `start` value (what `assertOneOf` checks against). */
export const CONDITIONAL_CHAIN_STARTS: readonly ConditionalChainStart[] = ['data', 'noise'];

/** Options of {@link conditionalContrastiveDivergence}. */
export interface ConditionalContrastiveDivergenceOptions<S extends ChainState = ChainState, I extends StepInfo = StepInfo> {
  /** Any core sampler; it runs on y with x held fixed (`energyGivenInput`). */
  readonly sampler: Sampler<S, I>;
  /** Sampler steps per training step (default 20). */
  readonly k?: number;
  /** Chains per input (default 1): the negatives are `count` targets per data pair. */
  readonly count?: number;
  /** Where the chains start (default `'data'`: at `y_i`, CD-k; `'noise'`: at draws of `noise` given `x_i`). */
  readonly start?: ConditionalChainStart;
  /** The start distribution `q(y | x)` for `start: 'noise'`. */
  readonly noise?: ConditionalDistribution;
  /** Weight of the energy regulariser `alpha (mean E(x, y+)^2 + mean E(x, y-)^2)` (default 0). */
  readonly alpha?: number;
}

/**
 * Conditional contrastive divergence: the maximum-likelihood gradient of `p(y | x) = exp(-E(x,
 * y) - A_x)` with the model expectation in y estimated by MCMC for each input,
 *
 *   grad_theta NLL = 1/N sum_i [ grad_theta E(x_i, y_i) - E_{p(y | x_i)} grad_theta E(x_i, y) ]
 *                 ~= mean_i grad_theta E(x_i, y+_i) - mean_{i,j} grad_theta E(x_i, y-_ij),
 *
 * where the negatives `y-_ij` (j = 1..count) are `k` sampler steps in y from `y_i` (`start:
 * 'data'`) or from `q(y | x_i)` (`'noise'`), all `N * count` chains as one batch on
 * `energyGivenInput(model, x, { count })`. The chains run with core's `runChain` outside the
 * gradient tape; then the surrogate
 *
 *   L = mean E(x, y+) - mean E(x, y-) + alpha (mean E(x, y+)^2 + mean E(x, y-)^2)
 *
 * is differentiated with the negatives held constant (core's `contrastiveGradients`, on packed
 * pairs: without a tape for a model with `parameterVjp`, such as `conditionalMlpEnergy`). No state: the inputs change every batch,
 * so chains do not persist (`null`). Metrics (device scalars): `positiveEnergy`,
 * `negativeEnergy`, `energyGap` and the sampler's mean `acceptanceRate` when it reports one.
 *
 * @example
 * const objective = conditionalContrastiveDivergence({ sampler: mala({ stepSize: 0.02 }), k: 20, count: 4 });
 */
export function conditionalContrastiveDivergence<S extends ChainState, I extends StepInfo>(
  options: ConditionalContrastiveDivergenceOptions<S, I>,
): Objective<null> {
  const { sampler, noise } = options ?? ({} as ConditionalContrastiveDivergenceOptions<S, I>);
  assertSampler('sampler', sampler);
  const k = options.k ?? 20;
  assertInteger('k', k, 1);
  const count = options.count ?? 1;
  assertInteger('count', count, 1);
  const start = options.start ?? 'data';
  assertOneOf('start', start, CONDITIONAL_CHAIN_STARTS);
  if (start === 'noise') {
    if (noise === undefined) throw new InvalidArgumentError('noise', "is required with start: 'noise' (the distribution q(y | x) chains start from).");
    assertConditionalDistribution('noise', noise);
  }
  const alpha = options.alpha ?? 0;
  assertNonNegative('alpha', alpha);

  return {
    name: `conditional-cd(${start}, k=${k}, ${sampler.name})`,
    init: () => null,
    gradients(model: EnergyModel, batch: tf.Tensor, _state: null, key: Key): ObjectiveStep<null> {
      const m = assertConditionalModel(model);
      if (noise !== undefined) assertConditionalDistribution('noise', noise, m.targetShape);
      const [startKey, chainKey] = split(key, 2) as [Key, Key];
      const { loss, grads, metrics } = tf.tidy(() => {
        const { x, y } = unpackPairs(m, batch);
        const inputs = repeatRows(x, count);
        const energy = energyGivenInput(m, x, { count });
        const first = start === 'data' ? repeatRows(y, count) : noise!.sample(startKey, x, count);
        // No start check (a device read): a non-finite start makes the loss non-finite, which fit's read catches.
        const { state: last, meanInfo } = runChain(sampler, sampler.init(first, energy, { check: false }), { energy, key: chainKey, numSteps: k });
        const negatives = last.position;
        // Positives and negatives as packed pairs, the rows of the model's `energy`: a model with
        // `parameterVjp` (the conditional MLP) trains without a tape.
        const { value, grads: g, metrics: energies } = contrastiveGradients(m, batch, packPairs(inputs, negatives), alpha);
        const samplerMetrics: Record<string, tf.Scalar> = meanInfo.acceptanceRate === undefined ? {} : { acceptanceRate: meanInfo.acceptanceRate };
        return { loss: value, grads: g, metrics: { ...energies, ...samplerMetrics } };
      });
      return { loss, grads, state: null, metrics };
    },
  };
}
