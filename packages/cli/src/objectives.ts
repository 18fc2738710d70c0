/**
 * The objectives a config may name (`objective`). Each recipe declares the config keys it reads
 * (defaults and flag help included), its `ebm list` line and how it is built from its plugin
 * package; the config schema, the flags and their help are derived from here, so adding an
 * objective means adding an entry to this file.
 */
import type * as tf from '@tensorflow/tfjs';
import { contrastiveDivergence } from '@ebm/cd';
import { InvalidArgumentError, type Objective, type Sampler } from '@ebm/core';
import { gaussianNoise, nce } from '@ebm/nce';
import { denoisingScoreMatching, scoreMatching, slicedScoreMatching } from '@ebm/score-matching';
import { z } from 'zod';
import type { ConfigKeys, ConfigValues, Recipe, RegistryKeys } from './recipe.js';
import { CHAIN_START } from './samplers.js';

/** What an objective may need besides its config: the sampler, the training data, and a place to register clean-up. */
export interface ObjectiveContext {
  readonly sampler: Sampler;
  readonly data: tf.Tensor2D;
  /** Registers a function that frees what the objective holds (e.g. NCE's noise tensors) when the session ends. */
  readonly onDispose: (dispose: () => void) => void;
}

/** An objective recipe reading the config keys `K`. */
export type ObjectiveRecipe<K extends ConfigKeys = ConfigKeys> = Recipe<K, ObjectiveContext, Objective>;

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
} as const;

/** An objective name a config may give. */
export type ObjectiveName = keyof typeof OBJECTIVES;

/** The config values every objective recipe reads (the config's objective may also name a conditional recipe). */
export type ObjectiveConfig = ConfigValues<RegistryKeys<typeof OBJECTIVES>> & { readonly objective: string };

/** The objective named in the config. */
export function buildObjective(config: ObjectiveConfig, context: ObjectiveContext): Objective {
  if (!Object.hasOwn(OBJECTIVES, config.objective)) {
    throw new InvalidArgumentError('objective', `'${config.objective}' does not train a density of 2-D points; use one of ${Object.keys(OBJECTIVES).join(', ')}.`);
  }
  const recipe: ObjectiveRecipe = OBJECTIVES[config.objective as ObjectiveName];
  return recipe.build(config, context);
}
