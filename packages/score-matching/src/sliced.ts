import * as tf from '@tensorflow/tfjs';
import {
  type EnergyModel,
  type Key,
  type Objective,
  type ObjectiveStep,
  InvalidArgumentError,
  assertInteger,
  assertOneOf,
  bernoulli,
  normal,
} from '@ebm/core';
import { type ScoreMatchingState, batchDim, flatInputGradient, scoreMatchingStep } from './score.js';

/** Distributions of the projection vectors `v`; each has `E[v v^T] = I`. */
export const PROJECTION_DISTRIBUTIONS = ['rademacher', 'gaussian', 'sphere'] as const;
/** One of {@link PROJECTION_DISTRIBUTIONS}: how the projection vectors `v` are drawn. */
export type ProjectionDistribution = (typeof PROJECTION_DISTRIBUTIONS)[number];

/** Options of {@link slicedScoreMatching}. */
export interface SlicedScoreMatchingOptions {
  /** Random projections per sample, M (default 1, as in Song et al. 2019). */
  readonly projections?: number;
  /**
   * - `'rademacher'` (default): entries +-1 with probability 1/2;
   * - `'gaussian'`: entries N(0, 1);
   * - `'sphere'`: uniform on the sphere of radius sqrt(D).
   * All three have `E[v v^T] = I`, which makes the sliced loss unbiased.
   */
  readonly distribution?: ProjectionDistribution;
  /**
   * Use `1/2 ||grad E||^2` exactly instead of its estimate `1/2 (v^T grad E)^2` (SSM-VR; default
   * false). Lower variance for the same cost.
   */
  readonly varianceReduced?: boolean;
}

/**
 * Projection vectors `v`, shape `[rows, dim]`, with `E[v v^T] = I`.
 * Rademacher: `2 b - 1`, `b ~ Bernoulli(1/2)`; sphere: `sqrt(D) z / ||z||`, `z ~ N(0, I)`.
 */
export function projectionVectors(key: Key, distribution: ProjectionDistribution, rows: number, dim: number): tf.Tensor2D {
  return tf.tidy(() => {
    if (distribution === 'rademacher') {
      return tf.sub(tf.mul(2, bernoulli(key, tf.fill([rows, dim], 0.5))), 1) as tf.Tensor2D;
    }
    const z = normal(key, [rows, dim]) as tf.Tensor2D;
    if (distribution === 'gaussian') return z;
    return tf.mul(Math.sqrt(dim), tf.div(z, tf.norm(z, 'euclidean', 1, true))) as tf.Tensor2D;
  });
}

/**
 * Sliced score matching (Song, Garg, Shi & Ermon 2019, "Sliced score matching: a scalable
 * approach to density and score estimation", UAI): the Hessian trace of exact score matching is
 * replaced by its Hutchinson estimate along random directions `v` with `E[v v^T] = I`:
 *
 *   J = 1/(N M) sum_{i,m} [ 1/2 (v_im^T grad E(x_i))^2 - v_im^T H E(x_i) v_im ]     (SSM)
 *   J = 1/(N M) sum_{i,m} [ 1/2 ||grad E(x_i)||^2     - v_im^T H E(x_i) v_im ]     (SSM-VR)
 *
 * `E_v[J]` equals the exact score-matching loss ({@link scoreMatching}). `v^T H v` is a
 * Hessian-vector product, `v^T grad_x (grad_x E . v)`: one extra backward pass whatever D is, so a
 * step costs two input-gradient passes on the M-times-tiled batch plus one second-order pass.
 *
 * Metrics (device scalars, computed inside the loss without a read): `scoreNorm` = mean
 * `1/2 ||grad E||^2`, `hessianTrace` = mean `v^T H v` (an unbiased estimate of `tr H`).
 *
 * @example
 * const objective = slicedScoreMatching({ projections: 1, distribution: 'rademacher', varianceReduced: true });
 * const { loss, grads } = objective.gradients(model, batch, null, key);
 */
export function slicedScoreMatching(options: SlicedScoreMatchingOptions = {}): Objective<ScoreMatchingState> {
  const projections = options.projections ?? 1;
  assertInteger('projections', projections);
  const distribution = options.distribution ?? 'rademacher';
  assertOneOf('distribution', distribution, PROJECTION_DISTRIBUTIONS);
  const varianceReduced = options.varianceReduced ?? false;
  if (typeof varianceReduced !== 'boolean') {
    throw new InvalidArgumentError('varianceReduced', `must be true or false, got ${String(varianceReduced)}.`);
  }
  return {
    name: varianceReduced ? 'sliced-score-matching-vr' : 'sliced-score-matching',
    init: () => null,
    gradients(model: EnergyModel, batch: tf.Tensor, _state: ScoreMatchingState, key: Key): ObjectiveStep<ScoreMatchingState> {
      const dim = batchDim(batch);
      const rows = batch.shape[0]! * projections;
      return scoreMatchingStep(model, () => {
        // Each sample appears M times, once per projection (rows m*N .. m*N + N - 1 hold copy m).
        const x = projections === 1 ? batch : tf.tile(batch, [projections, ...new Array<number>(batch.rank - 1).fill(1)]);
        const v = projectionVectors(key, distribution, rows, dim);
        const g = flatInputGradient(model.energy, x);
        const norm = tf.mul(0.5, tf.sum(tf.square(g), 1));
        const first = varianceReduced ? norm : tf.mul(0.5, tf.square(tf.sum(tf.mul(g, v), 1)));
        const directional = (z: tf.Tensor) => tf.sum(tf.mul(flatInputGradient(model.energy, z), v));
        const hv = tf.reshape(tf.grad(directional)(x), [rows, dim]);
        const vHv = tf.sum(tf.mul(v, hv), 1);
        return {
          loss: tf.mean(tf.sub(first, vHv)) as tf.Scalar,
          aux: { scoreNorm: tf.mean(norm) as tf.Scalar, hessianTrace: tf.mean(vHv) as tf.Scalar },
        };
      });
    },
  };
}
