/**
 * A 2-D energy's normalised density on a regular grid of cell centres, for heatmaps.
 */
import { InvalidArgumentError } from '@ebm/core';
import { type Box2d, LogSumExp, checkBox2d } from '@ebm/core/math';
import { type GridOptions, type PointFunction, arithmetic, checkChunkSize, checkGrid, energyFunction, forEachChunk } from './lattice.js';

/** What {@link densityGrid} returns. */
export interface DensityGrid {
  /** The box the grid covers. */
  readonly box: Box2d;
  /** Cells per axis. */
  readonly grid: number;
  /** x of each column's centre, ascending (length `grid`). */
  readonly xs: Float64Array;
  /** y of each row's centre, ascending (length `grid`): row 0 is the bottom of the box. */
  readonly ys: Float64Array;
  /** `E` at each cell centre, row-major: `energy[j * grid + i]` is at `(xs[i], ys[j])`. */
  readonly energy: Float32Array;
  /** `exp(-E - logZ)` at each cell centre, same layout; `sum(density) * cellArea = 1`. */
  readonly density: Float32Array;
  /** Midpoint-rule `log sum_cells exp(-E) * cellArea`, the normaliser used for `density`. */
  readonly logZ: number;
  /** Area of one cell. */
  readonly cellArea: number;
}

/**
 * The density `p(x) = exp(-E(x)) / Z` at the `grid x grid` cell centres of `box`, normalised by
 * the midpoint rule on the same cells so it sums to one over the box (a heatmap's colour scale
 * then means probability per unit area). For an accurate `log Z` with an error bound use
 * {@link logPartition2d}.
 *
 * @example
 * const { density, xs, ys } = densityGrid(model.energy, { box: [[-4, 4], [-4, 4]], grid: 200 });
 */
export function densityGrid(energy: PointFunction, options: GridOptions): DensityGrid {
  const box = checkBox2d(options.box);
  const grid = checkGrid(options.grid);
  const hx = (box[0][1] - box[0][0]) / grid;
  const hy = (box[1][1] - box[1][0]) / grid;
  const xs = arithmetic(box[0][0] + hx / 2, hx, grid);
  const ys = arithmetic(box[1][0] + hy / 2, hy, grid);
  const energies = new Float32Array(grid * grid);
  const lse = new LogSumExp();
  forEachChunk([energyFunction(energy)], [xs, ys], checkChunkSize(options.chunkSize), ([values], start) => {
    energies.set(values!, start);
    for (const e of values!) lse.add(-e);
  });
  const cellArea = hx * hy;
  const logSum = lse.value();
  if (logSum === -Infinity) {
    throw new InvalidArgumentError('box', 'holds no mass: the energy is +Infinity at every cell centre. Move or enlarge the box.');
  }
  const density = Float32Array.from(energies, (e) => Math.exp(-e - logSum) / cellArea);
  return { box, grid, xs, ys, energy: energies, density, logZ: logSum + Math.log(cellArea), cellArea };
}
