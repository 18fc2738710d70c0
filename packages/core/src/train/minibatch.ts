import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import { type Key, foldIn } from '../key.js';
import { permutation } from '../random.js';
import { assertBatch, assertInteger } from '../validate.js';

/** Minibatches of a data set, drawn by a key: see {@link minibatches}. */
export interface Minibatches {
  /** Number of rows N of the data set. */
  readonly numRows: number;
  readonly batchSize: number;
  /** Full batches per epoch, `floor(N / batchSize)`; the last `N mod batchSize` rows of each shuffle are skipped. */
  readonly stepsPerEpoch: number;
  /** Epoch (0-based) that global step `step` belongs to: `floor(step / stepsPerEpoch)`. */
  epochOf(step: number): number;
  /** Row indices of minibatch `step` (0-based, counted across epochs). */
  indices(step: number): Int32Array;
  /** The rows of minibatch `step`, `[batchSize, ...event]`. The caller disposes it. */
  batch(step: number): tf.Tensor;
}

/**
 * Shuffled minibatches without replacement, fully determined by `(key, step)`:
 *
 *   epoch e = floor(step / S),  perm_e = permutation(foldIn(key, e), N),
 *   batch(step) = data[perm_e[i B .. (i + 1) B)],  i = step mod S,  S = floor(N / B).
 *
 * Every row appears at most once per epoch (exactly once when B divides N). Because a batch
 * depends only on the key and the step index, a resumed run draws the same batches as an
 * uninterrupted one. The last epoch's permutation is cached, so a step costs one `tf.gather`.
 *
 * @example
 * const batches = minibatches(data, { key: prngKey(0), batchSize: 128 });
 * const x = batches.batch(0); // [128, D]
 */
export function minibatches(data: tf.Tensor, options: { readonly key: Key; readonly batchSize: number }): Minibatches {
  const { key, batchSize } = options;
  assertBatch('data', data, 1);
  const numRows = data.shape[0]!;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > numRows) {
    throw new InvalidArgumentError(
      'batchSize',
      `must be an integer in [1, N = ${numRows}] (the number of data rows), got ${String(batchSize)}. ` +
        'Use a smaller batch or more data.',
    );
  }
  const stepsPerEpoch = Math.floor(numRows / batchSize);
  let cachedEpoch = -1;
  let cachedPermutation: Int32Array = new Int32Array(0);

  const epochOf = (step: number): number => Math.floor(step / stepsPerEpoch);
  const indices = (step: number): Int32Array => {
    assertInteger('step', step, 0);
    const epoch = epochOf(step);
    if (epoch !== cachedEpoch) {
      cachedPermutation = permutation(foldIn(key, epoch), numRows);
      cachedEpoch = epoch;
    }
    const start = (step - epoch * stepsPerEpoch) * batchSize;
    return cachedPermutation.slice(start, start + batchSize);
  };
  const batch = (step: number): tf.Tensor =>
    tf.tidy(() => tf.gather(data, tf.tensor1d(indices(step), 'int32')));

  return { numRows, batchSize, stepsPerEpoch, epochOf, indices, batch };
}
