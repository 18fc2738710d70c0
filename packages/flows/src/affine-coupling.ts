import * as tf from '@tensorflow/tfjs';
import { type Key, assertOneOf, assertPositive, prngKey } from '@ebm/core';
import { ACTIVATIONS, type Activation, uniqueName } from '@ebm/core/models';
import type { Bijector, BijectorResult } from './bijector.js';
import { conditioner, conditionerVariables } from './conditioner.js';
import { assertFlowDim, checkHidden, checkMask } from './validate.js';

/** Options of {@link affineCoupling}. */
export interface AffineCouplingOptions {
  /** The dimension D of the rows (>= 2). */
  readonly dim: number;
  /** One entry per coordinate: 1 = conditioned on and passed through unchanged, 0 = transformed. At least one of each. */
  readonly mask: readonly number[];
  /** Hidden widths of the conditioner MLP (default `[64, 64]`). */
  readonly hidden?: readonly number[];
  /** The conditioner's hidden activation (default `'swish'`). */
  readonly activation?: Activation;
  /** The bound `B` of the log-scale, `|s| < B` (default 3: one layer scales a coordinate by at most e^3 ~ 20). */
  readonly scaleBound?: number;
  /** Key of the conditioner's initial weights (default `prngKey(0)`). */
  readonly key?: Key;
  /** Variable-name prefix (default `affine_coupling`, made unique). */
  readonly name?: string;
}

/**
 * A RealNVP affine coupling layer (Dinh, Sohl-Dickstein & Bengio 2017, "Density estimation using
 * Real NVP"). With the binary mask `m` (1 = conditioned on) and an MLP conditioner
 * `(t, r) = NN(m * x)`, `s = B tanh(r / B)` (a soft clamp of the log-scale for stability):
 *
 *   forward:  y = m x + (1 - m) (x exp(s) + t),     log |det dy/dx| = sum_i (1 - m_i) s_i,
 *   inverse:  x = m y + (1 - m) (y - t) exp(-s),    log |det dx/dy| = -sum_i (1 - m_i) s_i,
 *
 * where `s` and `t` depend only on the unchanged coordinates `m x = m y`, so both directions cost
 * one conditioner pass. The conditioner's output layer starts at zero: the layer starts as the
 * identity. Alternate the mask between layers (`[1, 0]`, `[0, 1]`) so every coordinate is
 * transformed; `realNvp` does.
 *
 * @example
 * const layer = affineCoupling({ dim: 2, mask: [1, 0], hidden: [32, 32], key: prngKey(1) });
 * const { y, logDet } = tf.tidy(() => layer.forward(x, layer.variables));
 */
export function affineCoupling(options: AffineCouplingOptions): Bijector {
  const { dim } = options;
  assertFlowDim(dim);
  const mask = checkMask(options.mask, dim);
  const hidden = checkHidden(options.hidden ?? [64, 64]);
  const activation = options.activation ?? 'swish';
  assertOneOf('activation', activation, ACTIVATIONS);
  const bound = options.scaleBound ?? 3;
  assertPositive('scaleBound', bound);
  const name = uniqueName(options.name ?? 'affine_coupling');
  const variables = conditionerVariables(name, [dim, ...hidden, 2 * dim], options.key ?? prngKey(0));

  /** The shift `t` and log-scale `s` at the rows' conditioned coordinates, zero on those coordinates. */
  const shiftAndLogScale = (x: tf.Tensor2D, params: readonly tf.Tensor[]): [tf.Tensor2D, tf.Tensor2D] => {
    const m = tf.tensor1d(mask);
    const free = tf.sub(1, m);
    const out = conditioner(tf.mul(x, m) as tf.Tensor2D, params, activation);
    const n = x.shape[0];
    const shift = tf.mul(tf.slice(out, [0, 0], [n, dim]), free) as tf.Tensor2D;
    const logScale = tf.mul(tf.mul(bound, tf.tanh(tf.div(tf.slice(out, [0, dim], [n, dim]), bound))), free) as tf.Tensor2D;
    return [shift, logScale];
  };

  return {
    name,
    dim,
    variables,
    forward: (x, params): BijectorResult =>
      tf.tidy(() => {
        const [shift, logScale] = shiftAndLogScale(x, params);
        return { y: tf.add(tf.mul(x, tf.exp(logScale)), shift) as tf.Tensor2D, logDet: tf.sum(logScale, 1) as tf.Tensor1D };
      }),
    inverse: (y, params): BijectorResult =>
      tf.tidy(() => {
        const [shift, logScale] = shiftAndLogScale(y, params);
        return { y: tf.mul(tf.sub(y, shift), tf.exp(tf.neg(logScale))) as tf.Tensor2D, logDet: tf.neg(tf.sum(logScale, 1)) as tf.Tensor1D };
      }),
  };
}
