import * as tf from '@tensorflow/tfjs';
import { guardTape } from './tape-guard.js';

/** What a differentiated loss function may return: the scalar loss, or the loss with auxiliary tensors. */
export type LossWithAux<A extends Record<string, tf.Tensor>> = tf.Scalar | { readonly loss: tf.Scalar; readonly aux: A };

/**
 * `tf.variableGrads(loss, variables)` with a gradient for EVERY variable: a variable the loss
 * does not reach gets `zerosLike(variable)` instead of being left out, as the `Objective`
 * contract asks (an optimizer must always see the same variables in the same order). Score
 * matching never reaches an energy's output bias, for instance, since it only sees `grad_x E`.
 *
 * The loss may also return auxiliary tensors computed on the way (after JAX's `has_aux`), e.g. an
 * objective's metrics: `() => ({ loss, aux: { accuracy, dataEnergy } })`. They come back in `aux`,
 * not differentiated and still on the device, so metrics cost no second forward pass and no read.
 *
 * Call inside `tf.tidy`; the returned tensors are owned by that scope. An exception thrown by the
 * loss (a model given rows of the wrong width) propagates and leaks no tensor.
 *
 * @example
 * const { value, grads, aux } = variableGradients(() => {
 *   const e = model.energy(batch);
 *   return { loss: tf.mean(e), aux: { meanEnergy: tf.mean(e) } };
 * }, model.variables);
 */
export function variableGradients<A extends Record<string, tf.Tensor> = Record<string, never>>(
  loss: () => LossWithAux<A>,
  variables: readonly tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap; aux: A } {
  let kept: Record<string, tf.Tensor> = {};
  // A loss that throws while the tape records would strand the tensors tfjs saved for the backward
  // pass: the guard holds its error until the backward pass has freed them.
  const guard = guardTape(
    () => {
      const out = loss();
      if (out instanceof tf.Tensor) return out;
      // tf.keep lifts the aux tensors out of variableGrads's scope (which frees everything else the
      // loss made); it also lifts them out of the caller's tidy, so they are cloned back below. Each
      // is kept as a clone, so an aux tensor that is the loss itself survives disposing the kept copy.
      kept = Object.fromEntries(Object.entries(out.aux).map(([name, t]) => [name, tf.keep(tf.clone(t))]));
      return out.loss;
    },
    // Connected to the variables (variableGrads refuses a loss that reaches none), so that the
    // backward pass runs.
    () => tf.mul(tf.addN([tf.scalar(0), ...variables.map((v) => tf.sum(v))]), 0),
  );
  let result: { value: tf.Scalar; grads: tf.NamedTensorMap };
  try {
    result = tf.variableGrads(guard.guarded, [...variables]);
  } catch (error) {
    // The kept aux tensors escaped every tidy.
    tf.dispose(Object.values(kept));
    throw error;
  }
  guard.throwIfFailed([result.value, result.grads, kept]);
  const { value, grads } = result;
  for (const variable of variables) grads[variable.name] ??= tf.zerosLike(variable);
  const aux = Object.fromEntries(Object.entries(kept).map(([name, t]) => [name, tf.clone(t)])) as A;
  tf.dispose(Object.values(kept));
  return { value, grads, aux };
}
