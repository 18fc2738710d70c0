/**
 * Maximum mean discrepancy between two samples (Gretton et al. 2012, "A kernel two-sample test",
 * JMLR 13).
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError, assertBatch, assertPositive } from '@ebm/core';

/** Options of {@link mmd}. */
export interface MmdOptions {
  /**
   * RBF kernel width `sigma` in `k(a, b) = exp(-|a - b|^2 / (2 sigma^2))`. Default: the median
   * heuristic, the median distance between points of the pooled sample (Gretton et al. 2012).
   */
  readonly bandwidth?: number;
  /** Points of the pooled sample used for the median heuristic (default 1000: the first ones of x, then y). */
  readonly medianPoints?: number;
}

/** What {@link mmd} returns. */
export interface MmdResult {
  /** The unbiased estimate of MMD^2; it can be slightly negative when the distributions agree. */
  readonly mmd2: number;
  /** The kernel width used. */
  readonly bandwidth: number;
  /**
   * Standard error of `mmd2` when both samples have the same size n: the U-statistic variance
   * `2 / (n (n - 1)) [2 (n - 2) zeta1 + zeta2]` with plug-in `zeta1`, `zeta2`
   * (Hoeffding 1948); `undefined` when the sizes differ.
   */
  readonly standardError: number | undefined;
}

/** Default number of pooled points for the median heuristic: 1000 points give 499,500 distances. */
const DEFAULT_MEDIAN_POINTS = 1000;

/** Median of the pairwise Euclidean distances between the rows of `points` (`[n, d]`, row-major). */
function medianDistance(points: Float32Array, n: number, d: number): number {
  const distances = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (points[i * d + c]! - points[j * d + c]!) ** 2;
      distances[k++] = Math.sqrt(s);
    }
  }
  distances.sort();
  const mid = distances.length >> 1;
  return distances.length % 2 === 1 ? distances[mid]! : (distances[mid - 1]! + distances[mid]!) / 2;
}

/** `exp(-|a_i - b_j|^2 / (2 sigma^2))` for all pairs, `[m, n]`. */
function rbf(a: tf.Tensor2D, b: tf.Tensor2D, sigma: number): tf.Tensor2D {
  return tf.tidy(() => {
    const a2 = tf.sum(tf.square(a), 1, true);
    const b2 = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]);
    // A plain matMul with b transposed first: wasm matMul with a transpose flag is much slower.
    const cross = tf.matMul(a, tf.transpose(b));
    const sq = tf.relu(tf.sub(tf.add(a2, b2), tf.mul(cross, 2)));
    return tf.exp(tf.div(sq, -2 * sigma * sigma)) as tf.Tensor2D;
  });
}

/**
 * The unbiased estimate of the squared maximum mean discrepancy between the distributions of
 * `x` (`[m, D]`) and `y` (`[n, D]`) with an RBF kernel (Gretton et al. 2012, eq. 3):
 *
 *   MMD^2_u = 1/(m(m-1)) sum_{i != j} k(x_i, x_j) + 1/(n(n-1)) sum_{i != j} k(y_i, y_j)
 *             - 2/(m n) sum_{i, j} k(x_i, y_j).
 *
 * Zero in expectation when the distributions agree (the estimate then scatters around 0 by
 * `standardError`), positive otherwise. Holds three kernel matrices (`m^2 + n^2 + mn` floats):
 * use up to a few thousand points.
 *
 * @example
 * const { mmd2, standardError } = mmd(modelSamples, dataSamples);
 */
