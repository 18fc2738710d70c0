/**
 * Test helpers: Gaussian data with known moments and a plain custom training loop over
 * `objective.gradients` (the loop a README shows), so the tests do not depend on core's `fit`.
 */
import * as tf from '@tensorflow/tfjs';
import { type EnergyModel, type Key, type Objective, disposeReplaced, disposeState, foldIn, normal } from '@ebm/core';

/** `n` draws of N(mean, L L^T): rows `mean + z L^T`. */
export function gaussianSamples(key: Key, n: number, mean: readonly number[], factor: readonly (readonly number[])[]): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(normal(key, [n, mean.length]), tf.transpose(tf.tensor2d(factor as number[][]))), tf.tensor1d([...mean])));
}

/** The sample mean and the (1/N) sample covariance of `[N, D]` data, as plain arrays. */
export function sampleMoments(x: tf.Tensor2D): { mean: number[]; covariance: number[][] } {
  const rows = x.arraySync();
  const n = rows.length;
  const d = rows[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  const covariance = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + (r[i]! - mean[i]!) * (r[j]! - mean[j]!), 0) / n),
  );
  return { mean, covariance };
}

export interface TrainOptions {
  readonly steps: number;
  readonly learningRate: number;
  readonly key: Key;
  /** Reuse `key` at every step (the same noise or projections: a deterministic loss), default false. */
  readonly fixedKey?: boolean;
}

/** Full-batch Adam on `objective.gradients`; returns the last loss. */
export function train<S>(model: EnergyModel, objective: Objective<S>, batch: tf.Tensor, options: TrainOptions): number {
  const optimizer = tf.train.adam(options.learningRate);
  let state = objective.init(model, options.key);
  let last = NaN;
  for (let i = 0; i < options.steps; i++) {
    const key = options.fixedKey ? options.key : foldIn(options.key, i);
    const { loss, grads, metrics, state: next } = objective.gradients(model, batch, state, key);
    // The same variables in the same order at every step (Adam keeps its moments by position).
    const variables = [...model.variables, ...(objective.variables?.(next) ?? [])];
    optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
    if (i === options.steps - 1) last = loss.dataSync()[0]!;
    tf.dispose([loss, grads, metrics]);
    disposeReplaced(state, next);
    state = next;
  }
  optimizer.dispose();
  disposeState(state);
  return last;
}
