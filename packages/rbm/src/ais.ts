import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type Key, ShapeError, assertInteger, bernoulli, foldIn, split } from '@ebm/core';
import { logSumExp } from '@ebm/core/math';
import type { RBM } from './rbm.js';
import { softplus } from './softplus.js';

/**
 * The inverse temperatures of Salakhutdinov & Murray (2008), "On the quantitative analysis of deep
 * belief networks", section 4.2: 500 steps of 1e-3 over [0, 0.5), 4,000 steps of 1e-4 over
 * [0.5, 0.9) and 10,000 steps of 1e-5 over [0.9, 1.0), then 1: 14,501 values, 14,500 transitions.
 * The steps shrink where the intermediate distributions change fastest (near the target).
 */
export function aisSchedule(): Float64Array {
  const segments: readonly (readonly [number, number, number])[] = [
    [0, 1e-3, 500],
    [0.5, 1e-4, 4000],
    [0.9, 1e-5, 10000],
  ];
  const betas = new Float64Array(14501);
  let i = 0;
  for (const [start, step, count] of segments) for (let s = 0; s < count; s++) betas[i++] = start + s * step;
  betas[i] = 1;
  return betas;
}

/** Number of AIS runs (independent importance weights) by default, as in Salakhutdinov & Murray (2008). */
export const DEFAULT_AIS_RUNS = 100;

/** Temperatures per read-back: log weights are summed on the device in float32 over this many steps, then in float64. */
const ACCUMULATE_STEPS = 500;

/** Options of {@link ais}. */
export interface AisOptions {
  /** Key for the base-model draws and every Gibbs transition. */
  readonly key: Key;
  /** Inverse temperatures, increasing from 0 to 1 (default {@link aisSchedule}, 14,501 values). */
  readonly betas?: ArrayLike<number>;
  /** Independent runs (default {@link DEFAULT_AIS_RUNS}). */
  readonly runs?: number;
  /**
   * Visible biases `b_A` of the base-rate model (default zeros: uniform visible units). Salakhutdinov &
   * Murray use the data's: pass `visibleBiasFromData(data)`; the closer the base model is to the
   * data, the smaller the variance of the weights.
   */
  readonly baseVisibleBias?: tf.Tensor1D;
}

/** What {@link ais} returns: the estimate of log Z, its 3-standard-error bounds and the raw weights. */
export interface AisResult {
  /** Estimate of `log Z = log Z_A + log mean_r w_r`. */
  readonly logZ: number;
  /** `log(Z_A (mean w - 3 se))`, with `se` the standard error of the mean weight; `-Infinity` when that is <= 0. */
  readonly logZLower: number;
  /** `log(Z_A (mean w + 3 se))`. */
  readonly logZUpper: number;
  /** `log Z_A = H log 2 + sum_i softplus(b_A,i)` of the base-rate model. */
  readonly logZBase: number;
  /** The runs' log importance weights `log w_r`. */
  readonly logWeights: Float64Array;
  /** `(sum w)^2 / sum w^2`, between 1 and `runs`: how many runs carry the estimate. */
  readonly effectiveSampleSize: number;
}

/**
 * Annealed importance sampling of `log Z` for a Bernoulli RBM (Neal 2001; Salakhutdinov & Murray 2008).
 *
 * Intermediate distributions interpolate the base-rate model `A` (visible biases `b_A`, no
 * weights; its hidden units are uniform) and the RBM `B`:
 *
 *   log p*_beta(v) = (1 - beta) v.b_A + beta v.b + sum_j softplus(beta (c_j + v W_j)),
 *
 * so `Z_0 = Z_A = 2^H prod_i (1 + e^{b_A,i})` and `Z_1 = Z`. Each run draws `v_0 ~ A`, then for
 * k = 1..K adds `log p*_k(v_{k-1}) - log p*_{k-1}(v_{k-1})` to its log weight and moves with one
 * Gibbs sweep that leaves `p_k` invariant: `h ~ sigmoid(beta_k (c + v W))`,
 * `v ~ sigmoid((1 - beta_k) b_A + beta_k (b + W h))`. Then `Z / Z_A ~= mean_r w_r`; the bounds are
 * `log Z_A + log(mean w -/+ 3 se)` as in the paper.
 *
 * @example
 * const { logZ, logZLower, logZUpper } = ais(rbm, { key: prngKey(0), baseVisibleBias: visibleBiasFromData(x) });
 */
