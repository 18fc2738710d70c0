/**
 * The one check of a chain state that every sampler runs at the start of `step`, so that a state
 * from another sampler, a disposed state or a state whose tensors were swapped fails with a named
 * error instead of deep inside a tfjs op (or by broadcasting silently).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { assertBatch } from '../validate.js';

/** Which fields a sampler's state caches besides `position`. */
export interface ChainStateFields {
  /** `state.energy`, `E(position)`, shape `[N]`. */
  readonly energy?: boolean;
  /** `state.gradient`, `dE/dx` at `position`, the shape of `position`. */
  readonly gradient?: boolean;
  /** `state.step`, a step counter (an integer >= 0) for step-size schedules. */
  readonly step?: boolean;
}

/**
 * Checks a sampler state: an object whose `position` is a live batch (axis 0 = chains) and whose
 * cached tensors (`energy` `[N]`, `gradient` the shape of `position`) are present, alive and
 * shaped for it, whose position is float32, and whose `step` counter (when asked for) is an integer >= 0. Throws a
 * `ShapeError` / `InvalidArgumentError` naming the field and telling to build the state with
 * `${sampler}(...).init(position, energy)`. Reads nothing from the device.
 *
 * @example
 * step(key, state, energy) {
 *   assertChainState(state, 'mala', { energy: true, gradient: true, step: true });
 *   ...
 * }
 */
export function assertChainState(state: unknown, sampler: string, fields: ChainStateFields = {}): void {
  const fix = `Build the state with ${sampler}(...).init(position, energy) and pass each step's returned state to the next.`;
  if (state === null || typeof state !== 'object') {
    throw new InvalidArgumentError('state', `must be a chain state, got ${String(state)}. ${fix}`);
  }
  const record = state as Record<string, unknown>;
  assertLive('state.position', record.position, fix);
  assertBatch('state.position', record.position, 1);
  const position = record.position;
  assertFloatPositions('state.position', position);
  if (fields.energy) assertCached('state.energy', record.energy, [position.shape[0]!], fix);
  if (fields.gradient) assertCached('state.gradient', record.gradient, position.shape, fix);
  if (fields.step) {
    const step = record.step;
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
      throw new InvalidArgumentError('state.step', `must be the step counter, an integer >= 0, got ${String(step)}. ${fix}`);
    }
  }
}

/**
 * Chain positions must be float32: samplers move them by float arithmetic, and a bool or int32
 * tensor fails inside tfjs (the wasm backend prints "Unknown dtype" and carries on). Throws a
 * `ShapeError` naming `argument` and the cast to apply.
 *
 * @example
 * assertFloatPositions('position', init); // in a sampler's init
 */
export function assertFloatPositions(argument: string, position: tf.Tensor): void {
  if (position.dtype !== 'float32') {
    throw new ShapeError(argument, `must be float32 (chain positions are moved by float arithmetic), got ${position.dtype}. Cast it with tf.cast(x, 'float32').`);
  }
}

function assertLive(argument: string, tensor: unknown, fix: string): void {
  if (tensor instanceof tf.Tensor && tensor.isDisposed) {
    throw new InvalidArgumentError(argument, `was disposed: a state must stay alive until the next step has been computed. ${fix}`);
  }
}

function assertCached(argument: string, tensor: unknown, shape: readonly number[], fix: string): void {
  if (!(tensor instanceof tf.Tensor)) {
    throw new ShapeError(argument, `is missing from the state. ${fix}`);
  }
  assertLive(argument, tensor, fix);
  if (tensor.rank !== shape.length || tensor.shape.some((d: number, i: number) => d !== shape[i])) {
    throw new ShapeError(argument, `has shape [${tensor.shape.join(', ')}] but the position needs [${shape.join(', ')}]. ${fix}`);
  }
}
