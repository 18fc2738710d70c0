/**
 * The training configuration: one flat record, the same keys in a `--config` JSON file and as
 * command-line flags (`learningRate` <-> `--learning-rate`), validated with a zod schema so that a
 * wrong key or value names itself and lists what is accepted.
 */
import { ACTIVATIONS, BACKEND_NAMES } from '@ebm/core';
import { TOY_DATASET_NAMES } from '@ebm/datasets';
import { z } from 'zod';

/** Objectives the CLI knows; the registry says which of them are installed. */
export const OBJECTIVE_NAMES = ['cd', 'pcd', 'replay', 'nce', 'dsm', 'ssm', 'sm'] as const;
/** One of {@link OBJECTIVE_NAMES}. */
export type ObjectiveName = (typeof OBJECTIVE_NAMES)[number];

/** Samplers the CLI knows (for the sampling objectives cd/pcd/replay and for `ebm sample`). */
export const SAMPLER_NAMES = ['langevin', 'mala', 'rwm', 'hmc'] as const;
/** One of {@link SAMPLER_NAMES}. */
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** Optimizers from `tf.train`. */
export const OPTIMIZER_NAMES = ['adam', 'sgd', 'rmsprop'] as const;
/** One of {@link OPTIMIZER_NAMES}. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Learning-rate schedules: constant, or cosine decay from `learningRate` to 0 over `steps`. */
export const LR_SCHEDULES = ['constant', 'cosine'] as const;



const positive = z.number().positive();
const positiveInt = z.number().int().positive();

/**
 * The schema of a training run. Every key has a default, so `{}` is the default recipe: NCE
 * with a Gaussian noise fitted to the data (ratio 4), an MLP 64x64 swish energy, Adam 3e-3 with
 * cosine decay, 6000 steps of 256 on 8gaussians. It was chosen by experiment among NCE, PCD,
 * replay CD and score matching at the same budget (see the README's comparison table).
 */
export const trainConfigSchema = z.strictObject({
  /** 2-D toy data set. */
  dataset: z.enum(TOY_DATASET_NAMES).default('8gaussians'),
  /** Training points drawn from the data set (a fixed sample, seeded). */
  dataSize: positiveInt.default(50_000),
  /** Held-out points for the test NLL and MMD. */
  testSize: positiveInt.default(5_000),
  /** MLP hidden widths. */
  hidden: z.array(positiveInt).min(1).default([64, 64]),
  activation: z.enum(ACTIVATIONS).default('swish'),
  objective: z.enum(OBJECTIVE_NAMES).default('nce'),
  /** Sampler of the negative chains (cd/pcd/replay) and of `ebm sample`. */
  sampler: z.enum(SAMPLER_NAMES).default('langevin'),
  /** Sampler step size (Langevin/MALA epsilon, random-walk scale, HMC leapfrog step). */
  stepSize: positive.default(0.01),
  /** MCMC steps per training step (cd/pcd/replay). */
  mcmcSteps: positiveInt.default(20),
  /** HMC leapfrog steps. */
  leapfrogSteps: positiveInt.default(5),
  /** Replay buffer size (replay). */
  bufferSize: positiveInt.default(10_000),
  /** Probability that a replay chain restarts from fresh noise (replay). */
  reinitProbability: z.number().min(0).max(1).default(0.05),
  /** Energy-magnitude regulariser alpha (cd/pcd/replay). */
  alpha: z.number().min(0).default(0),
  /** Noise level of denoising score matching (dsm). */
  sigma: positive.default(0.1),
  /** Random projections per sample (ssm). */
  projections: positiveInt.default(1),
  /** NCE noise samples per data sample. */
  ratio: positiveInt.default(4),
  optimizer: z.enum(OPTIMIZER_NAMES).default('adam'),
  learningRate: positive.default(3e-3),
  lrSchedule: z.enum(LR_SCHEDULES).default('cosine'),
  steps: positiveInt.default(6000),
  batchSize: positiveInt.default(256),
  seed: z.number().int().min(0).default(0),
  backend: z.enum(BACKEND_NAMES).default('wasm'),
  /** Save a checkpoint every this many steps (and at the end, and on Ctrl-C). */
  checkpointEvery: positiveInt.default(1000),
  /** Evaluate the test NLL every this many steps (2-D data sets). */
  evalEvery: positiveInt.default(500),
  /** Model samples drawn for the MMD and the plot. */
  sampleSize: positiveInt.default(1000),
  /** MCMC steps used to draw model samples for evaluation and plots. */
  sampleSteps: positiveInt.default(500),
});

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

/** The kind of value each key holds, used to turn flag strings into JSON values. */
export function valueKind(key: keyof TrainConfig): 'number' | 'list' | 'string' {
  if (key === 'hidden') return 'list';
  const def = trainConfigSchema.shape[key];
  const inner = def.unwrap();
  return inner instanceof z.ZodNumber ? 'number' : 'string';
}

/**
 * Turns a flag's string into the JSON value the schema expects: numbers for numeric keys, a list
 * of numbers for `--hidden 128,128`. A string that is not a number is kept as is so the schema
 * reports it ("expected a number, got 'abc'").
 */
export function parseFlagValue(key: keyof TrainConfig, raw: string): unknown {
  const kind = valueKind(key);
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
  const result = trainConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `Unknown config key(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}. Accepted keys: ${CONFIG_KEYS.join(', ')}.`;
    }
    const key = String(issue.path[0] ?? '');
    const where = `${flagOf(key)} (config key '${key}')`;
    const given = describe(readPath(input, issue.path));
    if (issue.code === 'invalid_value') {
      return `Invalid value ${given} for ${where}. Accepted values: ${issue.values.map(String).join(', ')}.`;
    }
    if (issue.code === 'invalid_type') {
      const expected =
        key === 'hidden'
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
