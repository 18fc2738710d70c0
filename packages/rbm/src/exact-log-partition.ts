import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, assertInteger, assertOneOf } from '@ebm/core';
import { logSumExp } from '@ebm/core/math';
import type { RBM } from './rbm.js';
import { softplus } from './softplus.js';

/** Enumeration is refused above this many units by default: 2^25 = 33.5M states (seconds on wasm). */
export const MAX_ENUMERATED_UNITS = 25;

/** Rows of the states-by-units block evaluated at once: 2^22 floats (16 MiB) bounds memory per chunk. */
const CHUNK_ELEMENTS = 2 ** 22;
/** At most 2^16 enumerated low-bit rows per chunk (the states matrix is built in JavaScript). */
const MAX_LOW_BITS = 16;

/** Options of {@link exactLogPartition}. */
export interface ExactLogPartitionOptions {
  /** Which layer to sum over (default: the smaller one; a Gaussian-Bernoulli RBM always sums over `hidden`). */
  readonly over?: 'visible' | 'hidden';
  /** Refuse layers larger than this (default {@link MAX_ENUMERATED_UNITS}). */
  readonly maxUnits?: number;
}

/**
 * The exact log partition function `log Z` of an RBM, by summing the other layer out in closed form
 * and enumerating the `2^n` states of one layer of `n` units:
 *
 * - Bernoulli, over hidden: `log Z = logsumexp_h [ c.h + sum_i softplus(b_i + W_i h) ]`
 * - Bernoulli, over visible: `log Z = logsumexp_v [ -F(v) ] = logsumexp_v [ b.v + sum_j softplus(c_j + v W_j) ]`
 * - Gaussian-Bernoulli, over hidden (the visible integral is Gaussian): with `u = W h`,
 *   `log Z = (D/2) log(2 pi sigma^2) + logsumexp_h [ c.h + sum_i (b_i u_i / sigma + u_i^2 / 2) ]`
 *
 * All are `logsumexp_s [ s.a + sum_k g_k(d_k + (s M)_k) ]`. The states are split into low bits,
 * enumerated once as a `[2^L, n_low]` matrix, and high bits, one chunk per high-bit pattern whose
 * contribution is a constant offset; chunk results are combined in float64.
 *
 * @example
 * const logZ = exactLogPartition(rbm);            // rbm with <= 25 hidden (or visible) units
 * const ll = logLikelihood(rbm, data, logZ);       // mean log p(v)
 */
export function exactLogPartition(rbm: RBM, options: ExactLogPartitionOptions = {}): number {
  const maxUnits = options.maxUnits ?? MAX_ENUMERATED_UNITS;
  assertInteger('maxUnits', maxUnits);
  const over = options.over ?? (rbm.type === 'bernoulli' && rbm.visible < rbm.hidden ? 'visible' : 'hidden');
  assertOneOf('over', over, ['visible', 'hidden']);
  if (rbm.type === 'gaussian-bernoulli' && over === 'visible') {
    throw new InvalidArgumentError('over', "must be 'hidden' for a Gaussian-Bernoulli RBM: its visible units are continuous.");
  }
  const n = over === 'hidden' ? rbm.hidden : rbm.visible;
  if (n > maxUnits) {
    throw new InvalidArgumentError(
      'rbm',
      `has ${n} ${over} units to enumerate (2^${n} states), more than maxUnits = ${maxUnits}. ` +
        (rbm.type === 'bernoulli' ? 'Estimate log Z with ais(rbm, ...) instead, or raise maxUnits.' : 'Use fewer hidden units, or raise maxUnits.'),
    );
  }
  const { weights, visibleBias, hiddenBias, sigma } = rbm;
  const gaussian = rbm.type === 'gaussian-bernoulli';
  // s.a + sum_k g_k(d_k + (s M)_k), in the notation above.
  const [a, m, d] =
    over === 'hidden'
      ? [hiddenBias, tf.transpose(weights), gaussian ? tf.zeros([rbm.visible]) : visibleBias]
      : [visibleBias, weights, hiddenBias];
  const g = gaussian
    ? (u: tf.Tensor) => tf.add(tf.div(tf.square(u), 2), tf.mul(u, tf.div(visibleBias, sigma)))
    : softplus;
  const constant = gaussian ? (rbm.visible / 2) * Math.log(2 * Math.PI * sigma * sigma) : 0;
  const result = logSumOverBinaryStates(n, a as tf.Tensor1D, m as tf.Tensor2D, d as tf.Tensor1D, g);
  tf.dispose(over === 'hidden' ? (gaussian ? [m, d] : [m]) : []);
  return constant + result;
}

/** `logsumexp_{s in {0,1}^n} [ s.a + sum_k g(d + s M)_k ]`, chunked over high bits (see above). */
function logSumOverBinaryStates(n: number, a: tf.Tensor1D, m: tf.Tensor2D, d: tf.Tensor1D, g: (u: tf.Tensor) => tf.Tensor): number {
  const width = m.shape[1];
  const low = Math.min(n, MAX_LOW_BITS, Math.max(1, Math.floor(Math.log2(CHUNK_ELEMENTS / width))));
  const high = n - low;
  const [lowScore, lowU, aHigh, mHigh] = tf.tidy(() => {
    const states = tf.tensor2d(binaryStates(low), [2 ** low, low]);
    const [aLow, mLow] = [tf.slice(a, 0, low), tf.slice(m, [0, 0], [low, width])];
    return [tf.squeeze(tf.matMul(states, tf.expandDims(aLow, 1)), [1]), tf.matMul(states, mLow), tf.slice(a, low), tf.slice(m, [low, 0])];
  });
  const chunks = new Float64Array(2 ** high);
  for (let c = 0; c < chunks.length; c++) {
    chunks[c] = tf.tidy(() => {
      // The high bits' share: d + bits M_high inside g, bits.a_high outside (nothing when high = 0).
      const bits = high > 0 ? tf.tensor2d(bitsOf(c, high), [1, high]) : null;
      const offset = bits ? tf.add(d, tf.squeeze(tf.matMul(bits, mHigh), [0])) : d;
      const shift = bits ? tf.sum(tf.mul(bits, aHigh)) : tf.scalar(0);
      const score = tf.add(tf.add(lowScore, shift), tf.sum(g(tf.add(lowU, offset)), 1));
      return tf.logSumExp(score).dataSync()[0]!;
    });
  }
  tf.dispose([lowScore, lowU, aHigh, mHigh]);
  return logSumExp(chunks);
}

/** The `n` bits of the integer `r`, least significant first. */
function bitsOf(r: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, j) => Math.floor(r / 2 ** j) % 2);
}

/** All `2^n` binary vectors of length `n` as rows (row r holds {@link bitsOf} r). */
function binaryStates(n: number): Float32Array {
  const states = new Float32Array(2 ** n * n);
  for (let r = 0; r < 2 ** n; r++) states.set(bitsOf(r, n), r * n);
  return states;
}
