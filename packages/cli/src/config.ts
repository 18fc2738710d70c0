/**
 * The training configuration: one flat record, the same keys in a `--config` JSON file and as
 * command-line flags (`learningRate` <-> `--learning-rate`), validated with a zod schema so that a
 * wrong key or value names itself and lists what is accepted. The base keys are here; each
 * objective and sampler recipe brings its own (objectives.ts, samplers.ts).
 */
import { BACKEND_NAMES } from '@ebm/core';
import { ACTIVATIONS } from '@ebm/core/models';
import { CONDITIONAL_TOY_NAMES, TOY_DATASET_NAMES } from '@ebm/datasets';
import { z } from 'zod';
import { CONDITIONAL_OBJECTIVES } from './conditional-recipes.js';
import { OBJECTIVES } from './objectives.js';
import { mergeRecipeKeys, namesOf } from './recipe.js';
import { SAMPLERS } from './samplers.js';

/** Every objective recipe: the 2-D density ones (`OBJECTIVES`), then the conditional ones (`CONDITIONAL_OBJECTIVES`). */
const ALL_OBJECTIVES = { ...OBJECTIVES, ...CONDITIONAL_OBJECTIVES };

/** Objectives the CLI knows, in the order of the registries (`OBJECTIVES`, then `CONDITIONAL_OBJECTIVES`). */
export const OBJECTIVE_NAMES = namesOf(ALL_OBJECTIVES);

/** Data sets: the 2-D toys, the conditional toys (pairs x, y) and the 8x8 digits (images and labels, for jem and classifier). */
export const DATASET_NAMES = [...TOY_DATASET_NAMES, ...CONDITIONAL_TOY_NAMES, 'digits'] as const;
/** Samplers the CLI knows (for the sampling objectives and for `ebm sample`), in the order of `SAMPLERS`. */
export const SAMPLER_NAMES = namesOf(SAMPLERS);

/** Optimizers, built with `@ebm/core/train` (the tfjs optimizers with a scheduled learning rate). */
export const OPTIMIZER_NAMES = ['adam', 'sgd', 'rmsprop'] as const;
/** One of {@link OPTIMIZER_NAMES}. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Learning-rate schedules: constant, or cosine decay from `learningRate` to 0 over `steps`. */
export const LR_SCHEDULES = ['constant', 'cosine'] as const;

const positive = z.number().positive();
const positiveInt = z.number().int().positive();
/** The MMD compares pairs within each sample set, so test points and model samples number at least 2. */
const atLeastTwo = z.number().int().min(2);

/**
 * The keys of every run, whatever its recipe: data, model, the recipe's choice of objective and
 * sampler, optimizer, run length, seed, backend and evaluation. `.describe()` gives the flag help.
 */
const BASE_KEYS = {
  dataset: z.enum(DATASET_NAMES).default('8gaussians').describe('data set: a 2-D toy, a conditional toy, or digits for jem/classifier (image runs: digits, mnist, fashion-mnist)'),
  dataSize: positiveInt.default(50_000).describe('training points drawn from the data set'),
  testSize: atLeastTwo.default(5_000).describe('held-out points for the test NLL and MMD (at least 2)'),
  hidden: z.array(positiveInt).min(1).default([64, 64]).describe('MLP hidden widths, comma-separated'),
  activation: z.enum(ACTIVATIONS).default('swish').describe('MLP activation'),
  objective: z.enum(OBJECTIVE_NAMES).default('nce').describe('training objective'),
  sampler: z.enum(SAMPLER_NAMES).default('langevin').describe('MCMC sampler for the sampling objectives\' negatives and for model samples'),
  optimizer: z.enum(OPTIMIZER_NAMES).default('adam').describe('optimizer'),
  learningRate: positive.default(3e-3).describe('optimizer learning rate (the initial one with --lr-schedule cosine)'),
  lrSchedule: z.enum(LR_SCHEDULES).default('cosine').describe('learning-rate schedule over the run'),
  steps: positiveInt.default(6000).describe('training steps (total, counting resumed ones)'),
  batchSize: positiveInt.default(256).describe('minibatch size'),
  seed: z.number().int().min(0).default(0).describe('random seed'),
  backend: z.enum(BACKEND_NAMES).default('wasm').describe('tfjs backend'),
  checkpointEvery: positiveInt.default(1000).describe('checkpoint every N steps (and at the end, and on Ctrl-C)'),
  evalEvery: positiveInt.default(500).describe('evaluate the test NLL every N steps'),
  sampleSize: atLeastTwo.default(1000).describe('model samples for MMD and plots (at least 2)'),
  sampleSteps: positiveInt.default(500).describe('MCMC steps to draw model samples'),
};

