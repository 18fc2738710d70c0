import * as tf from '@tensorflow/tfjs';
import { type EnergyModel, InvalidArgumentError, type Key, type Objective, type ObjectiveStep, assertBatch, variableGradients } from '@ebm/core';
import type { Flow } from './flow.js';

/** The state of {@link flowMaximumLikelihood}: nothing (an empty record, new at every step). */
export type FlowMaximumLikelihoodState = Readonly<Record<string, never>>;

/** `model` must be a {@link Flow}: a normalised model with an exact `logProb`. */
export function assertFlow(argument: string, model: unknown): asserts model is Flow {
  const candidate = model as Partial<Flow> | null | undefined;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.logProb !== 'function' ||
    typeof candidate.sampleAndLogProb !== 'function' ||
    typeof candidate.withVariables !== 'function' ||
    !Array.isArray(candidate.variables)
  ) {
    throw new InvalidArgumentError(
      argument,
      'must be a normalizing flow from @ebm/flows (realNvp(...) or normalizingFlow({ layers })): maximum likelihood needs the ' +
        'exact log-density logProb(x), which an energy model does not have (its log Z is unknown). Train energies with nce, cd or fce.',
    );
  }
}

/**
 * Maximum likelihood for a normalizing flow: the model IS the flow (`fit(flow, flowMaximumLikelihood(), data, ...)`),
 * and the loss is the negative mean log-likelihood of the batch,
 *
 *   L = -1/N sum_i log q(x_i) = 1/N sum_i E(x_i),
 *
 * exact because a flow is normalised (for an energy model the same loss would push log Z up
 * without bound, so any other model is rejected). Metrics: `logLikelihood`, the mean `log q(x_i)`
 * (on the device). The state is empty.
 *
 * @example
 * const flow = realNvp({ dim: 2, key: prngKey(1) });
 * const { losses } = await fit(flow, flowMaximumLikelihood(), data, { optimizer: tf.train.adam(1e-3), steps: 2000, key: prngKey(2) });
 */
export function flowMaximumLikelihood(): Objective<FlowMaximumLikelihoodState> {
  return {
    name: 'flow-mle',
    init: () => ({}),
    gradients(model: EnergyModel, batch: tf.Tensor, _state: FlowMaximumLikelihoodState, _key: Key): ObjectiveStep<FlowMaximumLikelihoodState> {
      assertFlow('model', model);
      assertBatch('batch', batch, 2);
      const { loss, grads, logLikelihood } = tf.tidy(() => {
        const { value, grads: g, aux } = variableGradients(() => {
          const meanLogQ = tf.mean(model.logProb(batch)) as tf.Scalar;
          return { loss: tf.neg(meanLogQ), aux: { logLikelihood: meanLogQ } };
        }, model.variables);
        return { loss: value, grads: g, logLikelihood: aux.logLikelihood };
      });
      return { loss, grads, state: {}, metrics: { logLikelihood } };
    },
  };
}
