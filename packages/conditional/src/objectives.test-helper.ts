/**
 * Test helper: full-batch Adam on `objective.gradients` for a conditional model, the custom loop
 * a README shows, with an optional fixed key (the same noise at every step: a deterministic loss
 * whose minimiser can be computed in closed form) and Polyak averaging of the last steps.
 */
import * as tf from '@tensorflow/tfjs';
import { type EnergyModel, type Key, type Objective, disposeReplaced, disposeState, foldIn } from '@ebm/core';

/** Options of {@link trainFullBatch}. */
export interface FullBatchOptions {
  readonly steps: number;
  readonly learningRate: number;
  readonly key: Key;
  /** Reuse `key` at every step (default false). */
  readonly fixedKey?: boolean;
  /** Average each variable over this many last steps (default 1: the last iterate). */
  readonly average?: number;
}

/** Trains `model` on the whole `batch` and returns every variable's (averaged) final value by name. */
export function trainFullBatch<S>(model: EnergyModel, objective: Objective<S>, batch: tf.Tensor, options: FullBatchOptions): Record<string, number[]> {
  const { steps, learningRate, key, fixedKey = false, average = 1 } = options;
  const optimizer = tf.train.adam(learningRate);
  const sums: Record<string, number[]> = {};
  let state = objective.init(model, key);
  for (let t = 0; t < steps; t++) {
    const step = objective.gradients(model, batch, state, fixedKey ? key : foldIn(key, t));
    optimizer.applyGradients(model.variables.map((v) => ({ name: v.name, tensor: step.grads[v.name]! })));
    tf.dispose([step.loss, step.grads, step.metrics]);
    disposeReplaced(state, step.state);
    state = step.state;
    if (t >= steps - average) {
      for (const v of model.variables) {
        const values = Array.from(v.dataSync(), Number);
        sums[v.name] = (sums[v.name] ?? values.map(() => 0)).map((s, i) => s + values[i]! / average);
      }
    }
  }
  optimizer.dispose();
  disposeState(state);
  return sums;
}
