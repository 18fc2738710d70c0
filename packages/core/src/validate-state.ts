/**
 * Checks of the tensors a sampler state caches besides its position (`state.energy`,
 * `state.gradient`), shared by every sampler that caches them (MALA, HMC, Metropolis-Hastings).
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from './errors.js';

/**
 * `tensor`, a tensor cached in a chain state, must be present and have exactly `shape` (the
 * energy `[N]`, or the gradient of the position's shape). Otherwise throws a `ShapeError` naming
 * `argument` and telling to build the state with `${sampler}(...).init(position, energy)`: a
 * state from another sampler, or one whose tensors were swapped, would otherwise fail deep
 * inside a tfjs op, or broadcast silently.
 *
 * @example
 * assertCachedShape('state.energy', state.energy, [state.position.shape[0]!], 'hmc');
 * assertCachedShape('state.gradient', state.gradient, state.position.shape, 'hmc');
 */
export function assertCachedShape(argument: string, tensor: unknown, shape: readonly number[], sampler: string): void {
  const fix = `Build the state with ${sampler}(...).init(position, energy) and pass each step's returned state to the next.`;
  if (!(tensor instanceof tf.Tensor)) {
    throw new ShapeError(argument, `is missing from the state. ${fix}`);
  }
  if (tensor.rank !== shape.length || tensor.shape.some((d: number, i: number) => d !== shape[i])) {
    throw new ShapeError(argument, `has shape [${tensor.shape.join(', ')}] but the position needs [${shape.join(', ')}]. ${fix}`);
  }
}
