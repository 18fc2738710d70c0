/**
 * What every command builds from a run's config: the backend, the data (train and test, drawn by
 * the seed), the model, the sampler and the objective, always in the same order from the same
 * keys, so `ebm train --resume`, `ebm sample` and `ebm eval` see exactly what training saw.
 */
import * as tf from '@tensorflow/tfjs';
import { type EnergyModel, type Key, type Objective, type Sampler, cosineDecay, foldIn, prngKey, split, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import type { Flow } from '@ebm/flows';
import { adam, rmsprop, sgd } from '@ebm/core/train';
import { type ToyDataset, isToyDatasetName, toyDatasets } from '@ebm/datasets';
import { ConfigError, type TrainConfig } from './config.js';
import { buildFlow, buildObjective, densityRecipe } from './objectives.js';
import { buildSampler } from './samplers.js';

/** Everything a command needs for one run, built by {@link openSession}; `dispose()` frees its tensors. */
export interface Session {
  readonly config: TrainConfig;
  readonly dataset: ToyDataset;
  /** Training points `[dataSize, 2]`. */
  readonly data: tf.Tensor2D;
  /** Held-out points `[testSize, 2]`. */
  readonly test: tf.Tensor2D;
  /** What `fit` trains: the MLP energy, or the flow for objectives that train the flow alone. */
  readonly model: EnergyModel;
  /** The run's normalizing flow, for the objectives that train one (fce: against the energy; flow: it is the model). */
  readonly flow?: Flow;
  readonly sampler: Sampler;
  readonly objective: Objective;
  readonly optimizer: tf.Optimizer;
  /** The key `fit` runs with. */
  readonly trainKey: Key;
  /** The key model samples (plots, MMD) are drawn with. */
  readonly sampleKey: Key;
  /** Frees the session's tensors (model, data, objective state). */
  dispose(): void;
}

/**
 * The optimizer named in the config, from `@ebm/core/train`. With `lrSchedule: 'cosine'` its
 * learning rate follows `lr_t = lr (1 + cos(pi t / T)) / 2` with `T = steps` (Loshchilov & Hutter
 * 2017), which anneals the minibatch noise away by the end of the run. The schedule runs off the
 * optimizer's own update count, which checkpoints save, so a resumed run continues it.
 */
export function buildOptimizer(config: Pick<TrainConfig, 'optimizer' | 'learningRate' | 'lrSchedule' | 'steps'>): tf.Optimizer {
  const learningRate = config.lrSchedule === 'cosine' ? cosineDecay({ initial: config.learningRate, decaySteps: config.steps }) : config.learningRate;
  switch (config.optimizer) {
    case 'adam':
      return adam({ learningRate });
    case 'sgd':
      return sgd({ learningRate });
    case 'rmsprop':
      return rmsprop({ learningRate });
  }
}

/** Selects the backend and builds everything a run needs from its config. */
export async function openSession(config: TrainConfig): Promise<Session> {
  await useBackend(config.backend);
  const [dataKey, testKey, modelKey, trainKey, sampleKey] = split(prngKey(config.seed), 5) as [Key, Key, Key, Key, Key];
  if (!isToyDatasetName(config.dataset)) throw new ConfigError(`--dataset ${config.dataset} is not a 2-D toy; it trains with a conditional objective (ebm list).`);
  const dataset = toyDatasets[config.dataset];
  const data = dataset.sample(dataKey, config.dataSize);
  const test = dataset.sample(testKey, config.testSize);
  // The flow's key derives from the model's, so adding it left every other key (and run) as it was.
  let flow: Flow | undefined;
  const runFlow = (): Flow => (flow ??= buildFlow(config, data, foldIn(modelKey, 1)));
  const recipe = densityRecipe(config.objective);
  const model =
    recipe.model === 'flow' ? runFlow() : mlpEnergy({ inputShape: [2], hidden: config.hidden, activation: config.activation, key: modelKey, name: 'energy' });
  const sampler = buildSampler(config);
  const disposers: (() => void)[] = [];
  const objective = buildObjective(config, { sampler, data, flow: runFlow, onDispose: (dispose) => disposers.push(dispose) });
  const optimizer = buildOptimizer(config);
  return {
    config,
    dataset,
    data,
    test,
    model,
    ...(flow === undefined ? {} : { flow }),
    sampler,
    objective,
    optimizer,
    trainKey,
    sampleKey,
    dispose: () => {
      tf.dispose([data, test, ...model.variables, ...(flow?.variables ?? [])]);
      optimizer.dispose();
      for (const dispose of disposers) dispose();
    },
  };
}
