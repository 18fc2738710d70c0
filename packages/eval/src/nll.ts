/**
 * Exact test negative log-likelihood of a 2-D energy model.
 */
import * as tf from '@tensorflow/tfjs';
import { NonFiniteError, assertBatch, assertEnergyShape, assertEventShape } from '@ebm/core';
import { type GridOptions, type PointFunction, checkChunkSize } from './lattice.js';
import { type LogPartition2dResult, logPartition2d } from './log-partition.js';

/** Options of {@link nll2d}: the grid, or a log Z quadrature to reuse. */
export interface Nll2dOptions extends GridOptions {
  /** A {@link logPartition2d} result for this energy to reuse instead of integrating again. */
  readonly partition?: LogPartition2dResult;
}

/** What {@link nll2d} returns. */
export interface Nll2dResult {
  /** `mean_i E(x_i) + log Z`, nats per sample. */
  readonly nll: number;
  /** Monte Carlo standard error of the mean over the data, `sd(E(x_i)) / sqrt(N)` (the data are iid). */
  readonly standardError: number;
  /** `mean_i E(x_i)`. */
  readonly meanEnergy: number;
  /** The quadrature behind `log Z`; its `errorBound` bounds the error of `nll` from log Z. */
  readonly partition: LogPartition2dResult;
}

/**
 * Mean and standard deviation of the energy over the rows of `data` (`[N, 2]`), in float64,
 * `chunkSize` rows per energy call. NaN or -Infinity energies throw a NonFiniteError.
 */
export function meanEnergy(energy: PointFunction, data: tf.Tensor, chunkSize: number): { mean: number; sd: number; n: number } {
  const n = data.shape[0]!;
  let sum = 0;
  let sumSq = 0;
  for (let start = 0; start < n; start += chunkSize) {
    const count = Math.min(chunkSize, n - start);
    const values = tf.tidy(() => {
      const e = energy(tf.slice(data, [start, 0], [count, 2]) as tf.Tensor2D);
      assertEnergyShape(e, count);
      return e.dataSync();
    });
    for (const v of values) {
      if (Number.isNaN(v) || v === -Infinity) {
        throw new NonFiniteError('energy', `is ${v} on a row of data: the model's density there is undefined or infinite.`);
      }
      sum += v;
      sumSq += v * v;
    }
  }
  const mean = sum / n;
  const sd = n > 1 ? Math.sqrt(Math.max(sumSq / n - mean * mean, 0) * (n / (n - 1))) : 0;
  return { mean, sd, n };
}

/**
 * The exact test NLL of the model `p(x) = exp(-E(x)) / Z` on `data`:
 *
 *   NLL = -(1/N) sum_i log p(x_i) = (1/N) sum_i E(x_i) + log Z,
 *
 * with `log Z` by {@link logPartition2d} on `box` (or the `partition` passed in). Compare with the
 * data set's entropy, the lowest NLL any model can reach in expectation.
 *
 * @example
 * const test = toyDatasets['8gaussians'].sample(prngKey(1), 5000);
 * const { nll, standardError } = nll2d(model.energy, test, { box: [[-4.5, 4.5], [-4.5, 4.5]] });
 */
export function nll2d(energy: PointFunction, data: tf.Tensor, options: Nll2dOptions): Nll2dResult {
  assertBatch('data', data, 2);
  assertEventShape('data', data, [2]);
  const partition = options.partition ?? logPartition2d(energy, options);
  const { mean, sd, n } = meanEnergy(energy, data, checkChunkSize(options.chunkSize));
  return { nll: mean + partition.logZ, standardError: sd / Math.sqrt(n), meanEnergy: mean, partition };
}
