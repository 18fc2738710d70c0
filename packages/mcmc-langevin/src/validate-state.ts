/** The state check shared by `langevin` and `mala` (their cached tensors: core's `assertCachedShape`). */
import { InvalidArgumentError, assertBatch } from '@ebm/core';

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
