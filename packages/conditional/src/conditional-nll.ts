/**
 * Exact evaluation of a conditional energy with low-dimensional targets: the log-partition
 * `A_x` by quadrature over y for each input (`@ebm/eval`'s 1-D and 2-D trapezoid rules), hence
 * the exact conditional test NLL.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, NonFiniteError, ShapeError, assertBatch } from '@ebm/core';
import type { Box2d } from '@ebm/core/math';
import { type Interval, type PointFunction, logPartition1d, logPartition2d } from '@ebm/eval';
import { energyGivenInput } from './given.js';
import { assertPairs, sizeOf } from './pairs.js';
import type { ConditionalEnergyModel } from './types.js';

/** Where and how finely to integrate over y: an interval for 1-D targets, a box for 2-D targets. */
export interface ConditionalQuadratureOptions {
  /** 1-D targets: `[lo, hi]`, holding essentially all of every `p(y | x)`'s mass. */
  readonly interval?: Interval;
  /** 2-D targets: `[[y1min, y1max], [y2min, y2max]]`. */
  readonly box?: Box2d;
  /** Cells per axis (default 256; even). */
  readonly grid?: number;
  /** Points per energy call (default 4096). */
  readonly chunkSize?: number;
}

/** What {@link conditionalLogPartition} returns. */
export interface ConditionalLogPartitionResult {
  /** `A_{x_i} = log int exp(-E(x_i, y)) dy` for each input, in float64. */
  readonly logPartition: Float64Array;
  /** The largest per-input quadrature error bound (discretisation + tail mass, as in `@ebm/eval`). */
  readonly errorBound: number;
  /** The largest per-input tail mass outside the interval or box, relative to the mass inside. */
  readonly tailMass: number;
}

/** What {@link conditionalNll} returns. */
export interface ConditionalNllResult {
  /** `-1/N sum_i log p(y_i | x_i) = 1/N sum_i [E(x_i, y_i) + A_{x_i}]`, nats per pair. */
  readonly nll: number;
  /** Monte Carlo standard error over the pairs, `sd_i(-log p(y_i | x_i)) / sqrt(N)`. */
  readonly standardError: number;
  /** `-log p(y_i | x_i)` of each pair. */
  readonly perPair: Float64Array;
  /** The quadrature behind it; its `errorBound` bounds the NLL's error from the `A_x`. */
  readonly partition: ConditionalLogPartitionResult;
}

/**
 * The log-partition of `p(y | x)` for each input row of `x`,
 *
 *   A_{x_i} = log int exp(-E(x_i, y)) dy,
 *
 * by `@ebm/eval`'s trapezoid rule over y (`logPartition1d` on `interval` for targets of shape
 * `[1]`, `logPartition2d` on `box` for `[2]`), one quadrature per input on
 * `energyGivenInput(model, x_i)`. Each comes with an error bound; the largest is reported.
 *
 * @example
 * const { logPartition, errorBound } = conditionalLogPartition(model, x, { interval: [-4, 4], grid: 512 });
 */
export function conditionalLogPartition(model: ConditionalEnergyModel, x: tf.Tensor, options: ConditionalQuadratureOptions): ConditionalLogPartitionResult {
  assertBatch('x', x, 2);
  const quadrature = quadratureFor(model, options);
  const n = x.shape[0]!;
  const logPartition = new Float64Array(n);
  let errorBound = 0;
  let tailMass = 0;
  for (let i = 0; i < n; i++) {
    const row = tf.slice(x, [i], [1]);
    try {
      const result = quadrature(energyGivenInput(model, row) as PointFunction);
      logPartition[i] = result.logZ;
      errorBound = Math.max(errorBound, result.errorBound);
      tailMass = Math.max(tailMass, result.tailMass);
    } finally {
      row.dispose();
    }
  }
  return { logPartition, errorBound, tailMass };
}

/**
 * The exact conditional test NLL of pairs `(x_i, y_i)`:
 *
 *   NLL = -1/N sum_i log p(y_i | x_i) = 1/N sum_i [ E(x_i, y_i) + A_{x_i} ],
 *
 * with each `A_x` in closed form when the model has one (`logPartition`: a Gaussian regression,
 * a classifier; the quadrature options are then unused and the error bound is 0), and by
 * {@link conditionalLogPartition} otherwise. Compare with the data's conditional NLL floor,
 * `-1/N sum_i log p_data(y_i | x_i)` on the same pairs.
 *
 * @example
 * const { nll, standardError } = conditionalNll(model, xTest, yTest, { interval: [-4, 4], grid: 512 });
 */
export function conditionalNll(model: ConditionalEnergyModel, x: tf.Tensor, y: tf.Tensor, options: ConditionalQuadratureOptions = {}): ConditionalNllResult {
  assertPairs(model, x, y);
  const partition = model.logPartition === undefined ? conditionalLogPartition(model, x, options) : closedFormLogPartition(model.logPartition, x);
  const energies = tf.tidy(() => model.conditionalEnergy(x, y).dataSync());
  const n = energies.length;
  const perPair = Float64Array.from(energies, (e, i) => e + partition.logPartition[i]!);
  perPair.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new NonFiniteError('model', `gives -log p(y | x) = ${v} for pair ${i}: E(x, y) is not finite there.`);
  });
  const nll = perPair.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? perPair.reduce((s, v) => s + (v - nll) ** 2, 0) / (n - 1) : 0;
  return { nll, standardError: Math.sqrt(variance / n), perPair, partition };
}

/** `A_x` of a model normalised in closed form, as a quadrature result with no error. */
function closedFormLogPartition(logPartition: (x: tf.Tensor) => tf.Tensor1D, x: tf.Tensor): ConditionalLogPartitionResult {
  const values = tf.tidy(() => logPartition(x).dataSync());
  return { logPartition: Float64Array.from(values), errorBound: 0, tailMass: 0 };
}

/** The 1-D or 2-D quadrature the target shape calls for, with its options checked. */
function quadratureFor(model: ConditionalEnergyModel, options: ConditionalQuadratureOptions) {
  const dim = sizeOf(model.targetShape);
  const { interval, box, grid, chunkSize } = options ?? {};
  if (dim === 1) {
    if (interval === undefined) throw new InvalidArgumentError('interval', 'is required for 1-D targets: the range of y to integrate over, e.g. [-4, 4].');
    return (energy: PointFunction) => logPartition1d(energy, { interval, grid, chunkSize });
  }
  if (dim === 2) {
    if (box === undefined) throw new InvalidArgumentError('box', 'is required for 2-D targets: the box of y to integrate over, e.g. [[-3, 3], [-3, 3]].');
    return (energy: PointFunction) => logPartition2d(energy, { box, grid, chunkSize });
  }
  throw new ShapeError('model', `has targets of ${dim} dimensions; exact evaluation by quadrature covers 1-D and 2-D targets.`);
}
