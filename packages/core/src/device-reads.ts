import * as tf from '@tensorflow/tfjs';

/**
 * Runs `fn` and returns how many times it read tensor data from the device (`dataSync`, `data`,
 * `arraySync`, `array`, `dataToGPU`: every read through the tfjs engine). On webgl and webgpu each
 * read waits for the GPU, so a training step should make at most one.
 *
 * @example
 * const reads = await countDeviceReads(() => objective.gradients(model, batch, state, key));
 */
export async function countDeviceReads(fn: () => unknown): Promise<number> {
  const engine = tf.engine() as unknown as Record<'read' | 'readSync' | 'readToGPU', (...args: unknown[]) => unknown>;
  const originals = { read: engine.read, readSync: engine.readSync, readToGPU: engine.readToGPU };
  let reads = 0;
  for (const method of Object.keys(originals) as (keyof typeof originals)[]) {
    const original = originals[method];
    engine[method] = function (this: unknown, ...args: unknown[]) {
      reads++;
      return original.apply(this, args);
    };
  }
  try {
    await fn();
  } finally {
    Object.assign(engine, originals);
  }
  return reads;
}
