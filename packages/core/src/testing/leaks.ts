import * as tf from '@tensorflow/tfjs';
import { type Key, foldIn, prngKey, split } from '../key.js';
import { disposeReplaced, disposeState } from '../state.js';
import type { ChainState, EnergyFn, EnergyModel, Objective, Sampler, StepInfo } from '../types.js';

/** Options of {@link expectNoLeaks} and {@link expectNoLeaksAsync}. */
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
 * expectNoLeaks((i) => { const [next, info] = sampler.step(foldIn(key, i), state, energy); disposeState([state, info]); state = next; }, 1000);
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

/**
 * Asserts that a sampler leaks nothing: runs `iterations` steps from `init` (step i with
 * `foldIn(key, i)`), disposing each previous state and each step's info as a caller must, and checks with
 * {@link expectNoLeaks} that `tf.memory().numTensors` stays constant. Disposes its own states;
 * `init` stays the caller's.
 *
 * @example
 * expectSamplerNoLeaks(mala({ stepSize: 0.3 }), { energy: model.energy, init: tf.zeros([4, 2]) });
 */
export function expectSamplerNoLeaks<S extends ChainState, I extends StepInfo>(
  sampler: Sampler<S, I>,
  options: { readonly energy: EnergyFn; readonly init: tf.Tensor; readonly key?: Key; readonly iterations?: number },
): void {
  const { energy, init, key = prngKey(0), iterations = 1000 } = options;
  let state = sampler.init(init, energy);
  try {
    expectNoLeaks((i) => {
      const [next, info] = sampler.step(foldIn(key, i), state, energy);
      disposeState([state, info]);
      state = next;
    }, iterations);
  } finally {
    disposeState(state);
  }
}

/**
 * Asserts that an objective leaks nothing over `iterations` training steps on `batch`: each step
 * calls `gradients` (step i with `foldIn(key, i)`), applies the gradients of the model's and the
 * objective's variables with SGD at `learningRate`, disposes the loss, gradients and metrics, and frees
 * what the next state no longer holds ({@link disposeReplaced}), as a training loop must. Checks
 * with {@link expectNoLeaks} that `tf.memory().numTensors` stays constant, then disposes the last
 * state; `model` and `batch` stay the caller's.
 *
 * @example
 * expectObjectiveNoLeaks(nce({ noise, ratio: 2 }), { model, batch: data });
 */
export function expectObjectiveNoLeaks<S>(
  objective: Objective<S>,
  options: {
    readonly model: EnergyModel;
    readonly batch: tf.Tensor;
    readonly key?: Key;
    readonly iterations?: number;
    readonly learningRate?: number;
  },
): void {
  const { model, batch, key = prngKey(0), iterations = 1000, learningRate = 1e-3 } = options;
  const [initKey, stepKey] = split(key) as [Key, Key];
  const optimizer = tf.train.sgd(learningRate);
  let state = objective.init(model, initKey);
  try {
    const variables = [...model.variables, ...(objective.variables?.(state) ?? [])];
    expectNoLeaks((i) => {
      const step = objective.gradients(model, batch, state, foldIn(stepKey, i));
      optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: step.grads[v.name]! })));
      tf.dispose([step.loss, ...Object.values(step.grads), ...Object.values(step.metrics)]);
      disposeReplaced(state, step.state);
      state = step.state;
    }, iterations);
  } finally {
    disposeState(state);
    optimizer.dispose();
  }
}
