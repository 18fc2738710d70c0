import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '@ebm/core';
import { uniqueName } from '@ebm/core/models';
import type { Bijector } from './bijector.js';
import { assertFlowDim } from './validate.js';

/** Options of {@link elementwiseAffine}. */
export interface ElementwiseAffineOptions {
  /** The dimension D of the rows. */
  readonly dim: number;
  /** Initial shift `mu`, length D (default zeros); e.g. the data's mean. */
  readonly loc?: readonly number[];
  /** Initial scale `sigma > 0`, length D (default ones); e.g. the data's standard deviations. */
  readonly scale?: readonly number[];
  /** Variable-name prefix (default `elementwise_affine`, made unique). */
  readonly name?: string;
}

/**
 * A trainable per-coordinate affine map with parameters `mu` and `log sigma`:
 *
 *   forward:  y = x sigma + mu,      log |det dy/dx| = sum_i log sigma_i,
 *   inverse:  x = (y - mu) / sigma,  log |det dx/dy| = -sum_i log sigma_i.
 *
 * As a flow's last layer it puts the base distribution at the data's location and scale, so the
 * coupling layers need only model the shape; `realNvp` starts it at `loc` and `scale`.
 *
 * @example
 * const layer = elementwiseAffine({ dim: 2, loc: [0.5, 0], scale: [2, 1] });
 */
export function elementwiseAffine(options: ElementwiseAffineOptions): Bijector {
  const { dim } = options;
  assertFlowDim(dim);
  const loc = options.loc ?? new Array<number>(dim).fill(0);
  const scale = options.scale ?? new Array<number>(dim).fill(1);
  if (loc.length !== dim) throw new ShapeError('loc', `must have length dim = ${dim}, got ${loc.length}.`);
  if (scale.length !== dim) throw new ShapeError('scale', `must have length dim = ${dim}, got ${scale.length}.`);
  if (!loc.every(Number.isFinite)) throw new InvalidArgumentError('loc', `must hold finite numbers, got [${loc.join(', ')}].`);
  if (!scale.every((s) => Number.isFinite(s) && s > 0)) {
    throw new InvalidArgumentError('scale', `must hold finite numbers > 0 (standard deviations), got [${scale.join(', ')}].`);
  }
  const name = uniqueName(options.name ?? 'elementwise_affine');
  const variables = [
    tf.tidy(() => tf.variable(tf.tensor1d([...loc]), true, `${name}/loc`)),
    tf.tidy(() => tf.variable(tf.tensor1d(scale.map(Math.log)), true, `${name}/log_scale`)),
  ];
  /** `sum_i log sigma_i`, the same for every row, broadcast to `[N]`. */
  const rowLogDet = (logScale: tf.Tensor, n: number): tf.Tensor1D => tf.broadcastTo(tf.sum(logScale), [n]) as tf.Tensor1D;
  return {
    name,
    dim,
    variables,
    forward: (x, [mu, logScale]) =>
      tf.tidy(() => ({ y: tf.add(tf.mul(x, tf.exp(logScale!)), mu!) as tf.Tensor2D, logDet: rowLogDet(logScale!, x.shape[0]) })),
    inverse: (y, [mu, logScale]) =>
      tf.tidy(() => ({ y: tf.mul(tf.sub(y, mu!), tf.exp(tf.neg(logScale!))) as tf.Tensor2D, logDet: tf.neg(rowLogDet(logScale!, y.shape[0])) as tf.Tensor1D })),
  };
}
