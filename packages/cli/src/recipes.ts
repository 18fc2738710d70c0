/**
 * The recipe registry: how each config name becomes a sampler or an objective from its plugin
 * package. A recipe is `objective x sampler x model`; the model is always the MLP energy of
 * `@ebm/core`, the objective and sampler come from here.
 */
import type * as tf from '@tensorflow/tfjs';
import { contrastiveDivergence } from '@ebm/cd';
import type { Objective, Sampler } from '@ebm/core';
import { langevin, mala } from '@ebm/mcmc-langevin';
import { hmc } from '@ebm/mcmc-hmc';
import { randomWalkMetropolis } from '@ebm/mcmc-mh';
import { gaussianNoise, nce } from '@ebm/nce';
import { denoisingScoreMatching, scoreMatching, slicedScoreMatching } from '@ebm/score-matching';
import type { ObjectiveName, SamplerName, TrainConfig } from './config.js';

/** What an objective may need besides its config: the sampler, the training data, and a place to register clean-up. */
export interface ObjectiveContext {
  readonly sampler: Sampler;
  readonly data: tf.Tensor2D;
  /** Registers a function that frees what the objective holds (e.g. NCE's noise tensors) when the session ends. */
  readonly onDispose: (dispose: () => void) => void;
}

interface SamplerEntry {
  readonly description: string;
  readonly build: (config: TrainConfig) => Sampler;
}

interface ObjectiveEntry {
  readonly description: string;
  /** Whether training runs the configured sampler (cd/pcd/replay). */
  readonly usesSampler: boolean;
  readonly build: (config: TrainConfig, context: ObjectiveContext) => Objective;
}

/** Standard deviation of the Gaussian that fresh PCD/replay chains start from: toy data live in about [-4, 4]^2. */
const CHAIN_START_STD = 2;

/** The samplers a config may name (`sampler`), each with its `ebm list` description and how its options map from the config. */
export const SAMPLERS: Readonly<Record<SamplerName, SamplerEntry>> = {
  langevin: { description: 'unadjusted Langevin (@ebm/mcmc-langevin)', build: (c) => langevin({ stepSize: c.stepSize }) },
  mala: { description: 'Metropolis-adjusted Langevin (@ebm/mcmc-langevin)', build: (c) => mala({ stepSize: c.stepSize }) },
  rwm: { description: 'random-walk Metropolis, scale = step size (@ebm/mcmc-mh)', build: (c) => randomWalkMetropolis({ scale: c.stepSize }) },
  hmc: {
    description: 'Hamiltonian Monte Carlo (@ebm/mcmc-hmc)',
    build: (c) => hmc({ stepSize: c.stepSize, numLeapfrogSteps: c.leapfrogSteps }),
  },
};

function cd(init: 'data' | 'persistent' | 'replay'): ObjectiveEntry['build'] {
  return (c, { sampler }) =>
    contrastiveDivergence({
      sampler,
      k: c.mcmcSteps,
      init,
      alpha: c.alpha,
      persistentStart: 'noise',
      noise: { type: 'gaussian', mean: 0, std: CHAIN_START_STD },
      bufferSize: c.bufferSize,
      restartProbability: c.reinitProbability,
    });
}

/** The objectives a config may name (`objective`), each with its `ebm list` description, whether it runs the sampler, and its builder. */
export const OBJECTIVES: Readonly<Record<ObjectiveName, ObjectiveEntry>> = {
  cd: { description: 'CD-k, chains start at the data (@ebm/cd)', usesSampler: true, build: cd('data') },
  pcd: { description: 'persistent CD (@ebm/cd)', usesSampler: true, build: cd('persistent') },
  replay: { description: 'CD with a replay buffer (@ebm/cd)', usesSampler: true, build: cd('replay') },
  nce: {
    description: 'noise-contrastive estimation, Gaussian noise fitted to the data (@ebm/nce)',
    usesSampler: false,
    build: (c, { data, onDispose }) => {
      const noise = gaussianNoise.fit(data);
      onDispose(() => noise.dispose());
      return nce({ noise, ratio: c.ratio });
    },
  },
  dsm: { description: 'denoising score matching (@ebm/score-matching)', usesSampler: false, build: (c) => denoisingScoreMatching({ sigma: c.sigma }) },
  ssm: {
    description: 'sliced score matching, variance-reduced (@ebm/score-matching)',
    usesSampler: false,
    build: (c) => slicedScoreMatching({ projections: c.projections, varianceReduced: true }),
  },
  sm: { description: 'exact score matching, Hessian trace (@ebm/score-matching)', usesSampler: false, build: () => scoreMatching() },
};

/** The sampler named in the config. */
export function buildSampler(config: TrainConfig): Sampler {
  return SAMPLERS[config.sampler].build(config);
}

/** The objective named in the config. */
export function buildObjective(config: TrainConfig, context: ObjectiveContext): Objective {
  return OBJECTIVES[config.objective].build(config, context);
}
