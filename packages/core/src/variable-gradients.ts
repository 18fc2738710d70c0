import * as tf from '@tensorflow/tfjs';

/**
 * `tf.variableGrads(loss, variables)` with a gradient for EVERY variable: a variable the loss
 * does not reach gets `zerosLike(variable)` instead of being left out, as the `Objective`
 * contract asks (an optimizer must always see the same variables in the same order). Score
 * matching never reaches an energy's output bias, for instance, since it only sees `grad_x E`.
 *
 * Call inside `tf.tidy`; the returned tensors are owned by that scope.
 */
export function variableGradients(
  loss: () => tf.Scalar,
  variables: readonly tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const { value, grads } = tf.variableGrads(loss, [...variables]);
  for (const variable of variables) grads[variable.name] ??= tf.zerosLike(variable);
  return { value, grads };
}
