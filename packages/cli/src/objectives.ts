/**
 * The objectives a config may name (`objective`). Each recipe declares the config keys it reads
 * (defaults and flag help included), its `ebm list` line and how it is built from its plugin
 * package; the config schema, the flags and their help are derived from here, so adding an
 * objective means adding an entry to this file.
 */
import * as tf from '@tensorflow/tfjs';
import { contrastiveDivergence } from '@ebm/cd';
import { InvalidArgumentError, type Key, type Objective, type Sampler, disposeReplaced } from '@ebm/core';
import { type Flow, fce, flowMaximumLikelihood, neuralSplineFlow, realNvp } from '@ebm/flows';
import { gaussianNoise, nce } from '@ebm/nce';
import { denoisingScoreMatching, scoreMatching, slicedScoreMatching } from '@ebm/score-matching';
import { z } from 'zod';
import type { ConfigKeys, ConfigValues, Recipe, RegistryKeys } from './recipe.js';
import { CHAIN_START } from './samplers.js';

/** What an objective may need besides its config: the sampler, the training data, the run's flow, and a place to register clean-up. */
export interface ObjectiveContext {
  readonly sampler: Sampler;
  readonly data: tf.Tensor2D;
  /** The run's normalizing flow ({@link buildFlow}, built on the first call; later calls return the same flow), for the objectives that train one. */
  readonly flow: () => Flow;
  /** Registers a function that frees what the objective holds (e.g. NCE's noise tensors) when the session ends. */
  readonly onDispose: (dispose: () => void) => void;
}

/**
 * An objective recipe reading the config keys `K`. `model` says what `fit` trains: the config's
 * MLP energy (`'energy'`, the default) or the run's flow (`'flow'`: its energy is `-log q`, so the
 * CLI evaluates it like any energy, and draws its samples exactly instead of by MCMC).
 */
export type ObjectiveRecipe<K extends ConfigKeys = ConfigKeys> = Recipe<K, ObjectiveContext, Objective> & { readonly model?: 'energy' | 'flow' };

/** An objective recipe, with its build function typed by its keys. */
function objectiveRecipe<K extends ConfigKeys>(recipe: ObjectiveRecipe<K>): ObjectiveRecipe<K> {
  return recipe;
}

/** The keys of the contrastive-divergence recipes (cd, pcd, replay): one schema each, shared. */
const chainKeys = {
  mcmcSteps: z.number().int().positive().default(20).describe('MCMC steps per training step'),
  alpha: z.number().min(0).default(0).describe('weight alpha of the energy regulariser alpha (E(x+)^2 + E(x-)^2)'),
};

/** The options every contrastive-divergence recipe passes: the sampler, k, alpha, and where fresh chains start. */
function chainOptions(c: ConfigValues<typeof chainKeys>, sampler: Sampler) {
  return { sampler, k: c.mcmcSteps, alpha: c.alpha, noise: CHAIN_START };
}

/** The flow architectures a config may name: rational-quadratic spline couplings, or RealNVP's affine couplings. */
export const FLOW_KINDS = ['spline', 'realnvp'] as const;

/**
 * The keys of the run's flow (fce, flow): `flowLayers` couplings of `flowKind`, each conditioned by
 * an MLP with two hidden layers of `flowWidth`; splines have `flowBins` bins on [-4, 4] of the
 * standardised coordinates.
 */
const flowKeys = {
  flowKind: z.enum(FLOW_KINDS).default('spline').describe('flow coupling layers: rational-quadratic splines or RealNVP affine'),
  flowLayers: z.number().int().positive().default(4).describe('coupling layers of the flow'),
  flowWidth: z.number().int().positive().default(32).describe('width of the two hidden layers of each coupling\'s conditioner MLP'),
  flowBins: z.number().int().min(2).default(8).describe('bins of each spline coupling'),
};

/** The flow keys' values. */
export type FlowConfig = ConfigValues<typeof flowKeys>;

/**
 * The run's flow: `flowLayers` couplings of `flowKind` (`neuralSplineFlow` or `realNvp` of
 * `@ebm/flows`) with conditioners of two hidden layers of `flowWidth`, its output layer started at
 * the training data's mean and standard deviations (the untrained flow is the data's diagonal
 * Gaussian, a better start than N(0, I), and the splines act on standardised coordinates).
 */
export function buildFlow(config: FlowConfig, data: tf.Tensor2D, key: Key): Flow {
  const [loc, scale] = tf.tidy(() => {
    const { mean, variance } = tf.moments(data, 0);
    return [Array.from(mean.dataSync()), Array.from(variance.dataSync(), Math.sqrt)];
  });
  const options = { dim: 2, layers: config.flowLayers, hidden: [config.flowWidth, config.flowWidth], loc, scale, key, name: 'flow' };
  return config.flowKind === 'spline' ? neuralSplineFlow({ ...options, bins: config.flowBins }) : realNvp(options);
}

