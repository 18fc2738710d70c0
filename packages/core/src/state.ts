import * as tf from '@tensorflow/tfjs';

/**
 * Disposes every tensor held (at any depth) by a sampler or objective state. Variables are
 * disposed too. Use it on the previous state once the next one has been computed.
 */
export function disposeState(state: unknown): void {
  tf.dispose(collectTensors(state));
}

/** Every tensor reachable from `value` through arrays and plain objects. */
export function collectTensors(value: unknown, out: tf.Tensor[] = []): tf.Tensor[] {
  if (value instanceof tf.Tensor) {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectTensors(item, out);
  } else if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const item of Object.values(value)) collectTensors(item, out);
  }
  return out;
}

/**
 * Disposes the tensors of `previous` that `next` does not also hold (compared by identity), for
 * states that carry some tensors over from one step to the next: a `tf.Variable` such as NCE's
 * learned log Z, or a replay buffer an objective updates in place. Everything only `previous`
 * reaches is released; everything `next` reaches stays alive.
 *
 * @example
 * const step = objective.gradients(model, batch, state, key);
 * disposeReplaced(state, step.state); // state.logZ survives, the old chains are freed
 * state = step.state;
 */
export function disposeReplaced(previous: unknown, next: unknown): void {
  const kept = new Set(collectTensors(next));
  tf.dispose(collectTensors(previous).filter((tensor) => !kept.has(tensor)));
}
