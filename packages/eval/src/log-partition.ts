/**
 * log Z of a 2-D energy by trapezoid quadrature on a box, with an error estimate.
 */
import { InvalidArgumentError } from '@ebm/core';
import { type Box2d, LogSumExp, checkBox2d } from '@ebm/core/math';
import { type GridOptions, type PointFunction, arithmetic, checkChunkSize, checkGrid, energyFunction, forEachChunk, trapezoidWeight } from './lattice.js';

/** What {@link logPartition2d} returns. Every quantity is in nats unless it says otherwise. */
export interface LogPartition2dResult {
  /** `log Z_box`, the trapezoid estimate of `log int_box exp(-E(x)) dx`. */
  readonly logZ: number;
  /** The integration box. */
  readonly box: Box2d;
  /** Cells per axis (`grid + 1` nodes per axis). */
  readonly grid: number;
  /** `|logZ(grid) - logZ(grid / 2)|`: the change when the cell size doubles (see {@link logPartition2d}). */
  readonly discretizationError: number;
  /**
   * Estimated mass outside the box relative to the mass inside, `Z_outside / Z_box`; 0 when the
   * density vanishes on the boundary, `Infinity` when it is not decaying there (enlarge the box).
   */
  readonly tailMass: number;
  /** `discretizationError + log(1 + tailMass)`: the bound on `|log Z - logZ|` under the stated assumptions. */
  readonly errorBound: number;
  /** The largest normalised density `exp(-E(x) - logZ)` on the box boundary. */
  readonly boundaryDensity: number;
}

/** Options of {@link logPartition2d}: the box and the lattice. */
export type LogPartition2dOptions = GridOptions;

/**
 * The trapezoid lattice of a box: `(grid + 1)^2` nodes, their weights on the fine lattice
 * (cell `h`) and on the coarse one (every other node, cell `2h`), and which nodes form the
 * boundary ring and the ring just inside it.
 */
export class TrapezoidLattice {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly hx: number;
  readonly hy: number;
  readonly nodes: number;

  constructor(
    readonly box: [[number, number], [number, number]],
    readonly grid: number,
  ) {
    this.hx = (box[0][1] - box[0][0]) / grid;
    this.hy = (box[1][1] - box[1][0]) / grid;
    this.xs = arithmetic(box[0][0], this.hx, grid + 1);
    this.ys = arithmetic(box[1][0], this.hy, grid + 1);
    this.nodes = grid + 1;
  }

  /** Column and row of flat index `k`. */
  position(k: number): [number, number] {
    return [k % this.nodes, Math.floor(k / this.nodes)];
  }

  /** Fine trapezoid weight of node (i, j) times the cell area. */
  fineWeight(i: number, j: number): number {
    return trapezoidWeight(i, this.grid) * trapezoidWeight(j, this.grid) * this.hx * this.hy;
  }

  /** Coarse (cell 2h) trapezoid weight of node (i, j) times the coarse cell area; 0 off the coarse lattice. */
  coarseWeight(i: number, j: number): number {
    if (i % 2 !== 0 || j % 2 !== 0) return 0;
    const g = this.grid / 2;
    return trapezoidWeight(i / 2, g) * trapezoidWeight(j / 2, g) * 4 * this.hx * this.hy;
  }

  /** 0 for a boundary node, 1 for the ring of nodes one step inside, 2 further in. */
  ring(i: number, j: number): number {
    return Math.min(i, j, this.grid - i, this.grid - j, 2);
  }
}

/** Accumulates log Z (fine and coarse) and the boundary statistics from energies at lattice nodes. */
export class PartitionAccumulator {
  private readonly fine = new LogSumExp();
  private readonly coarse = new LogSumExp();
  /** Largest `-E` on the boundary ring (ring 0) and on ring 1. */
  private readonly ringMax = [-Infinity, -Infinity];

  constructor(private readonly lattice: TrapezoidLattice) {}

  /** Adds node (i, j) with energy `e`. */
  add(i: number, j: number, e: number): void {
    const lattice = this.lattice;
    this.fine.add(-e, lattice.fineWeight(i, j));
    this.coarse.add(-e, lattice.coarseWeight(i, j));
    const ring = lattice.ring(i, j);
    if (ring < 2) this.ringMax[ring] = Math.max(this.ringMax[ring]!, -e);
  }

