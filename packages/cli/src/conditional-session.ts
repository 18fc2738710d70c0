/**
 * What a conditional run builds from its config, always in the same order from the same keys (as
 * session.ts does for the 2-D toys): the backend, the pairs (a conditional toy's (x, y), or the
 * digits with one-hot labels), the model (a conditional MLP energy, the Gaussian regression, or an
 * MLP classifier), the objective and the optimizer.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type ConditionalEnergyModel,
  conditionalMlpEnergy,
  gaussianRegression,
  independentOfInput,
  mlpClassifier,
  packPairs,
} from '@ebm/conditional';
import { type Key, type Objective, type Sampler, permutation, prngKey, split, uniformDistribution, useBackend } from '@ebm/core';
import { type ConditionalToyDataset, conditionalToyDatasets, isConditionalToyName } from '@ebm/datasets';
import { loadDigits } from '@ebm/datasets/node';
import { ConfigError, type TrainConfig } from './config.js';
import { CONDITIONAL_OBJECTIVES, type ConditionalObjectiveName, type ConditionalObjectiveRecipe, buildSgld, isConditionalObjective } from './conditional-recipes.js';
import { buildOptimizer } from './session.js';

/** Classes of the digits. */
export const DIGIT_CLASSES = 10;
/** The digits held out for testing: 20% of the 1,797, by a permutation drawn from the seed. */
export const DIGITS_TEST_FRACTION = 0.2;
/** How much wider than a toy's target range the target noise and the quadrature range are, about its centre. */
export const TARGET_RANGE_SCALE = 1.25;

/** The held-out pairs: inputs, targets (one-hot for the digits) and, for the digits, the labels. */
export interface ConditionalTestSet {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor2D;
  readonly labels?: Int32Array;
}

/** Everything a conditional command needs, built by {@link openConditionalSession}; `dispose()` frees its tensors. */
export interface ConditionalSession {
  readonly config: TrainConfig;
  /** The conditional toy, or undefined for the digits. */
  readonly toy: ConditionalToyDataset | undefined;
  /** Training pairs packed `[N, Dx + Dy]`. */
  readonly data: tf.Tensor2D;
  readonly test: ConditionalTestSet;
  readonly model: ConditionalEnergyModel;
  readonly objective: Objective;
  readonly optimizer: tf.Optimizer;
  /** The JEM sampler (Langevin on [0, 1] images), used for class-conditional samples. */
  readonly sgld: Sampler;
  /** One `[lo, hi]` per target dimension: the toy's range widened 1.25 times about its centre (`TARGET_RANGE_SCALE`). */
  readonly targetRange: readonly [number, number][];
  readonly trainKey: Key;
  readonly sampleKey: Key;
  /** Frees the session's tensors (model, data, test set, objective state). */
  dispose(): void;
}

/** Whether a config trains a conditional model (its objective is one of `CONDITIONAL_OBJECTIVES`). */
export function isConditionalConfig(config: TrainConfig): boolean {
  return isConditionalObjective(config.objective);
}

/** `[lo, hi]` widened by `scale` about its centre. */
function widen([lo, hi]: readonly [number, number], scale: number): [number, number] {
  const [mid, half] = [(lo + hi) / 2, ((hi - lo) / 2) * scale];
  return [mid - half, mid + half];
}

/** Checks that the objective and the data set go together, and returns the recipe. */
function recipeFor(config: TrainConfig): ConditionalObjectiveRecipe {
  const name = config.objective as ConditionalObjectiveName;
  const recipe: ConditionalObjectiveRecipe = CONDITIONAL_OBJECTIVES[name];
  const toys = Object.keys(conditionalToyDatasets).join(', ');
  if (recipe.data === 'digits' && config.dataset !== 'digits') {
    throw new ConfigError(`--objective ${name} trains a classifier on the 8x8 digits: pass --dataset digits (got '${config.dataset}').`);
  }
  if (recipe.data === 'toy' && !isConditionalToyName(config.dataset)) {
    throw new ConfigError(`--objective ${name} trains p(y | x) on a conditional toy: pass --dataset ${toys.replace(/, /g, '|')} (got '${config.dataset}').`);
  }
  return recipe;
}

