/**
 * Bars and stripes (MacKay 2003, "Information Theory, Inference, and Learning Algorithms", ch. 43):
 * `size x size` binary images in which every row is constant (stripes) or every column is
 * constant (bars). There are `2^size` of each; the all-zero and all-one images are both, so there
 * are `2^(size+1) - 2` distinct patterns (30 for 4x4). A model that spreads its mass uniformly over
 * them reaches the best possible average log-likelihood, `-log(2^(size+1) - 2)` (-log 30 = -3.401).
 */
import * as tf from '@tensorflow/tfjs';
import { type Key, assertInRange, assertInteger, randomIndices } from '@ebm/core';

/** Options of the bars-and-stripes functions. */
export interface BarsAndStripesOptions {
  /** Side length of the square image (default 4, the classic 4x4 set of 30 patterns). */
  readonly size?: number;
}

/** Largest side length accepted: 2^(size+1) - 2 patterns of size^2 pixels stay small (2046 x 100). */
const MAX_SIZE = 10;

function patternSize(options: BarsAndStripesOptions): number {
  const size = options.size ?? 4;
  assertInteger('size', size, 2);
  assertInRange('size', size, 2, MAX_SIZE);
  return size;
}

/** The distinct patterns as rows of 0/1 pixels (row-major), stripes first then bars without the two shared ones. */
function patterns(size: number): number[][] {
  const out: number[][] = [];
  for (let code = 0; code < 2 ** size; code++) {
    // Stripes: row r is on when bit r of `code` is set.
    out.push(Array.from({ length: size * size }, (_, p) => (code >> Math.floor(p / size)) & 1));
  }
  for (let code = 1; code < 2 ** size - 1; code++) {
    // Bars: column c is on when bit c of `code` is set (all-off and all-on are already stripes).
    out.push(Array.from({ length: size * size }, (_, p) => (code >> p % size) & 1));
  }
  return out;
}

/** Number of distinct bars-and-stripes patterns, `2^(size+1) - 2` (30 for 4x4). */
export function barsAndStripesCount(options: BarsAndStripesOptions = {}): number {
  return 2 ** (patternSize(options) + 1) - 2;
}

/**
 * The best possible average log-likelihood on bars and stripes, `-log(2^(size+1) - 2)` nats
 * (-log 30 = -3.4012 for 4x4): that of the uniform distribution over the patterns.
 */
export function barsAndStripesLogLikelihood(options: BarsAndStripesOptions = {}): number {
  return -Math.log(barsAndStripesCount(options));
}

/**
 * All distinct bars-and-stripes patterns as a new `[2^(size+1) - 2, size^2]` float32 tensor of
 * zeros and ones (row-major pixels): 30 x 16 for the default 4x4.
 *
 * @example
 * const all = barsAndStripes(); // [30, 16]
 */
export function barsAndStripes(options: BarsAndStripesOptions = {}): tf.Tensor2D {
  const size = patternSize(options);
  return tf.tensor2d(patterns(size), undefined, 'float32');
}

/**
 * `n` patterns drawn uniformly (with replacement) from the distinct bars-and-stripes patterns, a new
 * `[n, size^2]` float32 tensor.
 *
 * @example
 * const batch = sampleBarsAndStripes(prngKey(0), 64); // [64, 16]
 */
export function sampleBarsAndStripes(key: Key, n: number, options: BarsAndStripesOptions = {}): tf.Tensor2D {
  assertInteger('n', n, 1);
  const all = patterns(patternSize(options));
  const rows = Array.from(randomIndices(key, n, all.length), (i) => all[i]!);
  return tf.tensor2d(rows, [n, all[0]!.length], 'float32');
}
