/**
 * The conditional density `p(y | x)` of a model with 1-D inputs and 1-D targets on a grid over
 * (x, y), each column normalised over y: the picture of a conditional EBM.
 */
import { InvalidArgumentError } from '@ebm/core';
import { type Box2d, LogSumExp } from '@ebm/core/math';
import { type DensityGrid, type Interval, checkInterval, densityGrid } from '@ebm/eval';
import { sizeOf } from './pairs.js';
import type { ConditionalEnergyModel } from './types.js';

/** Options of {@link conditionalDensityGrid}. */
export interface ConditionalDensityGridOptions {
  /** The range of x (columns). */
  readonly inputInterval: Interval;
  /** The range of y (rows); it should hold essentially all of each `p(y | x)`. */
  readonly targetInterval: Interval;
  /** Cells per axis (default 256). */
  readonly grid?: number;
  /** Points per energy call (default 4096). */
  readonly chunkSize?: number;
}

/**
 * What {@link conditionalDensityGrid} returns: `@ebm/eval`'s `DensityGrid` fields over
 * `[inputInterval, targetInterval]` (x along columns, y along rows), with `density` the
 * conditional `p(y | x) = exp(-E(x, y) - A_x)` at each cell centre (every column sums to 1 / cell
 * height) and `A_x` per column in place of one `logZ`.
 */
export interface ConditionalDensityGrid extends Omit<DensityGrid, 'logZ' | 'cellArea'> {
  /** `A_x` of each column by the midpoint rule on the grid's rows. */
  readonly logPartition: Float64Array;
}

/**
 * `p(y_j | x_i) = exp(-E(x_i, y_j) - A_{x_i})` at the cell centres of `inputInterval x
 * targetInterval`, with `A_{x_i} = log sum_j exp(-E(x_i, y_j)) h_y` (midpoint rule), so each
 * column is a density in y: a heatmap over (x, y) whose every vertical slice is `p(y | x)`. The
 * energies come from `@ebm/eval`'s `densityGrid` on the model's packed energy (pairs `[x, y]` are
 * exactly the grid's points). For an accurate `A_x` with an error bound use `conditionalLogPartition`.
 *
 * @example
 * const heat = conditionalDensityGrid(model, { inputInterval: [-2, 2], targetInterval: [-3, 3], grid: 200 });
 * // heat.density[j * 200 + i] = p(ys[j] | xs[i])
 */
export function conditionalDensityGrid(model: ConditionalEnergyModel, options: ConditionalDensityGridOptions): ConditionalDensityGrid {
  if (sizeOf(model.inputShape) !== 1 || sizeOf(model.targetShape) !== 1) {
    throw new InvalidArgumentError(
      'model',
      `must have 1-D inputs and targets for a heatmap over (x, y), got inputShape [${model.inputShape.join(', ')}] and targetShape [${model.targetShape.join(', ')}].`,
    );
  }
  const box: Box2d = [checkInterval(options.inputInterval, 'inputInterval'), checkInterval(options.targetInterval, 'targetInterval')];
  const joint = densityGrid(model.energy, { box, grid: options.grid, chunkSize: options.chunkSize });
  const { grid, xs, ys, energy } = joint;
  const cellHeight = (box[1][1] - box[1][0]) / grid;
  const logPartition = new Float64Array(grid);
  const density = new Float32Array(grid * grid);
  for (let i = 0; i < grid; i++) {
    const lse = new LogSumExp();
    for (let j = 0; j < grid; j++) lse.add(-energy[j * grid + i]!);
    logPartition[i] = lse.value() + Math.log(cellHeight);
    for (let j = 0; j < grid; j++) density[j * grid + i] = Math.exp(-energy[j * grid + i]! - logPartition[i]!);
  }
  return { box, grid, xs, ys, energy, density, logPartition };
}
