import * as tf from '@tensorflow/tfjs';
import { type EnergyFn, type EnergyModel, type LossWithAux, type ObjectiveStep, assertBatch, energyAndGradient, variableGradients } from '@ebm/core';

/** Score matching keeps no state between minibatches. */
export type ScoreMatchingState = null;

/**
 * The input gradient `dE/dx` of every sample, flattened to `[N, D]` with `D` the product of the
 * event shape. Uses core's `energyAndGradient` (and so the energy's fast `valueAndGrad` when it
 * has one); the result is differentiable, so the score-matching losses take a second derivative
 * through it. The score is `s(x) = -dE/dx`.
 */
export function flatInputGradient(energy: EnergyFn, x: tf.Tensor): tf.Tensor2D {
  const n = x.shape[0]!;
  return tf.reshape(energyAndGradient(energy, x).gradient, [n, x.size / n]);
}

/** Checks a minibatch (rank >= 2, samples on axis 0) and returns its flattened dimension D. */
export function batchDim(batch: unknown): number {
  assertBatch('batch', batch, 2);
  return batch.size / batch.shape[0]!;
}

/**
 * One score-matching step: differentiates the scalar surrogate `loss()` with respect to
 * `model.variables` (core's `variableGradients`, inside `tf.tidy`) and returns the loss, the
 * gradients keyed by variable name and the metrics the loss returned as `aux` (device scalars, no
 * read), fresh tensors the caller owns, with the `null` state. Everything else `loss` creates is
 * disposed.
 *
 * A variable the loss does not depend on gets a zero gradient (the contract asks for one per
 * variable): score-matching losses see only `grad_x E`, so an energy's output bias drops out.
 */
export function scoreMatchingStep<A extends Record<string, tf.Scalar> = Record<string, never>>(
  model: EnergyModel,
  loss: () => LossWithAux<A>,
): ObjectiveStep<ScoreMatchingState> {
  const { value, grads, aux } = tf.tidy(() => variableGradients(loss, model.variables));
  return { loss: value, grads, state: null, metrics: aux };
}
