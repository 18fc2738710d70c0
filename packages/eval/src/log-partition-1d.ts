/**
 * log Z of a 1-D energy by trapezoid quadrature on an interval, with an error estimate: the
 * building block of exact conditional evaluation, `A_x = log int exp(-E(x, y)) dy` per input x.
 */
import { InvalidArgumentError } from '@ebm/core';
import { LogSumExp } from '@ebm/core/math';
import { type PointFunction, arithmetic, checkChunkSize, checkGrid, energyFunction, forEachChunk, trapezoidWeight } from './lattice.js';

/** An interval `[lo, hi]` of the real line with `lo < hi`. */
export type Interval = readonly [number, number];

/** Options of {@link logPartition1d}. */
export interface LogPartition1dOptions {
  /** The integration interval `[lo, hi]`; it should hold essentially all of the model's mass. */
  readonly interval: Interval;
  /** Cells (default 256; even: the error estimate compares with the grid/2 lattice). */
  readonly grid?: number;
  /** Points per energy call (default 4096); the energy sees `[chunkSize, 1]` batches. */
  readonly chunkSize?: number;
}

/** What {@link logPartition1d} returns; every quantity is in nats unless it says otherwise. */
export interface LogPartition1dResult {
  /** `log Z_interval`, the trapezoid estimate of `log int_lo^hi exp(-E(y)) dy`. */
  readonly logZ: number;
  readonly interval: Interval;
  readonly grid: number;
  /** `|logZ(grid) - logZ(grid / 2)|`, the change when the cell size doubles. */
  readonly discretizationError: number;
  /** Estimated mass outside the interval relative to the mass inside; `Infinity` when the density does not fall at an end. */
  readonly tailMass: number;
  /** `discretizationError + log(1 + tailMass)`: the bound on `|log Z - logZ|` under the stated assumptions. */
  readonly errorBound: number;
  /** The larger normalised density `exp(-E(y) - logZ)` at the two ends. */
  readonly boundaryDensity: number;
}

/** Checks that `interval` is `[lo, hi]` of finite numbers with `lo < hi` and returns it. */
export function checkInterval(interval: Interval, argument = 'interval'): [number, number] {
  const ok = Array.isArray(interval) && interval.length === 2 && interval.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!ok || !(interval[0] < interval[1])) {
    throw new InvalidArgumentError(argument, `must be [lo, hi] with finite numbers and lo < hi, got ${JSON.stringify(interval)}.`);
  }
  return [interval[0], interval[1]];
}

/**
 * `log Z = log int exp(-E(y)) dy` of a 1-D energy (`energy` receives `[N, 1]` batches) by the
 * trapezoid rule on the `grid + 1` nodes of `interval`, summed in float64 with a running
 * log-sum-exp, `chunkSize` energies per call.
 *
 * Error estimate (`errorBound`), as in `logPartition2d`:
 * - `discretizationError = |logZ(h) - logZ(2h)|` (every other node): for a smooth integrand the
 *   trapezoid error is `c h^2 + ...`, so this overstates the fine estimate's error about threefold;
 * - `tailMass`: the density at each end, `d0`, and its ratio `rho` to the density one node inside
 *   are assumed to continue outward geometrically, so each end adds at most `d0 h rho / (1 - rho)`
 *   (relative to the mass inside); `Infinity` when the density is not falling at an end.
 *
 * @example
 * const { logZ, errorBound } = logPartition1d((y) => tf.mul(0.5, tf.squeeze(tf.square(y), [1])), { interval: [-8, 8], grid: 128 });
 * // logZ ~ log sqrt(2 pi) = 0.9189
 */
export function logPartition1d(energy: PointFunction, options: LogPartition1dOptions): LogPartition1dResult {
  const interval = checkInterval(options.interval);
  const grid = checkGrid(options.grid, true);
  const h = (interval[1] - interval[0]) / grid;
  const nodes = arithmetic(interval[0], h, grid + 1);
  const fine = new LogSumExp();
  const coarse = new LogSumExp();
  // -E at the two ends and one node inside each end.
  const ends = { first: -Infinity, second: -Infinity, last: -Infinity, beforeLast: -Infinity };
  forEachChunk([energyFunction(energy)], [nodes], checkChunkSize(options.chunkSize), ([energies], start) => {
    energies!.forEach((e, t) => {
      const k = start + t;
      fine.add(-e, trapezoidWeight(k, grid) * h);
      if (k % 2 === 0) coarse.add(-e, trapezoidWeight(k / 2, grid / 2) * 2 * h);
      if (k === 0) ends.first = -e;
      if (k === 1) ends.second = -e;
      if (k === grid - 1) ends.beforeLast = -e;
      if (k === grid) ends.last = -e;
    });
  });
  const logZ = fine.value();
  if (logZ === -Infinity) {
    throw new InvalidArgumentError('interval', 'holds no mass: the energy is +Infinity at every node. Move or widen the interval.');
  }
  const discretizationError = Math.abs(logZ - coarse.value());
  const tail = (edge: number, inner: number): number => {
    const d0 = Math.exp(edge - logZ);
    if (d0 === 0) return 0;
    const rho = Math.exp(edge - inner);
    return rho < 1 ? (d0 * h * rho) / (1 - rho) : Infinity;
  };
  const tailMass = tail(ends.first, ends.second) + tail(ends.last, ends.beforeLast);
  return {
    logZ,
    interval,
    grid,
    discretizationError,
    tailMass,
    errorBound: discretizationError + Math.log1p(tailMass),
    boundaryDensity: Math.exp(Math.max(ends.first, ends.last) - logZ),
  };
}