/** Selects the backend and builds everything a conditional run needs from its config. */
export async function openConditionalSession(config: TrainConfig): Promise<ConditionalSession> {
  const recipe = recipeFor(config);
  await useBackend(config.backend);
  const [dataKey, testKey, modelKey, trainKey, sampleKey] = split(prngKey(config.seed), 5) as [Key, Key, Key, Key, Key];
  const toy = isConditionalToyName(config.dataset) ? conditionalToyDatasets[config.dataset] : undefined;
  const { data, test } = toy === undefined ? await digitsPairs(dataKey) : toyPairs(toy, config, dataKey, testKey);
  const model = buildModel(config, recipe, toy, modelKey);
  const targetRange = (toy?.targetRange ?? []).map((r) => widen(r, TARGET_RANGE_SCALE));
  const sgld = buildSgld(config);
  const objective = recipe.build(config, {
    // Uniform over the cube spanning the widened target range (conditional NCE's noise).
    targetNoise:
      toy === undefined
        ? undefined
        : independentOfInput(
            uniformDistribution({
              eventShape: toy.targetShape,
              low: Math.min(...targetRange.map(([lo]) => lo)),
              high: Math.max(...targetRange.map(([, hi]) => hi)),
            }),
          ),
    imageNoise: uniformDistribution({ eventShape: [64], low: 0, high: 1 }),
    sgld,
  });
  const optimizer = buildOptimizer(config);
  return {
    config,
    toy,
    data,
    test,
    model,
    objective,
    optimizer,
    sgld,
    targetRange,
    trainKey,
    sampleKey,
    dispose: () => {
      tf.dispose([data, test.x, test.y, ...model.variables]);
      optimizer.dispose();
    },
  };
}

/** A toy's training pairs (`dataSize`, packed) and test pairs (`testSize`). */
function toyPairs(toy: ConditionalToyDataset, config: TrainConfig, dataKey: Key, testKey: Key): { data: tf.Tensor2D; test: ConditionalTestSet } {
  const train = toy.sample(dataKey, config.dataSize);
  const data = packPairs(train.x, train.y);
  tf.dispose([train.x, train.y]);
  return { data, test: toy.sample(testKey, config.testSize) };
}

/** The digits split by a seeded permutation: 80% training pairs (images, one-hot labels) and 20% test. */
async function digitsPairs(key: Key): Promise<{ data: tf.Tensor2D; test: ConditionalTestSet }> {
  const { images, labels } = await loadDigits();
  const order = permutation(key, labels.length);
  const testCount = Math.round(DIGITS_TEST_FRACTION * labels.length);
  const [testRows, trainRows] = [order.slice(0, testCount), order.slice(testCount)];
  const pick = (rows: Int32Array) =>
    tf.tidy(() => {
      const x = tf.gather(images, tf.tensor1d(rows, 'int32')) as tf.Tensor2D;
      const rowLabels = Int32Array.from(rows, (r) => labels[r]!);
      return { x, y: tf.oneHot(tf.tensor1d(rowLabels, 'int32'), DIGIT_CLASSES) as tf.Tensor2D, labels: rowLabels };
    });
  const train = pick(trainRows);
  const test = pick(testRows);
  const data = packPairs(train.x, train.y);
  tf.dispose([images, train.x, train.y]);
  return { data, test };
}

/** The model the recipe trains: the baseline's normalised model or an energy. */
function buildModel(config: TrainConfig, recipe: ConditionalObjectiveRecipe, toy: ConditionalToyDataset | undefined, key: Key): ConditionalEnergyModel {
  const common = { hidden: config.hidden, activation: config.activation, key };
  if (toy === undefined) return mlpClassifier({ inputShape: [64], numClasses: DIGIT_CLASSES, name: 'classifier', ...common });
  if (recipe.baseline) return gaussianRegression({ inputShape: toy.inputShape, targetDim: toy.targetShape[0]!, name: 'gaussian_regression', ...common });
  return conditionalMlpEnergy({ inputShape: toy.inputShape, targetShape: toy.targetShape, name: 'energy', ...common });
}