export function ais(rbm: RBM, options: AisOptions): AisResult {
  if (rbm.type !== 'bernoulli') {
    throw new InvalidArgumentError('rbm', 'must be a Bernoulli RBM: ais implements the binary base-rate model. Use exactLogPartition for a Gaussian-Bernoulli RBM with <= 25 hidden units.');
  }
  const betas = Array.from(options.betas ?? aisSchedule());
  if (betas.length < 2 || betas[0] !== 0 || betas[betas.length - 1] !== 1 || betas.some((b, i) => i > 0 && !(b > betas[i - 1]!))) {
    throw new InvalidArgumentError('betas', `must increase strictly from 0 to 1 (got ${betas.length} values from ${betas[0]} to ${betas[betas.length - 1]}). Use aisSchedule() or e.g. a linear grid.`);
  }
  const runs = options.runs ?? DEFAULT_AIS_RUNS;
  assertInteger('runs', runs, 2);
  const { weights, visibleBias, hiddenBias, visible, hidden } = rbm;
  const baseBias = options.baseVisibleBias ? tf.clone(options.baseVisibleBias) : tf.zeros([visible]);
  if (baseBias.rank !== 1 || baseBias.size !== visible) {
    baseBias.dispose();
    throw new ShapeError('baseVisibleBias', `must be a vector of length visible = ${visible}, e.g. visibleBiasFromData(data).`);
  }
  const logZBase = hidden * Math.LN2 + Array.from(baseBias.dataSync()).reduce((s, b) => s + Math.max(b, 0) + Math.log1p(Math.exp(-Math.abs(b))), 0);

  const [startKey, chainKey] = split(options.key, 2) as [Key, Key];
  const [weightsT, biasDiff] = tf.tidy(() => [tf.transpose(weights), tf.expandDims(tf.sub(visibleBias, baseBias), 1)]);
  let v = tf.tidy(() => bernoulli(startKey, tf.broadcastTo(tf.sigmoid(baseBias), [runs, visible])));
  let block: tf.Tensor = tf.zeros([runs]);
  const logWeights = new Float64Array(runs);
  const flush = () => {
    const values = block.dataSync();
    for (let r = 0; r < runs; r++) logWeights[r]! += values[r]!;
    block.dispose();
    block = tf.zeros([runs]);
  };
  for (let k = 1; k < betas.length; k++) {
    const [previous, beta] = [betas[k - 1]!, betas[k]!];
    const [nextBlock, nextV] = tf.tidy(() => {
      const pre = tf.add(tf.matMul(v, weights), hiddenBias);
      const increment = tf.add(
        tf.mul(tf.squeeze(tf.matMul(v, biasDiff), [1]), beta - previous),
        tf.sum(tf.sub(softplus(tf.mul(pre, beta)), softplus(tf.mul(pre, previous))), 1),
      );
      if (k === betas.length - 1) return [tf.add(block, increment), tf.clone(v)];
      const [hiddenKey, visibleKey] = split(foldIn(chainKey, k), 2);
      const h = bernoulli(hiddenKey!, tf.sigmoid(tf.mul(pre, beta)));
      const visibleLogits = tf.add(tf.mul(baseBias, 1 - beta), tf.mul(tf.add(tf.matMul(h, weightsT), visibleBias), beta));
      return [tf.add(block, increment), bernoulli(visibleKey!, tf.sigmoid(visibleLogits))];
    });
    tf.dispose([block, v]);
    [block, v] = [nextBlock!, nextV!];
    if (k % ACCUMULATE_STEPS === 0) flush();
  }
  flush();
  tf.dispose([block, v, weightsT, biasDiff, baseBias]);

  // Moments of w / max(w) in float64.
  const max = logWeights.reduce((a, b) => Math.max(a, b), -Infinity);
  const scaled = Array.from(logWeights, (lw) => Math.exp(lw - max));
  const mean = scaled.reduce((s, w) => s + w, 0) / runs;
  const variance = scaled.reduce((s, w) => s + (w - mean) ** 2, 0) / (runs - 1);
  const se = Math.sqrt(variance / runs);
  const sumSquares = scaled.reduce((s, w) => s + w * w, 0);
  return {
    logZ: logZBase + logSumExp(logWeights) - Math.log(runs),
    logZLower: mean - 3 * se > 0 ? logZBase + max + Math.log(mean - 3 * se) : -Infinity,
    logZUpper: logZBase + max + Math.log(mean + 3 * se),
    logZBase,
    logWeights,
    effectiveSampleSize: (mean * runs) ** 2 / sumSquares,
  };
}
