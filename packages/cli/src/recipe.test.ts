import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONFIG_KEYS, RECIPE_KEY_READERS, trainConfigSchema, validateConfig } from './config.js';
import { OBJECTIVES } from './objectives.js';
import { buildProgram } from './program.js';
import { mergeRecipeKeys } from './recipe.js';
import { SAMPLERS } from './samplers.js';

describe('recipe registry', () => {
  it('puts every recipe key in the config schema, with a default and help, and records who reads it', () => {
    for (const [choice, registry] of Object.entries({ objective: OBJECTIVES, sampler: SAMPLERS })) {
      for (const [name, recipe] of Object.entries(registry)) {
        for (const key of Object.keys(recipe.keys)) {
          expect(CONFIG_KEYS).toContain(key);
          expect(RECIPE_KEY_READERS[key]).toMatchObject({ choice });
          expect(RECIPE_KEY_READERS[key]!.recipes).toContain(name);
        }
      }
    }
    expect(RECIPE_KEY_READERS.mcmcSteps).toEqual({ choice: 'objective', recipes: ['cd', 'pcd', 'replay'] });
    expect(RECIPE_KEY_READERS.stepSize).toEqual({ choice: 'sampler', recipes: ['langevin', 'mala', 'rwm', 'hmc'] });
    for (const key of CONFIG_KEYS) expect(trainConfigSchema.shape[key].description, key).toBeTruthy();
    expect(validateConfig({})).toMatchObject({ objective: 'nce', ratio: 4, sampler: 'langevin', stepSize: 0.01, mcmcSteps: 20, bufferSize: 10_000 });
  });

  it('lists recipe flags under their own help heading, naming the recipes that read them', () => {
    const train = buildProgram({ out: () => undefined, err: () => undefined, tty: false }).commands.find((c) => c.name() === 'train')!;
    const help = train.helpInformation();
    expect(help).toMatch(/Objective options:[\s\S]*--mcmc-steps <value>\s+MCMC steps per training step \(cd\/pcd\/replay\)/);
    expect(help).toMatch(/Sampler options:[\s\S]*--leapfrog-steps <value>\s+HMC leapfrog steps per step \(hmc\)/);
  });

  it('refuses two schemas under one key, and a recipe key that redefines a base key', () => {
    const steps = z.number().default(1).describe('steps');
    const a = { build: () => 0, description: 'a', keys: { k: z.number().default(1).describe('k') } };
    const b = { build: () => 0, description: 'b', keys: { k: z.number().default(2).describe('k') } };
    expect(() => mergeRecipeKeys({}, { objective: { a, b } })).toThrow(/objective 'b' redefines config key 'k' of objective 'a'/);
    expect(() => mergeRecipeKeys({ k: steps }, { objective: { a } })).toThrow(/objective 'a' redefines config key 'k' of the base config/);
    const shared = { ...b, keys: a.keys };
    expect(mergeRecipeKeys({ steps }, { objective: { a, shared } }).readers).toEqual({ k: { choice: 'objective', recipes: ['a', 'shared'] } });
  });
});
