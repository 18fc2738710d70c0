import * as tf from '@tensorflow/tfjs';
import { type EnergyFn, InvalidArgumentError, assertEnergyShape, assertInteger } from '@ebm/core';
import { assertPairs, unpackPairs } from './pairs.js';
import type { ConditionalEnergyFn, ConditionalEnergyModel } from './types.js';

/** Options of {@link conditionalEnergyModel}. */
export interface ConditionalEnergyModelOptions {
  /** `E(x, y)` on unpacked pairs: `x` `[N, ...inputShape]`, `y` `[N, ...targetShape]` -> `[N]`. */
  readonly energy: ConditionalEnergyFn;
  /** The variables `energy` reads, in a fixed order with unique names. */
  readonly variables: readonly tf.Variable[];
  readonly inputShape: readonly number[];
  readonly targetShape: readonly number[];
  /** The exact log-partition `A_x`, when the model is normalised in closed form. */
  readonly logPartition?: (x: tf.Tensor) => tf.Tensor1D;
}

/** Checks every dimension of a per-sample shape (a positive integer) and returns a copy. */
export function checkShape(argument: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new InvalidArgumentError(argument, `must be a per-sample shape such as [1] or [8, 8], got ${JSON.stringify(shape)}.`);
  shape.forEach((d, i) => assertInteger(`${argument}[${i}]`, d));
  return [...shape];
}

/**
 * Any conditional energy `E(x, y)` as a {@link ConditionalEnergyModel}: its `energy` takes packed
 * pairs `[N, Dx + Dy]` (see `packPairs`), splits them by the shapes and calls `energy(x, y)`, so
 * core's `fit`, checkpoints and samplers accept the model as an `EnergyModel`.
 *
 * @example
 * // p(y | x) = N(y; w x + b, 1 / a): E(x, y) = a / 2 (y - w x - b)^2
 * const [a, w, b] = [tf.variable(tf.scalar(1)), tf.variable(tf.scalar(0)), tf.variable(tf.scalar(0))];
 * const model = conditionalEnergyModel({
 *   energy: (x, y) => tf.mul(tf.mul(0.5, a), tf.square(tf.sub(tf.squeeze(y, [1]), tf.add(tf.mul(w, tf.squeeze(x, [1])), b)))),
 *   variables: [a, w, b], inputShape: [1], targetShape: [1],
 * });
 */
export function conditionalEnergyModel(options: ConditionalEnergyModelOptions): ConditionalEnergyModel {
  const { energy, variables, logPartition } = options;
  if (typeof energy !== 'function') throw new InvalidArgumentError('energy', 'must be a function (x, y) => energies [N].');
  const inputShape = checkShape('inputShape', options.inputShape);
  const targetShape = checkShape('targetShape', options.targetShape);
  const shapes = { inputShape, targetShape };
  const conditionalEnergy: ConditionalEnergyFn = (x, y) =>
    tf.tidy(() => {
      assertPairs(shapes, x, y);
      const e = energy(x, y);
      assertEnergyShape(e, x.shape[0]!);
      return e;
    });
  const packed: EnergyFn = (batch) =>
    tf.tidy(() => {
      const { x, y } = unpackPairs(shapes, batch);
      return conditionalEnergy(x, y);
    });
  return { energy: packed, variables: [...variables], conditionalEnergy, inputShape, targetShape, ...(logPartition === undefined ? {} : { logPartition }) };
}
