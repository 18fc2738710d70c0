/**
 * The samplers a config may name (`sampler`): the negatives of the sampling objectives, and the
 * model samples of `ebm sample`, the MMD and the pictures. Each recipe declares the config keys
 * it reads; adding a sampler means adding an entry here.
 */
import { type Distribution, type Sampler, normalDistribution } from '@ebm/core';
import { langevin, mala } from '@ebm/mcmc-langevin';
import { hmc } from '@ebm/mcmc-hmc';
import { randomWalkMetropolis } from '@ebm/mcmc-mh';
import { z } from 'zod';
import type { ConfigKeys, ConfigValues, Recipe, RegistryKeys } from './recipe.js';

/** A sampler recipe reading the config keys `K`. */
export type SamplerRecipe<K extends ConfigKeys = ConfigKeys> = Recipe<K, void, Sampler>;

/** A sampler recipe, with its build function typed by its keys. */
function samplerRecipe<K extends ConfigKeys>(recipe: SamplerRecipe<K>): SamplerRecipe<K> {
  return recipe;
}

/**
 * Where fresh chains start: the chains that draw model samples, and the noise-started chains of
 * the sampling objectives. `N(0, 2^2 I)` covers the toy data sets, which live in about [-4, 4]^2.
 */
export const CHAIN_START: Distribution = normalDistribution({ eventShape: [2], std: 2 });

/** The step size every sampler reads (one key, so switching samplers keeps the flag). */
const stepSize = z.number().positive().default(0.01).describe('sampler step size: Langevin/MALA h, random-walk scale, HMC leapfrog step');

/** The samplers by config name, each with its `ebm list` line, config keys and builder. */
export const SAMPLERS = {
  langevin: samplerRecipe({
    description: 'unadjusted Langevin (@ebm/mcmc-langevin)',
    keys: { stepSize },
    build: (c) => langevin({ stepSize: c.stepSize }),
  }),
  mala: samplerRecipe({
    description: 'Metropolis-adjusted Langevin (@ebm/mcmc-langevin)',
    keys: { stepSize },
    build: (c) => mala({ stepSize: c.stepSize }),
  }),
  rwm: samplerRecipe({
    description: 'random-walk Metropolis, scale = step size (@ebm/mcmc-mh)',
    keys: { stepSize },
    build: (c) => randomWalkMetropolis({ scale: c.stepSize }),
  }),
  hmc: samplerRecipe({
    description: 'Hamiltonian Monte Carlo (@ebm/mcmc-hmc)',
    keys: { stepSize, leapfrogSteps: z.number().int().positive().default(5).describe('HMC leapfrog steps per step') },
    build: (c) => hmc({ stepSize: c.stepSize, numLeapfrogSteps: c.leapfrogSteps }),
  }),
} as const;

/** A sampler name a config may give. */
export type SamplerName = keyof typeof SAMPLERS;

/** The config values every sampler recipe reads. */
export type SamplerConfig = ConfigValues<RegistryKeys<typeof SAMPLERS>> & { readonly sampler: SamplerName };

/** The sampler named in the config. */
export function buildSampler(config: SamplerConfig): Sampler {
  const recipe: SamplerRecipe = SAMPLERS[config.sampler];
  return recipe.build(config);
}
