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

/** A function of a `[N, 2]` batch (`[N, 1]` in 1-D) returning one value per point (an energy or a log-density). */
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

/** Trapezoid weight of node `k` of `0..g` along one axis: 1/2 at the two ends, 1 inside. */
export function trapezoidWeight(k: number, g: number): number {
  return k === 0 || k === g ? 0.5 : 1;
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
 * Evaluates each of `fns` on every node of a 1-D or 2-D lattice, `chunkSize` nodes at a time, and
 * passes each chunk's values to `visit`. The lattice is the product of `axes` (one or two arrays
 * of coordinates) in row-major order with the first axis fastest: flat index `k` is the node
 * `(axes[0][k mod n0], axes[1][floor(k / n0)])` (rows of constant y), or `axes[0][k]` in 1-D; the
 * functions see `[count, axes.length]` batches. Every tensor is disposed before the next chunk;
 * values are checked: NaN or the function's forbidden infinity throws a NonFiniteError naming the
 * function and the node.
 */
export function forEachChunk(
  fns: readonly LatticeFunction[],
  axes: readonly Float64Array[],
  chunkSize: number,
  visit: (values: readonly Float32Array[], start: number) => void,
): void {
  const dim = axes.length;
  const nx = axes[0]!.length;
  const total = axes.reduce((n, axis) => n * axis.length, 1);
  for (let start = 0; start < total; start += chunkSize) {
    const count = Math.min(chunkSize, total - start);
    const coords = new Float32Array(dim * count);
    for (let t = 0; t < count; t++) {
      const k = start + t;
      coords[dim * t] = axes[0]![k % nx]!;
      if (dim === 2) coords[dim * t + 1] = axes[1]![Math.floor(k / nx)]!;
    }
    const values = tf.tidy(() => {
      const points = tf.tensor2d(coords, [count, dim]);
      return fns.map(({ fn }) => {
        const out = fn(points);
        assertEnergyShape(out, count);
        return out.dataSync() as Float32Array;
      });
    });
    values.forEach((v, f) => checkValues(v, fns[f]!, coords, dim));
    visit(values, start);
  }
}

function checkValues(values: Float32Array, { name, forbidden }: LatticeFunction, coords: Float32Array, dim: number): void {
  for (let t = 0; t < values.length; t++) {
    const v = values[t]!;
    if (Number.isNaN(v) || v === forbidden) {
      throw new NonFiniteError(
        name,
        `is ${v} at (${Array.from(coords.subarray(dim * t, dim * t + dim)).join(', ')}). The quadrature needs finite values everywhere in the box ` +
          `(${-forbidden} is allowed: zero density).`,
      );
    }
  }
}
