import { type Key, assertInteger, prngKey, split } from '@ebm/core';
import { type Activation, uniqueName } from '@ebm/core/models';
import { affineCoupling } from './affine-coupling.js';
import { elementwiseAffine } from './elementwise-affine.js';
import { type Flow, normalizingFlow } from './flow.js';
import { assertFlowDim } from './validate.js';

/** Options of {@link realNvp}. */
export interface RealNvpOptions {
  /** The dimension D of the data (>= 2). */
  readonly dim: number;
  /** Affine coupling layers (default 8). */
  readonly layers?: number;
  /** Hidden widths of each coupling's conditioner MLP (default `[64, 64]`). */
  readonly hidden?: readonly number[];
  /** The conditioners' hidden activation (default `'swish'`). */
  readonly activation?: Activation;
  /** Bound `B` of each coupling's log-scale (default 3). */
  readonly scaleBound?: number;
  /** Initial shift of the output layer, length D (default zeros): e.g. the data's mean. */
  readonly loc?: readonly number[];
  /** Initial scale of the output layer, length D (default ones): e.g. the data's standard deviations. */
  readonly scale?: readonly number[];
  /** Key of the initial weights (default `prngKey(0)`). */
  readonly key?: Key;
  /** Variable-name prefix (default `real_nvp`, made unique). */
  readonly name?: string;
}

/**
 * A RealNVP flow (Dinh et al. 2017): `layers` affine coupling layers with alternating masks
 * (coordinate i is conditioned on in layer k when `i + k` is even), then a trainable elementwise
 * affine map started at `loc` and `scale`:
 *
 *   x = mu + sigma * c_K(... c_1(z)),   z ~ N(0, I_D).
 *
 * Every coupling starts as the identity, so the untrained flow is `N(loc, diag(scale^2))`: pass
 * the data's mean and standard deviations for a well-placed start.
 *
 * @example
 * const flow = realNvp({ dim: 2, layers: 8, hidden: [64, 64], key: prngKey(1) });
 * await fit(flow, flowMaximumLikelihood(), data, { optimizer: tf.train.adam(1e-3), steps: 2000, key: prngKey(2) });
 */
export function realNvp(options: RealNvpOptions): Flow {
  const { dim } = options;
  assertFlowDim(dim);
  const count = options.layers ?? 8;
  assertInteger('layers', count);
  const prefix = uniqueName(options.name ?? 'real_nvp');
  const keys = split(options.key ?? prngKey(0), count);
  const couplings = keys.map((key, k) =>
    affineCoupling({
      dim,
      mask: Array.from({ length: dim }, (_, i) => ((i + k) % 2 === 0 ? 1 : 0)),
      hidden: options.hidden,
      activation: options.activation,
      scaleBound: options.scaleBound,
      key,
      name: `${prefix}/coupling_${k}`,
    }),
  );
  const output = elementwiseAffine({ dim, loc: options.loc, scale: options.scale, name: `${prefix}/affine` });
  return normalizingFlow({ layers: [...couplings, output] });
}
