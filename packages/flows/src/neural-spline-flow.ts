import { type CouplingFlowOptions, couplingFlow } from './coupling-flow.js';
import type { Flow } from './flow.js';
import { splineCoupling } from './spline-coupling.js';

/** Options of {@link neuralSplineFlow}: those of every coupling flow, and the splines' bins and bound. */
export interface NeuralSplineFlowOptions extends CouplingFlowOptions {
  /** Bins K of each spline (default 8). */
  readonly bins?: number;
  /** Each spline acts on `[-B, B]` of the standardised coordinates, the identity outside (default 4). */
  readonly bound?: number;
}

/**
 * A neural spline flow (Durkan et al. 2019): `layers` (default 4) rational-quadratic spline
 * coupling layers with alternating masks, then a trainable elementwise affine map started at `loc`
 * and `scale`, `x = mu + sigma * c_K(... c_1(z))`, `z ~ N(0, I_D)`. The splines act on the
 * standardised coordinates in `[-bound, bound]`, so pass the data's mean and standard deviations as
 * `loc` and `scale`. Four spline layers model multimodal 2-D densities that eight affine couplings
 * cannot (checkerboard, spirals).
 *
 * @example
 * const flow = neuralSplineFlow({ dim: 2, layers: 4, bins: 8, hidden: [32, 32], loc: mean, scale: std, key: prngKey(1) });
 */
export function neuralSplineFlow(options: NeuralSplineFlowOptions): Flow {
  return couplingFlow(options, { layers: 4, name: 'spline_flow' }, (spec) => splineCoupling({ ...spec, bins: options.bins, bound: options.bound }));
}
