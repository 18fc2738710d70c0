/**
 * The objectives and samplers behind the playground's menus, built from @ebm's plugin packages
 * with settings for 2-D data in [-4.5, 4.5]^2.
 */
import type * as tf from '@tensorflow/tfjs';
import { contrastiveDivergence } from '@ebm/cd';
import { type Objective, type Sampler, normalDistribution } from '@ebm/core';
import { hmc } from '@ebm/mcmc-hmc';
import { langevin, mala } from '@ebm/mcmc-langevin';
import { randomWalkMetropolis } from '@ebm/mcmc-mh';
import { gaussianNoise, nce } from '@ebm/nce';
import { denoisingScoreMatching, slicedScoreMatching } from '@ebm/score-matching';
import type { ObjectiveName, SamplerName } from './settings.js';

/**
 * Each sampler with a step size that moves a chain about 0.1-0.3 units per step on these data
 * (Langevin's noise is sqrt(h) per coordinate, random-walk Metropolis proposes N(0, scale^2 I)).
 */
export function buildSampler(name: SamplerName): Sampler {
  switch (name) {
    case 'langevin':
      return langevin({ stepSize: 0.02 });
    case 'mala':
      return mala({ stepSize: 0.05 });
    case 'hmc':
      return hmc({ stepSize: 0.05, numLeapfrogSteps: 5 });
    case 'rwm':
      return randomWalkMetropolis({ scale: 0.3 });
  }
}

/** The moments of the training data, for NCE's Gaussian noise. */
export interface DataMoments {
  readonly mean: readonly number[];
  readonly covariance: readonly (readonly number[])[];
}

/** An objective and the tensors it holds outside its state (NCE's noise), which `dispose` frees. */
export interface BuiltObjective {
  readonly objective: Objective;
  dispose(): void;
}

/** MCMC steps per training step of the sampling objectives (the CLI's default). */
const CHAIN_STEPS = 20;

/**
 * The objective `name`. Sampling objectives draw their negatives with `sampler`; fresh chains
 * start from N(0, 2^2 I), which covers the box. NCE contrasts the data with a Gaussian of the
 * data's mean and covariance (`moments`), four noise samples per data sample.
 */
export function buildObjective(name: ObjectiveName, sampler: Sampler, moments: DataMoments): BuiltObjective {
  const none = () => undefined;
  switch (name) {
    case 'nce': {
      const noise = gaussianNoise(moments);
      return { objective: nce({ noise, ratio: 4 }), dispose: () => noise.dispose() };
    }
    case 'pcd':
    case 'replay': {
      const start = normalDistribution({ eventShape: [2], std: 2 });
      const objective =
        name === 'pcd'
          ? contrastiveDivergence({ sampler, k: CHAIN_STEPS, init: 'persistent', persistentStart: 'noise', noise: start })
          : contrastiveDivergence({ sampler, k: CHAIN_STEPS, init: 'replay', noise: start });
      return { objective, dispose: () => start.dispose?.() };
    }
    case 'dsm':
      return { objective: denoisingScoreMatching({ sigma: 0.1 }), dispose: none };
    case 'ssm':
      return { objective: slicedScoreMatching(), dispose: none };
  }
}

/** The type of an objective's training data: `[N, 2]` float32. */
export type TrainingData = tf.Tensor2D;