  /** log Z from the coarse lattice (cell 2h), once every node was added. */
  coarseLogZ(): number {
    return this.coarse.value();
  }

  /** The result, once every node was added. */
  result(): LogPartition2dResult {
    const { lattice } = this;
    const logZ = this.fine.value();
    if (logZ === -Infinity) {
      throw new InvalidArgumentError('box', 'holds no mass: the energy is +Infinity at every node. Move or enlarge the box.');
    }
    const discretizationError = Math.abs(logZ - this.coarse.value());
    const [edge, inner] = this.ringMax as [number, number];
    const boundaryDensity = Math.exp(edge - logZ);
    const tailMass = tailBound(boundaryDensity, Math.exp(edge - inner), lattice);
    return {
      logZ,
      box: lattice.box,
      grid: lattice.grid,
      discretizationError,
      tailMass,
      errorBound: discretizationError + Math.log1p(tailMass),
      boundaryDensity,
    };
  }
}

/**
 * Mass outside the box, relative to the box's, assuming the largest density on each frame of
 * width (hx, hy) around the box falls at least geometrically outward at the ratio `rho` measured
 * between the boundary ring and the ring inside it: frame k (k = 1, 2, ...) has area
 * `2 hx (H + 2 k hy) + 2 hy (W + 2 k hx)` and density at most `d0 rho^k`, so
 *
 *   tail <= d0 [ (2 hx H + 2 hy W) rho / (1 - rho) + 8 hx hy rho / (1 - rho)^2 ].
 */
function tailBound(d0: number, rho: number, lattice: TrapezoidLattice): number {
  if (d0 === 0) return 0;
  if (!(rho < 1)) return Infinity;
  const width = lattice.box[0][1] - lattice.box[0][0];
  const height = lattice.box[1][1] - lattice.box[1][0];
  const { hx, hy } = lattice;
  return d0 * ((2 * hx * height + 2 * hy * width) * (rho / (1 - rho)) + (8 * hx * hy * rho) / (1 - rho) ** 2);
}

/**
 * `log Z = log int exp(-E(x)) dx` of a 2-D energy by the trapezoid rule on `(grid + 1)^2` nodes
 * of `box`, summed in float64 with a running log-sum-exp, `chunkSize` energies at a time.
 *
 * Error estimate (`errorBound`), two parts; read what each covers:
 * - `discretizationError = |logZ(h) - logZ(2h)|`, the change from the lattice with every other
 *   node. For a smooth integrand the trapezoid error is `c h^2 + O(h^4)`, so the error of the
 *   fine estimate is about a third of this (Richardson); reporting the whole difference leaves a
 *   factor ~3 of margin. It is an estimate, not a guarantee: it fails for features narrower than
 *   `2h` (refine until it is small) and is first order at jumps (checkerboard edges).
 * - `tailMass`: the mass outside the box, bounded from the energy at the boundary: the largest
 *   density on the boundary ring, `d0`, and its ratio `rho` to the largest on the next ring inside
 *   are assumed to continue outward geometrically (true when the energy grows at least linearly
 *   beyond the box, e.g. convex tails). If the density is not falling at the edge, `tailMass` is
 *   `Infinity`: enlarge the box.
 * `logZ` itself is the box's integral; the true log Z lies in
 * `[logZ - discretizationError, logZ + discretizationError + log(1 + tailMass)]` under those assumptions.
 *
 * @example
 * const model = gaussianEnergy({ dim: 2 });
 * const { logZ, errorBound } = logPartition2d(model.energy, { box: [[-6, 6], [-6, 6]], grid: 128 });
 * // logZ ~ log(2 pi) = 1.8379, errorBound ~ 1e-7
 */
export function logPartition2d(energy: PointFunction, options: LogPartition2dOptions): LogPartition2dResult {
  const lattice = new TrapezoidLattice(checkBox2d(options.box), checkGrid(options.grid, true));
  const accumulator = new PartitionAccumulator(lattice);
  forEachChunk([energyFunction(energy)], [lattice.xs, lattice.ys], checkChunkSize(options.chunkSize), ([energies], start) => {
    energies!.forEach((e, t) => {
      const [i, j] = lattice.position(start + t);
      accumulator.add(i, j, e);
    });
  });
  return accumulator.result();
}
