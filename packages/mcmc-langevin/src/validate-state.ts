/** State checks shared by `langevin` and `mala`. */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError, assertBatch } from '@ebm/core';

/** A chain state carries a position batch (axis 0 = chains) and the step counter `t` of its schedule. */
export function assertStepState(state: { readonly position?: unknown; readonly step?: unknown } | undefined, sampler: string): void {
  if (state === null || typeof state !== 'object') {
    throw new InvalidArgumentError('state', `must be a chain state, got ${String(state)}. Build it with ${sampler}(...).init(position, energy).`);
  }
  assertBatch('state.position', state.position, 1);
  const step = state.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
    throw new InvalidArgumentError(
      'state.step',
      `must be the step counter, an integer >= 0, got ${String(step)}. Build the state with ${sampler}(...).init(position, energy).`,
    );
  }
}

/** `tensor` must be present and have exactly `shape` (a cached energy or gradient). */
export function assertCachedShape(argument: string, tensor: unknown, shape: readonly number[], sampler: string): void {
  const fix = `Build the state with ${sampler}(...).init(position, energy) and pass each step's returned state to the next.`;
  if (!(tensor instanceof tf.Tensor)) {
    throw new ShapeError(argument, `is missing from the state. ${fix}`);
  }
  if (tensor.rank !== shape.length || tensor.shape.some((d: number, i: number) => d !== shape[i])) {
    throw new ShapeError(argument, `has shape [${tensor.shape.join(', ')}] but the position needs [${shape.join(', ')}]. ${fix}`);
  }
}
