/**
 * Lattices and the chunked evaluation of per-point functions on them, shared by the
 * quadrature-based evaluations (log Z, NLL, KL, density grids).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, NonFiniteError, assertEnergyShape, assertInteger } from '@ebm/core';
import type { Box2d } from '@ebm/core/math';

/** Where and how finely to evaluate a 2-D energy. */
export interface GridOptions {
  /** The integration box `[[xmin, xmax], [ymin, ymax]]`; it should hold essentially all of the model's mass. */
  readonly box: Box2d;
  /** Cells per axis (default 256). */
  readonly grid?: number;
  /**
   * Points per energy call (default 4096): the energy sees `[chunkSize, 2]` batches and only one
   * chunk's tensors exist at a time, so a large grid never holds all energies on the device.
   */
  readonly chunkSize?: number;
}

/** Default cells per axis: h = 9/256 = 0.035 on a 9 x 9 box, well below the width of the toy densities' features. */
export const DEFAULT_GRID = 256;
/** Default points per energy call: [4096, 2] inputs keep an MLP's activations to a few MB. */
export const DEFAULT_CHUNK_SIZE = 4096;

/** A function of a `[N, 2]` batch returning one value per point (an energy or a log-density). */
export type PointFunction = (x: tf.Tensor2D) => tf.Tensor1D;

/** Checks `grid` (cells per axis, an integer >= 2; even when `even`) and returns it. */
export function checkGrid(grid: number | undefined, even = false): number {
  const g = grid ?? DEFAULT_GRID;
  assertInteger('grid', g, 2);
  if (even && g % 2 !== 0) {
    throw new InvalidArgumentError('grid', `must be even (the error estimate compares with the grid/2 lattice), got ${g}.`);
  }
  return g;
}

/** Checks `chunkSize` and returns it. */
export function checkChunkSize(chunkSize: number | undefined): number {
  const c = chunkSize ?? DEFAULT_CHUNK_SIZE;
  assertInteger('chunkSize', c, 1);
  return c;
}

/** `count` evenly spaced values `start + k * step`. */
export function arithmetic(start: number, step: number, count: number): Float64Array {
  return Float64Array.from({ length: count }, (_, k) => start + k * step);
}

/** A function to evaluate on a lattice, the argument name it came in as, and the one infinity it may not return. */
export interface LatticeFunction {
  readonly fn: PointFunction;
  /** The caller's argument name, e.g. `energy` or `logDensity`, used in errors. */
  readonly name: string;
  /** `-Infinity` for an energy (infinite density), `+Infinity` for a log-density. */
  readonly forbidden: number;
}

/** An energy as a {@link LatticeFunction}: +Infinity (zero density) allowed, -Infinity not. */
export function energyFunction(energy: PointFunction): LatticeFunction {
  return { fn: energy, name: 'energy', forbidden: -Infinity };
}

/**
 * Evaluates each of `fns` on every point `(xs[i], ys[j])` of a lattice, `chunkSize` points at a
 * time in row-major order (flat index `j * xs.length + i`, rows of constant y), and passes each
 * chunk's values to `visit`. Every tensor is disposed before the next chunk; values are checked:
 * NaN or the function's forbidden infinity throws a NonFiniteError naming the function.
 */
export function forEachChunk(
  fns: readonly LatticeFunction[],
  xs: Float64Array,
  ys: Float64Array,
  chunkSize: number,
  visit: (values: readonly Float32Array[], start: number) => void,
): void {
  const nx = xs.length;
  const total = nx * ys.length;
  for (let start = 0; start < total; start += chunkSize) {
    const count = Math.min(chunkSize, total - start);
    const coords = new Float32Array(2 * count);
    for (let t = 0; t < count; t++) {
      const k = start + t;
      coords[2 * t] = xs[k % nx]!;
      coords[2 * t + 1] = ys[Math.floor(k / nx)]!;
    }
    const values = tf.tidy(() => {
      const points = tf.tensor2d(coords, [count, 2]);
      return fns.map(({ fn }) => {
        const out = fn(points);
        assertEnergyShape(out, count);
        return out.dataSync() as Float32Array;
      });
    });
    values.forEach((v, f) => checkValues(v, fns[f]!, coords));
    visit(values, start);
  }
}

function checkValues(values: Float32Array, { name, forbidden }: LatticeFunction, coords: Float32Array): void {
  for (let t = 0; t < values.length; t++) {
    const v = values[t]!;
    if (Number.isNaN(v) || v === forbidden) {
      throw new NonFiniteError(
        name,
        `is ${v} at (${coords[2 * t]}, ${coords[2 * t + 1]}). The quadrature needs finite values everywhere in the box ` +
          `(${-forbidden} is allowed: zero density).`,
      );
    }
  }
}
