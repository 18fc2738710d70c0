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
