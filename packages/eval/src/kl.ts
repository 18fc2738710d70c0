/**
 * KL(data || model) for a 2-D energy when the data density is known in closed form.
 */
import * as tf from '@tensorflow/tfjs';
import { NonFiniteError, assertBatch, assertEnergyShape, assertEventShape } from '@ebm/core';
import { type Box2d, checkBox2d } from '@ebm/core/math';
import { type GridOptions, type PointFunction, checkChunkSize, checkGrid, energyFunction, forEachChunk } from './lattice.js';
import { type LogPartition2dResult, PartitionAccumulator, TrapezoidLattice, logPartition2d } from './log-partition.js';
import { meanEnergy } from './nll.js';

/** Options of {@link kl2d}: the grid, and optionally data samples for a Monte Carlo estimate. */
export interface Kl2dOptions extends GridOptions {
  /**
   * Samples from the data density, `[N, 2]`: estimate the KL by Monte Carlo over them instead of
   * by quadrature (log Z still comes from quadrature on `box`).
   */
  readonly samples?: tf.Tensor;
  /** With `samples`: a {@link logPartition2d} result for this energy to reuse instead of integrating again. */
  readonly partition?: LogPartition2dResult;
}

/** What {@link kl2d} returns. */
export interface Kl2dResult {
  /** `KL(p || q)` in nats. */
  readonly kl: number;
  /** `'quadrature'` (trapezoid on the box) or `'monte-carlo'` (mean over `samples`). */
  readonly method: 'quadrature' | 'monte-carlo';
  /**
   * Quadrature: `|KL(h) - KL(2h)| + dataMass log(1 + tailMass)`, with the model's tail mass (the same caveats as
   * {@link LogPartition2dResult.errorBound}). Monte Carlo: the log Z error bound alone.
   */
  readonly errorBound: number;
  /** Monte Carlo standard error `sd / sqrt(N)` over iid samples; 0 for quadrature. */
  readonly standardError: number;
  /** Quadrature: `int_box p(x) dx`, which should be ~1 (the box must hold the data); Monte Carlo: 1. */
  readonly dataMass: number;
  /** The model's log Z quadrature. */
  readonly partition: LogPartition2dResult;
  /** The box used. */
  readonly box: Box2d;
}

/**
 * `KL(p || q) = int p(x) [log p(x) - log q(x)] dx` with `q(x) = exp(-E(x)) / Z`, i.e.
 * `int p (log p + E) dx + log Z`, by the trapezoid rule on the box's `(grid + 1)^2` nodes (the
 * energy and `logDensity` evaluated once per node, chunk by chunk; `0 log 0 = 0` where `p = 0`),
 * or, when `samples` from `p` are given, by Monte Carlo: `mean_i [log p(x_i) + E(x_i)] + log Z`.
 * `logDensity` is the data's normalised log-density (e.g. `toyDatasets.checkerboard.logDensity`).
 *
 * KL = NLL - entropy, so a perfect model gives 0.
 *
 * @example
 * const data = toyDatasets['8gaussians'];
 * const { kl } = kl2d(model.energy, data.logDensity!, { box: data.box, grid: 256 });
 */
export function kl2d(energy: PointFunction, logDensity: PointFunction, options: Kl2dOptions): Kl2dResult {
  const box = checkBox2d(options.box);
  const chunkSize = checkChunkSize(options.chunkSize);
  if (options.samples !== undefined) return monteCarloKl(energy, logDensity, options.samples, options, chunkSize);

  const lattice = new TrapezoidLattice(box, checkGrid(options.grid, true));
  const partition = new PartitionAccumulator(lattice);
  // Fine and coarse sums of w p, w p log p and w p E.
  const fine = { mass: 0, plogp: 0, pE: 0 };
  const coarse = { mass: 0, plogp: 0, pE: 0 };
  const densityFunction = { fn: logDensity, name: 'logDensity', forbidden: Infinity };
  forEachChunk([energyFunction(energy), densityFunction], [lattice.xs, lattice.ys], chunkSize, ([energies, logps], start) => {
    for (let t = 0; t < energies!.length; t++) {
      const [i, j] = lattice.position(start + t);
      const e = energies![t]!;
      const logp = logps![t]!;
      partition.add(i, j, e);
      if (logp === -Infinity) continue;
      const p = Math.exp(logp);
      for (const [sums, w] of [
        [fine, lattice.fineWeight(i, j)],
        [coarse, lattice.coarseWeight(i, j)],
      ] as const) {
        // Nodes off the coarse lattice have weight 0: skip them, or an infinite energy gives 0 * Infinity = NaN.
        if (w === 0) continue;
        sums.mass += w * p;
        sums.plogp += w * p * logp;
        sums.pE += w * p * e;
      }
    }
  });
  const result = partition.result();
  const kl = fine.plogp + fine.pE + fine.mass * result.logZ;
  const klCoarse = coarse.plogp + coarse.pE + coarse.mass * partition.coarseLogZ();
  return {
    kl,
    method: 'quadrature',
    // Both lattices infinite (the model has zero density where the data has mass): KL = Infinity exactly, not Infinity - Infinity.
    errorBound: (kl === klCoarse ? 0 : Math.abs(kl - klCoarse)) + fine.mass * Math.log1p(result.tailMass),
    standardError: 0,
    dataMass: fine.mass,
    partition: result,
    box,
  };
}

function monteCarloKl(
  energy: PointFunction,
  logDensity: PointFunction,
  samples: tf.Tensor,
  options: Kl2dOptions,
  chunkSize: number,
): Kl2dResult {
  assertBatch('samples', samples, 2);
  assertEventShape('samples', samples, [2]);
  const partition = options.partition ?? logPartition2d(energy, options);
  // log p(x) + E(x) per sample, as one point function, so its mean and sd come in one pass. log p is
  // checked first: samples of p have finite log p, and meanEnergy would blame a bad value on the energy
  // (or, for +Infinity, pass it on as KL = Infinity).
  const logRatio = (x: tf.Tensor2D): tf.Tensor1D =>
    tf.tidy(() => {
      const logp = logDensity(x);
      assertEnergyShape(logp, x.shape[0]);
      if (tf.any(tf.logicalNot(tf.isFinite(logp))).dataSync()[0]) {
        throw new NonFiniteError(
          'logDensity',
          'is NaN or infinite at one of the samples: pass the normalised log-density of the distribution the samples are drawn from.',
        );
      }
      return tf.add(logp, energy(x)) as tf.Tensor1D;
    });
  const { mean, sd, n } = meanEnergy(logRatio, samples, chunkSize);
  return {
    kl: mean + partition.logZ,
    method: 'monte-carlo',
    errorBound: partition.errorBound,
    standardError: sd / Math.sqrt(n),
    dataMass: 1,
    partition,
    box: partition.box,
  };
}
