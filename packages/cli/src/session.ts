/**
 * What every command builds from a run's config: the backend, the data (train and test, drawn by
 * the seed), the model, the sampler and the objective, always in the same order from the same
 * keys, so `ebm train --resume`, `ebm sample` and `ebm eval` see exactly what training saw.
 */
import * as tf from '@tensorflow/tfjs';
import { type Key, type MlpEnergy, type Objective, type Sampler, mlpEnergy, prngKey, split, useBackend } from '@ebm/core';
import { type ToyDataset, toyDatasets } from '@ebm/datasets';
import type { TrainConfig } from './config.js';
import { buildObjective, buildSampler } from './recipes.js';

/** Everything a command needs for one run, built by {@link openSession}; `dispose()` frees its tensors. */
export interface Session {
  readonly config: TrainConfig;
  readonly dataset: ToyDataset;
  /** Training points `[dataSize, 2]`. */
  readonly data: tf.Tensor2D;
  /** Held-out points `[testSize, 2]`. */
  readonly test: tf.Tensor2D;
  readonly model: MlpEnergy;
  readonly sampler: Sampler;
  readonly objective: Objective;
  readonly optimizer: tf.Optimizer;
  /** The key `fit` runs with. */
  readonly trainKey: Key;
  /** The key model samples (plots, MMD) are drawn with. */
  readonly sampleKey: Key;
  dispose(): void;
}

/** The tfjs optimizer named in the config. */
export function buildOptimizer(config: TrainConfig): tf.Optimizer {
  switch (config.optimizer) {
    case 'adam':
      return tf.train.adam(config.learningRate);
    case 'sgd':
      return tf.train.sgd(config.learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(config.learningRate);
  }
}

/**
 * The learning rate of step `step` (0-based): `lr` for `constant`; for `cosine`,
 * `lr_t = lr * (1 + cos(pi t / T)) / 2` with `T = steps` (Loshchilov & Hutter 2017), which
 * anneals the minibatch noise away by the end of the run.
 */
export function learningRateAt(config: TrainConfig, step: number): number {
  if (config.lrSchedule === 'constant') return config.learningRate;
  return (config.learningRate * (1 + Math.cos((Math.PI * Math.min(step, config.steps)) / config.steps))) / 2;
}

/**
 * Sets the learning rate of a tfjs optimizer before a step. SGD has `setLearningRate`; Adam and
 * RMSProp take it in the constructor and read their `learningRate` field on every
 * `applyGradients`, so a schedule assigns that field. Being a function of the step alone, a
 * resumed run follows the same schedule.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  // Duck-typed: tfjs optimizers override `instanceof` (an Adam optimizer passes `instanceof SGDOptimizer`).
  const target = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof target.setLearningRate === 'function') target.setLearningRate(learningRate);
  else target.learningRate = learningRate;
}

/** Selects the backend and builds everything a run needs from its config. */
export async function openSession(config: TrainConfig): Promise<Session> {
  await useBackend(config.backend);
  const [dataKey, testKey, modelKey, trainKey, sampleKey] = split(prngKey(config.seed), 5) as [Key, Key, Key, Key, Key];
  const dataset = toyDatasets[config.dataset];
  const data = dataset.sample(dataKey, config.dataSize);
  const test = dataset.sample(testKey, config.testSize);
  const model = mlpEnergy({ inputShape: [2], hidden: config.hidden, activation: config.activation, key: modelKey, name: 'energy' });
  const sampler = buildSampler(config);
  const disposers: (() => void)[] = [];
  const objective = buildObjective(config, { sampler, data, onDispose: (dispose) => disposers.push(dispose) });
  const optimizer = buildOptimizer(config);
  return {
    config,
    dataset,
    data,
    test,
    model,
    sampler,
    objective,
    optimizer,
    trainKey,
    sampleKey,
    dispose: () => {
      tf.dispose([data, test, ...model.variables]);
      optimizer.dispose();
      for (const dispose of disposers) dispose();
    },
  };
}