const merged = mergeRecipeKeys(BASE_KEYS, { objective: ALL_OBJECTIVES, sampler: SAMPLERS });

/** Recipe key -> the choice key of its registry and the recipes that read it (what the flag help says). */
export const RECIPE_KEY_READERS = merged.readers;

/**
 * The schema of a training run: the base keys, then every key the objective and sampler recipes
 * declare. Every key has a default, so `{}` is the default recipe: NCE with a Gaussian noise
 * fitted to the data (ratio 4), an MLP 64x64 swish energy, Adam 3e-3 with cosine decay, 6000
 * steps of 256 on 8gaussians. It was chosen by experiment among NCE, PCD, replay CD and score
 * matching at the same budget (see the README's comparison table).
 */
export const trainConfigSchema = z.strictObject(merged.shape);

/** A validated training config: every key present, defaults filled in. */
export type TrainConfig = z.infer<typeof trainConfigSchema>;
/** What a user may write: every key optional. */
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/** The command-line flag of a config key: `learningRate` -> `--learning-rate`. */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The config key of a flag name as commander reports it (`learningRate`). */
export const CONFIG_KEYS = Object.keys(trainConfigSchema.shape) as (keyof TrainConfig)[];

/** A config schema's shape: keys with defaults, as the train and image schemas have. */
type ConfigShape = Readonly<Record<string, z.ZodDefault>>;

/** The kind of value each key of `shape` (default: the train schema) holds, used to turn flag strings into JSON values. */
export function valueKind(key: string, shape: ConfigShape = trainConfigSchema.shape): 'number' | 'list' | 'string' {
  const inner = shape[key]!.unwrap();
  return inner instanceof z.ZodArray ? 'list' : inner instanceof z.ZodNumber ? 'number' : 'string';
}

/**
 * Turns a flag's string into the JSON value the schema (default: the train schema) expects:
 * numbers for numeric keys, a list of numbers for `--hidden 128,128`. A string that is not a
 * number is kept as is so the schema reports it ("expected a number, got 'abc'").
 */
export function parseFlagValue(key: string, raw: string, shape: ConfigShape = trainConfigSchema.shape): unknown {
  const kind = valueKind(key, shape);
  const toNumber = (s: string): unknown => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);
  if (kind === 'number') return toNumber(raw);
  if (kind === 'list') return raw.split(',').map(toNumber);
  return raw;
}

/** A config error: the message names the flag/key and lists the accepted values. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function readPath(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/**
 * Validates a merged config (file + flags), throwing a {@link ConfigError} whose lines name each
 * bad key as its flag and config key, the value given, and what is accepted.
 */
export function validateConfig(input: Record<string, unknown>): TrainConfig {
  return validateAgainst(trainConfigSchema, input);
}

/** {@link validateConfig} against any config schema (the image runs have their own). */
export function validateAgainst<S extends z.ZodObject>(schema: S, input: Record<string, unknown>): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `Unknown config key(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}. Accepted keys: ${Object.keys(schema.shape).join(', ')}.`;
    }
    const key = String(issue.path[0] ?? '');
    const where = `${flagOf(key)} (config key '${key}')`;
    const given = describe(readPath(input, issue.path));
    if (issue.code === 'invalid_value') {
      return `Invalid value ${given} for ${where}. Accepted values: ${issue.values.map(String).join(', ')}.`;
    }
    if (issue.code === 'invalid_type') {
      const expected =
        issue.path.length > 1 || issue.expected === 'array'
          ? 'a comma-separated list of positive integers, e.g. 64,64'
          : issue.expected === 'int'
            ? 'an integer'
            : `a ${issue.expected}`;
      return `Invalid value ${given} for ${where}: expected ${expected}.`;
    }
    return `Invalid value ${given} for ${where}: ${issue.message}.`;
  });
  throw new ConfigError(lines.join('\n'));
}
