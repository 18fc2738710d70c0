/**
 * Batches of (x, y) pairs as one packed tensor `[N, Dx + Dy]`, the layout every conditional
 * objective and core's `fit` see.
 */
import * as tf from '@tensorflow/tfjs';
import { type EnergyModel, InvalidArgumentError, ShapeError, assertBatch, assertEventShape, assertInteger } from '@ebm/core';
import type { ConditionalEnergyModel } from './types.js';

/** The product of a shape's dimensions (1 for `[]`). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Packs inputs `x` (`[N, ...inputShape]`) and targets `y` (`[N, ...targetShape]`) into one batch
 * of pairs, `[N, Dx + Dy]`: row i is `[flatten(x_i), flatten(y_i)]`. The inverse of
 * {@link unpackPairs}. The caller owns the result.
 *
 * @example
 * const pairs = packPairs(x, y); // x [512, 1], y [512, 1] -> [512, 2]; train with fit(model, objective, pairs, ...)
 */
export function packPairs(x: tf.Tensor, y: tf.Tensor): tf.Tensor2D {
  assertBatch('x', x);
  assertBatch('y', y);
  const n = x.shape[0]!;
  if (y.shape[0] !== n) {
    throw new ShapeError('y', `must have one row per row of x (${n}), got ${y.shape[0]}. Pass the targets of the same inputs.`);
  }
  return tf.tidy(() => tf.concat([tf.reshape(x, [n, -1]), tf.reshape(y, [n, -1])], 1) as tf.Tensor2D);
}

/**
 * Splits a packed batch `[N, Dx + Dy]` into `x` (`[N, ...inputShape]`) and `y`
 * (`[N, ...targetShape]`) by the model's shapes; a `ShapeError` names the batch when its width is
 * not `Dx + Dy`. The caller owns both tensors (call inside `tf.tidy`).
 *
 * @example
 * const { x, y } = unpackPairs(model, batch);
 */
export function unpackPairs(model: Pick<ConditionalEnergyModel, 'inputShape' | 'targetShape'>, batch: tf.Tensor): { x: tf.Tensor; y: tf.Tensor } {
  assertBatch('batch', batch, 2);
  const n = batch.shape[0]!;
  const [dx, dy] = [sizeOf(model.inputShape), sizeOf(model.targetShape)];
  if (batch.rank !== 2 || batch.shape[1] !== dx + dy) {
    throw new ShapeError(
      'batch',
      `must be packed pairs [N, ${dx + dy}] (${dx} input and ${dy} target columns, from packPairs(x, y)), got [${batch.shape.join(', ')}].`,
    );
  }
  return tf.tidy(() => ({
    x: tf.reshape(tf.slice(batch, [0, 0], [n, dx]), [n, ...model.inputShape]),
    y: tf.reshape(tf.slice(batch, [0, dx], [n, dy]), [n, ...model.targetShape]),
  }));
}

/**
 * Each row of `x` repeated `count` times in place: `[N * count, ...]` with row `i * count + j`
 * equal to `x_i`, the layout of chains in y for many inputs run as one batch (count chains per
 * input). Broadcast, not `tf.tile` (slow on wasm). The caller owns the result.
 *
 * @example
 * repeatRows(tf.tensor2d([[1], [2]]), 3); // [[1], [1], [1], [2], [2], [2]]
 */
export function repeatRows(x: tf.Tensor, count: number): tf.Tensor {
  assertInteger('count', count, 1);
  if (count === 1) return tf.clone(x);
  const [n, ...event] = x.shape;
  return tf.tidy(() => tf.reshape(tf.broadcastTo(tf.expandDims(x, 1), [n!, count, ...event]), [n! * count, ...event]));
}

/**
 * Checks that `model` is a {@link ConditionalEnergyModel} (a plain `EnergyModel` has no
 * `conditionalEnergy`, `inputShape` and `targetShape`) and returns it.
 */
export function assertConditionalModel(model: EnergyModel, argument = 'model'): ConditionalEnergyModel {
  const m = model as Partial<ConditionalEnergyModel>;
  if (typeof m?.conditionalEnergy !== 'function' || !Array.isArray(m.inputShape) || !Array.isArray(m.targetShape)) {
    throw new InvalidArgumentError(
      argument,
      'must be a conditional energy model { conditionalEnergy(x, y), inputShape, targetShape, energy, variables }, ' +
        'e.g. conditionalMlpEnergy({ inputShape: [1], targetShape: [1] }) or conditionalEnergyModel({ ... }).',
    );
  }
  return m as ConditionalEnergyModel;
}

/**
 * Checks a pair batch against a model's shapes: `x` `[N, ...inputShape]` and `y`
 * `[N, ...targetShape]` with the same N (a `ShapeError` naming the argument otherwise).
 */
export function assertPairs(model: Pick<ConditionalEnergyModel, 'inputShape' | 'targetShape'>, x: tf.Tensor, y: tf.Tensor): void {
  assertBatch('x', x, 2);
  assertEventShape('x', x, model.inputShape);
  assertBatch('y', y, 2);
  assertEventShape('y', y, model.targetShape);
  if (y.shape[0] !== x.shape[0]) {
    throw new ShapeError('y', `must have one row per row of x (${x.shape[0]}), got ${y.shape[0]}. Pass the targets of the same inputs.`);
  }
}
