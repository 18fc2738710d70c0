import * as tf from '@tensorflow/tfjs';
import { checkMask } from './validate.js';

/** A coupling layer's split of the D coordinates into those it conditions on and those it transforms. */
export interface CoordinateSplit {
  /** How many coordinates are conditioned on (mask 1) and passed through. */
  readonly conditioned: number;
  /** How many coordinates are transformed (mask 0). */
  readonly transformed: number;
  /** `x` `[N, D]` -> `[x_c, x_t]`, `[N, conditioned]` and `[N, transformed]`, each in coordinate order. */
  split(x: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D];
  /** The inverse of `split`: the rows with `x_c` and `y_t` back in their coordinates. */
  merge(conditioned: tf.Tensor2D, transformed: tf.Tensor2D): tf.Tensor2D;
}

/**
 * The split of a coupling's `mask` (1 = conditioned on, 0 = transformed; checked), done with
 * constant 0/1 selection matrices, `x_c = x S_c`, `x_t = x S_t`, `y = x_c S_c^T + y_t S_t^T`:
 * a matMul each (differentiable, fast on every backend), so a layer computes its conditioner and
 * its transform only for the coordinates that need them. Call inside `tf.tidy`.
 */
export function coordinateSplit(mask: readonly number[], dim: number): CoordinateSplit {
  const checked = checkMask(mask, dim);
  const indices = (value: number) => checked.flatMap((m, i) => (m === value ? [i] : []));
  const [conditionedIndices, transformedIndices] = [indices(1), indices(0)];
  /** `S` `[D, k]`, `S[i][j] = 1` when coordinate i is the j-th selected one. */
  const selection = (selected: readonly number[]): number[][] => checked.map((_, i) => selected.map((s) => (s === i ? 1 : 0)));
  const [conditionedRows, transformedRows] = [selection(conditionedIndices), selection(transformedIndices)];
  return {
    conditioned: conditionedIndices.length,
    transformed: transformedIndices.length,
    split: (x) => [tf.matMul(x, tf.tensor2d(conditionedRows)), tf.matMul(x, tf.tensor2d(transformedRows))],
    merge: (conditioned, transformed) =>
      tf.add(tf.matMul(conditioned, tf.transpose(tf.tensor2d(conditionedRows))), tf.matMul(transformed, tf.transpose(tf.tensor2d(transformedRows)))),
  };
}
