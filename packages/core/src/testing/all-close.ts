import type * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { ObjectiveStep } from '../types.js';

/**
 * Asserts that `actual` has the shape of `expected` and every entry within
 * `tolerance * max(1, max_i |expected_i|)` of it: float32 results of the same computation in
 * another order (a hand-written gradient against the tape's), relative to the largest entry.
 * Reads both tensors; disposes neither.
 *
 * @example
 * expectAllClose(model.parameterVjp(x).vjp(w)[name], tapeGrads[name], 1e-5);
 */
export function expectAllClose(actual: tf.Tensor, expected: tf.Tensor, tolerance = 1e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  const [a, e] = [actual.dataSync(), expected.dataSync()];
  const scale = Math.max(1, ...Array.from(e, Math.abs));
  a.forEach((v, i) => expect(Math.abs(v - e[i]!), `entry ${i}: ${v} against ${e[i]}`).toBeLessThanOrEqual(tolerance * scale));
}

/**
 * Asserts that two objective steps agree: the loss, a gradient under the same names and a metric
 * under the same names, each with {@link expectAllClose}. For an objective's two ways to the same
 * numbers (without a tape and through it) for the same keys. Disposes nothing.
 *
 * @example
 * expectSameObjectiveStep(objective.gradients(model, batch, state, key), objective.gradients(tapeOnly, batch, state, key));
 */
export function expectSameObjectiveStep(actual: ObjectiveStep<unknown>, expected: ObjectiveStep<unknown>, tolerance = 1e-5): void {
  expectAllClose(actual.loss, expected.loss, tolerance);
  for (const part of ['grads', 'metrics'] as const) {
    expect(Object.keys(actual[part]).sort()).toEqual(Object.keys(expected[part]).sort());
    for (const name of Object.keys(expected[part])) expectAllClose(actual[part][name]!, expected[part][name]!, tolerance);
  }
}