/**
 * Frees an objective state once training or loading is over, keeping the run's flow: when the
 * state holds the flow's trained variables in place of the session's own (an fce state restored
 * from a checkpoint), their values are copied into the session's flow first.
 */
export function releaseObjectiveState(objective: Objective, state: unknown, flow: Flow | undefined): void {
  const trained = (objective as { flow?: (state: unknown) => Flow }).flow?.(state);
  if (flow !== undefined && trained !== undefined && trained !== flow) {
    flow.variables.forEach((v, i) => v.assign(trained.variables[i]!));
  }
  disposeReplaced(state, flow?.variables ?? []);
}

/** The objectives by config name, each with its `ebm list` line, config keys and builder. */
export const OBJECTIVES = {
  cd: objectiveRecipe({
    description: 'CD-k, chains start at the data (@ebm/cd)',
    keys: chainKeys,
    build: (c, { sampler }) => contrastiveDivergence({ ...chainOptions(c, sampler), init: 'data' }),
  }),
  pcd: objectiveRecipe({
    description: 'persistent CD, chains start from noise (@ebm/cd)',
    keys: chainKeys,
    build: (c, { sampler }) => contrastiveDivergence({ ...chainOptions(c, sampler), init: 'persistent', persistentStart: 'noise' }),
  }),
  replay: objectiveRecipe({
    description: 'CD with a replay buffer (@ebm/cd)',
    keys: {
      ...chainKeys,
      bufferSize: z.number().int().positive().default(10_000).describe('replay buffer size'),
      reinitProbability: z.number().min(0).max(1).default(0.05).describe('probability that a replay chain restarts from fresh noise'),
    },
    build: (c, { sampler }) =>
      contrastiveDivergence({ ...chainOptions(c, sampler), init: 'replay', bufferSize: c.bufferSize, restartProbability: c.reinitProbability }),
  }),
  nce: objectiveRecipe({
    description: 'noise-contrastive estimation, Gaussian noise fitted to the data (@ebm/nce)',
    keys: { ratio: z.number().int().positive().default(4).describe('NCE noise samples per data sample') },
    build: (c, { data, onDispose }) => {
      const noise = gaussianNoise.fit(data);
      onDispose(() => noise.dispose());
      return nce({ noise, ratio: c.ratio });
    },
  }),
  dsm: objectiveRecipe({
    description: 'denoising score matching (@ebm/score-matching)',
    keys: { sigma: z.number().positive().default(0.1).describe('noise level of denoising score matching') },
    build: (c) => denoisingScoreMatching({ sigma: c.sigma }),
  }),
  ssm: objectiveRecipe({
    description: 'sliced score matching, variance-reduced (@ebm/score-matching)',
    keys: { projections: z.number().int().positive().default(1).describe('random projections per sample') },
    build: (c) => slicedScoreMatching({ projections: c.projections, varianceReduced: true }),
  }),
  sm: objectiveRecipe({
    description: 'exact score matching, Hessian trace (@ebm/score-matching)',
    keys: {},
    build: () => scoreMatching(),
  }),
  fce: objectiveRecipe({
    description: 'flow contrastive estimation: NCE against a normalizing flow trained with the model (@ebm/flows)',
    keys: {
      ...flowKeys,
      fceRatio: z.number().positive().default(1).describe('FCE flow samples per data sample'),
      warmupSteps: z.number().int().min(0).default(0).describe('FCE steps in which the flow learns by maximum likelihood before the adversarial phase'),
      mleWeight: z.number().min(0).default(0).describe('weight of the flow\'s negative log-likelihood in its FCE loss after the warm-up'),
    },
    build: (c, { flow }) => fce({ flow: flow(), ratio: c.fceRatio, warmupSteps: c.warmupSteps, mleWeight: c.mleWeight }),
  }),
  flow: objectiveRecipe({
    description: 'the normalizing flow alone by maximum likelihood, a baseline; its energy is -log q (@ebm/flows)',
    keys: flowKeys,
    model: 'flow',
    build: () => flowMaximumLikelihood(),
  }),
} as const;

/** An objective name a config may give. */
export type ObjectiveName = keyof typeof OBJECTIVES;

/** The config values every objective recipe reads (the config's objective may also name a conditional recipe). */
export type ObjectiveConfig = ConfigValues<RegistryKeys<typeof OBJECTIVES>> & { readonly objective: string };

/** The recipe of a 2-D density objective; an `InvalidArgumentError` for any other name (a conditional objective). */
export function densityRecipe(name: string): ObjectiveRecipe {
  if (!Object.hasOwn(OBJECTIVES, name)) {
    throw new InvalidArgumentError('objective', `'${name}' does not train a density of 2-D points; use one of ${Object.keys(OBJECTIVES).join(', ')}.`);
  }
  return OBJECTIVES[name as ObjectiveName];
}

/** The objective named in the config. */
export function buildObjective(config: ObjectiveConfig, context: ObjectiveContext): Objective {
  return densityRecipe(config.objective).build(config, context);
}