export function mmd(x: tf.Tensor, y: tf.Tensor, options: MmdOptions = {}): MmdResult {
  assertBatch('x', x, 2);
  assertBatch('y', y, 2);
  if (x.rank !== 2 || y.rank !== 2 || x.shape[1] !== y.shape[1]) {
    throw new ShapeError('y', `must be [n, D] with the same D as x; got x [${x.shape.join(', ')}] and y [${y.shape.join(', ')}].`);
  }
  const m = x.shape[0]!;
  const n = y.shape[0]!;
  if (m < 2 || n < 2) {
    throw new ShapeError(m < 2 ? 'x' : 'y', 'needs at least 2 samples for the unbiased estimator.');
  }
  const bandwidth = options.bandwidth ?? medianHeuristic(x as tf.Tensor2D, y as tf.Tensor2D, options.medianPoints ?? DEFAULT_MEDIAN_POINTS);
  assertPositive('bandwidth', bandwidth, 'Pass a kernel width > 0, or leave it out for the median heuristic (the samples must not all coincide).');

  // Row and column sums come back to JavaScript and are added in float64: MMD^2 is a small
  // difference of sums of ~m^2 kernel values, which float32 accumulation would swamp.
  const stats = tf.tidy(() => {
    const kxx = rbf(x as tf.Tensor2D, x as tf.Tensor2D, bandwidth);
    const kyy = rbf(y as tf.Tensor2D, y as tf.Tensor2D, bandwidth);
    const kxy = rbf(x as tf.Tensor2D, y as tf.Tensor2D, bandwidth);
    return {
      rowXX: tf.sum(kxx, 1).dataSync() as Float32Array,
      rowYY: tf.sum(kyy, 1).dataSync() as Float32Array,
      rowXY: tf.sum(kxy, 1).dataSync() as Float32Array,
      colXY: tf.sum(kxy, 0).dataSync() as Float32Array,
      diagXY: m === n ? (tf.sum(tf.mul(kxy, tf.eye(n)), 1).dataSync() as Float32Array) : undefined,
      sumSquaresH: m === n ? sumSquaresH(kxx, kyy, kxy) : undefined,
    };
  });
  // k(a, a) = 1 on the diagonals of Kxx and Kyy.
  const sxx = sum64(stats.rowXX) - m;
  const syy = sum64(stats.rowYY) - n;
  const sxy = sum64(stats.rowXY);
  const mmd2 = sxx / (m * (m - 1)) + syy / (n * (n - 1)) - (2 * sxy) / (m * n);
  let standardError: number | undefined;
  if (stats.diagXY && stats.sumSquaresH !== undefined) {
    // zeta1 = Var_i(mean_{j != i} h_ij), zeta2 = Var_{i != j}(h_ij), h_ij = k(x_i,x_j) + k(y_i,y_j) - k(x_i,y_j) - k(x_j,y_i).
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const row = stats.rowXX[i]! - 1 + (stats.rowYY[i]! - 1) - (stats.rowXY[i]! - stats.diagXY[i]!) - (stats.colXY[i]! - stats.diagXY[i]!);
      ss += (row / (n - 1) - mmd2) ** 2;
    }
    const zeta1 = ss / n;
    const zeta2 = stats.sumSquaresH / (n * (n - 1)) - mmd2 * mmd2;
    standardError = Math.sqrt(Math.max((2 / (n * (n - 1))) * (2 * (n - 2) * zeta1 + zeta2), 0));
  }
  return { mmd2, bandwidth, standardError };
}

/** `sum_{i != j} h_ij^2` with `h_ij = k(x_i,x_j) + k(y_i,y_j) - k(x_i,y_j) - k(x_j,y_i)` (equal sizes). */
function sumSquaresH(kxx: tf.Tensor2D, kyy: tf.Tensor2D, kxy: tf.Tensor2D): number {
  return tf.tidy(() => {
    const h = tf.mul(tf.sub(tf.add(kxx, kyy), tf.add(kxy, tf.transpose(kxy))), tf.sub(1, tf.eye(kxx.shape[0])));
    return tf.sum(tf.square(h)).dataSync()[0]!;
  });
}

/** Float64 sum of float32 values. */
function sum64(values: Float32Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** The median heuristic: median distance between the first `maxPoints` points of `[x; y]`. */
function medianHeuristic(x: tf.Tensor2D, y: tf.Tensor2D, maxPoints: number): number {
  const pooled = tf.tidy(() => {
    const all = tf.concat([x, y], 0);
    const count = Math.min(maxPoints, all.shape[0]);
    return tf.slice(all, [0, 0], [count, -1]);
  });
  const [count, dim] = pooled.shape as [number, number];
  const data = pooled.dataSync() as Float32Array;
  pooled.dispose();
  return medianDistance(data, count, dim);
}
