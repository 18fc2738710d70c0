import * as tf from '@tensorflow/tfjs';
import { type Key, assertOneOf, assertPositive, prngKey } from '@ebm/core';
import { ACTIVATIONS, type Activation, uniqueName } from '@ebm/core/models';
import type { Bijector, BijectorResult } from './bijector.js';
import { conditioner, conditionerVariables } from './conditioner.js';
import { coordinateSplit } from './coordinate-split.js';
import { assertFlowDim, checkHidden } from './validate.js';

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
 * Real NVP"). The mask splits `x` into the conditioned coordinates `x_c` (mask 1, passed
 * through) and the transformed ones `x_t` (mask 0); an MLP conditioner gives `(t, r) = NN(x_c)`
 * and the log-scale `s = B tanh(r / B)` (a soft clamp, for stability):
 *
 *   forward:  y_c = x_c,  y_t = x_t exp(s) + t,      log |det dy/dx| = sum_i s_i,
 *   inverse:  x_c = y_c,  x_t = (y_t - t) exp(-s),   log |det dx/dy| = -sum_i s_i,
 *
 * where `s` and `t` depend only on `x_c = y_c`, so both directions cost one conditioner pass. The conditioner's output layer starts at zero: the layer starts as the
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
  const coordinates = coordinateSplit(options.mask, dim);
  const hidden = checkHidden(options.hidden ?? [64, 64]);
  const activation = options.activation ?? 'swish';
  assertOneOf('activation', activation, ACTIVATIONS);
  const bound = options.scaleBound ?? 3;
  assertPositive('scaleBound', bound);
  const name = uniqueName(options.name ?? 'affine_coupling');
  const variables = conditionerVariables(name, [coordinates.conditioned, ...hidden, 2 * coordinates.transformed], options.key ?? prngKey(0));

  /** The map of the transformed coordinates, `x_t -> x_t exp(s) + t` (`sign` 1) or its inverse (`sign` -1), given the conditioned ones. */
  const couple = (v: tf.Tensor2D, params: readonly tf.Tensor[], sign: 1 | -1): BijectorResult =>
    tf.tidy(() => {
      const [conditioned, transformed] = coordinates.split(v);
      const out = conditioner(conditioned, params, activation);
      const [n, k] = [v.shape[0], coordinates.transformed];
      const shift = tf.slice(out, [0, 0], [n, k]);
      const logScale = tf.mul(bound, tf.tanh(tf.div(tf.slice(out, [0, k], [n, k]), bound)));
      const mapped = sign === 1 ? tf.add(tf.mul(transformed, tf.exp(logScale)), shift) : tf.mul(tf.sub(transformed, shift), tf.exp(tf.neg(logScale)));
      return { y: coordinates.merge(conditioned, mapped as tf.Tensor2D), logDet: tf.mul(sign, tf.sum(logScale, 1)) as tf.Tensor1D };
    });

  return {
    name,
    dim,
    variables,
    forward: (x, params) => couple(x, params, 1),
    inverse: (y, params) => couple(y, params, -1),
  };
}
