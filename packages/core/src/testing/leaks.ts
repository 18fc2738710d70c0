import * as tf from '@tensorflow/tfjs';

export interface LeakCheckOptions {
  /** Iterations run before counting, so lazily created tensors (optimizer slots, caches) exist (default 3). */
  readonly warmup?: number;
}

function report(before: number, after: number, iterations: number): void {
  if (after !== before) {
    const perIteration = (after - before) / iterations;
    throw new Error(
      `Tensor leak: tf.memory().numTensors went from ${before} to ${after} over ${iterations} iterations ` +
        `(${perIteration.toFixed(3)} per iteration). Wrap the step in tf.tidy and dispose the previous state.`,
    );
  }
}

/**
 * Asserts that `fn` leaves `tf.memory().numTensors` unchanged over `iterations` calls (after
 * `warmup` calls). `fn` must dispose what it owns, exactly as a caller of a sampler or objective
 * would; a step that leaks even one tensor per call fails with the per-iteration count.
 *
 * @example
 * let state = sampler.init(x0, energy);
 * expectNoLeaks((i) => { const [next] = sampler.step(foldIn(key, i), state, energy); disposeState(state); state = next; }, 1000);
 */
export function expectNoLeaks(fn: (iteration: number) => void, iterations = 1000, options: LeakCheckOptions = {}): void {
  const warmup = options.warmup ?? 3;
  for (let i = 0; i < warmup; i++) fn(i);
  const before = tf.memory().numTensors;
  for (let i = 0; i < iterations; i++) fn(warmup + i);
  report(before, tf.memory().numTensors, iterations);
}

/** {@link expectNoLeaks} for an asynchronous `fn` (training loops, checkpoint saves). */
export async function expectNoLeaksAsync(
  fn: (iteration: number) => Promise<void>,
  iterations = 1000,
  options: LeakCheckOptions = {},
): Promise<void> {
  const warmup = options.warmup ?? 3;
  for (let i = 0; i < warmup; i++) await fn(i);
  const before = tf.memory().numTensors;
  for (let i = 0; i < iterations; i++) await fn(warmup + i);
  report(before, tf.memory().numTensors, iterations);
}
