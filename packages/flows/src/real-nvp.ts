import { affineCoupling } from './affine-coupling.js';
import { type CouplingFlowOptions, couplingFlow } from './coupling-flow.js';
import type { Flow } from './flow.js';

/** Options of {@link realNvp}: those of every coupling flow, and the affine couplings' scale bound. */
export interface RealNvpOptions extends CouplingFlowOptions {
  /** Bound `B` of each coupling's log-scale (default 3). */
  readonly scaleBound?: number;
}

/**
 * A RealNVP flow (Dinh et al. 2017): `layers` (default 8) affine coupling layers with alternating
 * masks (coordinate i is conditioned on in layer k when `i + k` is even), then a trainable
 * elementwise affine map started at `loc` and `scale`:
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
  return couplingFlow(options, { layers: 8, name: 'real_nvp' }, (spec) => affineCoupling({ ...spec, scaleBound: options.scaleBound }));
}
