import { type Key, assertInteger, prngKey, split } from '@ebm/core';
import { type Activation, uniqueName } from '@ebm/core/models';
import type { Bijector } from './bijector.js';
import { elementwiseAffine } from './elementwise-affine.js';
import { type Flow, normalizingFlow } from './flow.js';
import { assertFlowDim } from './validate.js';

/** Options every coupling flow takes (`realNvp`, `neuralSplineFlow`). */
export interface CouplingFlowOptions {
  /** The dimension D of the data (>= 2). */
  readonly dim: number;
  /** Coupling layers (default 8 for RealNVP, 4 for the spline flow). */
  readonly layers?: number;
  /** Hidden widths of each coupling's conditioner MLP (default `[64, 64]`). */
  readonly hidden?: readonly number[];
  /** The conditioners' hidden activation (default `'swish'`). */
  readonly activation?: Activation;
  /** Initial shift of the output layer, length D (default zeros): e.g. the data's mean. */
  readonly loc?: readonly number[];
  /** Initial scale of the output layer, length D (default ones): e.g. the data's standard deviations. */
  readonly scale?: readonly number[];
  /** Key of the initial weights (default `prngKey(0)`). */
  readonly key?: Key;
  /** Variable-name prefix (made unique). */
  readonly name?: string;
}

/** What a coupling flow builds its k-th layer from: the mask, a key, a name; the flow's own options supply the rest. */
export interface CouplingLayerSpec {
  readonly dim: number;
  readonly mask: readonly number[];
  readonly hidden?: readonly number[];
  readonly activation?: Activation;
  readonly key: Key;
  readonly name: string;
}

/**
 * `layers` couplings from `coupling` with alternating masks (coordinate i is conditioned on in
 * layer k when `i + k` is even), then an elementwise affine output layer started at `loc` and
 * `scale`: `x = mu + sigma * c_K(... c_1(z))`, `z ~ N(0, I)`. Every coupling starts as the
 * identity, so the untrained flow is `N(loc, diag(scale^2))`.
 */
export function couplingFlow(options: CouplingFlowOptions, defaults: { layers: number; name: string }, coupling: (spec: CouplingLayerSpec) => Bijector): Flow {
  const { dim } = options;
  assertFlowDim(dim);
  const count = options.layers ?? defaults.layers;
  assertInteger('layers', count);
  const prefix = uniqueName(options.name ?? defaults.name);
  const keys = split(options.key ?? prngKey(0), count);
  const couplings = keys.map((key, k) =>
    coupling({
      dim,
      mask: Array.from({ length: dim }, (_, i) => ((i + k) % 2 === 0 ? 1 : 0)),
      hidden: options.hidden,
      activation: options.activation,
      key,
      name: `${prefix}/coupling_${k}`,
    }),
  );
  const output = elementwiseAffine({ dim, loc: options.loc, scale: options.scale, name: `${prefix}/affine` });
  return normalizingFlow({ layers: [...couplings, output] });
}
