/**
 * The configuration of an image run (`ebm train --dataset digits|mnist|fashion-mnist`): its own
 * schema with image defaults, the same flag conventions as the 2-D runs (`--learning-rate`), and
 * the flags only images have (`--model`, `--data-dir`, `--channels`, ...). A run is an image run
 * when its `dataset` is one of {@link IMAGE_DATASET_NAMES}.
 */
import { BACKEND_NAMES } from '@ebm/core';
import { ACTIVATIONS } from '@ebm/core/models';
import { MNIST_DATASET_NAMES } from '@ebm/datasets';
import { z } from 'zod';
import { isConditionalObjective } from './conditional-recipes.js';
import { LR_SCHEDULES, OPTIMIZER_NAMES, flagOf, parseFlagValue, validateAgainst } from './config.js';

/** Image data sets: the bundled 8x8 digits, and MNIST / Fashion-MNIST from a folder of IDX files. */
export const IMAGE_DATASET_NAMES = ['digits', ...MNIST_DATASET_NAMES] as const;
/** One of {@link IMAGE_DATASET_NAMES}. */
export type ImageDatasetName = (typeof IMAGE_DATASET_NAMES)[number];

/** Image models: a convolutional energy, an MLP energy on the flattened image, a Bernoulli RBM on binarised images. */
export const IMAGE_MODEL_NAMES = ['conv', 'mlp', 'rbm'] as const;
/** One of {@link IMAGE_MODEL_NAMES}. */
export type ImageModelName = (typeof IMAGE_MODEL_NAMES)[number];

/** Where the negatives of the conv and mlp energies start: replay buffer (default), data (CD-k), persistent chains (PCD). */
export const IMAGE_OBJECTIVE_NAMES = ['replay', 'cd', 'pcd'] as const;
/** How an RBM is trained: CD-k from the data, or persistent CD. */
export const RBM_OBJECTIVE_NAMES = ['cd', 'pcd'] as const;

const positive = z.number().positive();
const positiveInt = z.number().int().positive();
const widths = z.array(positiveInt);

/**
 * The image keys, every one with a default: `{ dataset: 'digits' }` is the default image recipe,
 * a conv energy (channels 32, 64, stride 2, dense head 128, swish) trained with short-run SGLD
 * from a replay buffer (Du & Mordatch 2019) on the 1,438 training digits, chosen to finish in
 * about five minutes on two cores. Keys also found in 2-D runs keep their flags; the others are
 * listed under "Image options" in `ebm train --help`.
 */
const IMAGE_KEYS = {
  dataset: z.enum(IMAGE_DATASET_NAMES).default('digits').describe('image data set'),
  model: z.enum(IMAGE_MODEL_NAMES).default('conv').describe('image model'),
  dataDir: z.string().default('').describe('folder of the four IDX files of mnist / fashion-mnist (fashion-mnist defaults to /usr/share/datasets/fashion-mnist)'),
  trainSize: z.number().int().min(0).default(0).describe('training images used, 0 = all'),
  channels: widths.min(1).default([32, 64]).describe('conv channels per stride-2 layer, comma-separated'),
  hidden: widths.default([128]).describe('dense widths: the conv head, or every MLP layer'),
  activation: z.enum(ACTIVATIONS).default('swish').describe('activation'),
  rbmHidden: positiveInt.default(64).describe('RBM hidden units'),
  rbmObjective: z.enum(RBM_OBJECTIVE_NAMES).default('pcd').describe('RBM training: CD-k from the data or persistent CD'),
  gibbsSteps: positiveInt.default(1).describe('Gibbs sweeps per RBM training step, the k of CD-k'),
  objective: z.enum(IMAGE_OBJECTIVE_NAMES).default('replay').describe('where SGLD negatives start: replay buffer, data (cd) or persistent chains (pcd)'),
  mcmcSteps: positiveInt.default(20).describe('SGLD steps per training step'),
  stepSize: positive.default(10).describe('SGLD step size h: x <- x - h clip(dE/dx) + s noise'),
  noiseScale: z.number().min(0).default(0.005).describe('SGLD noise scale s'),
  gradClip: positive.default(0.01).describe('clip each pixel of dE/dx to [-c, c] before the step'),
  alpha: z.number().min(0).default(0.1).describe('weight alpha of the energy regulariser alpha (E(x+)^2 + E(x-)^2)'),
  bufferSize: positiveInt.default(10_000).describe('replay buffer size'),
  reinitProbability: z.number().min(0).max(1).default(0.05).describe('probability that a replay chain restarts from fresh noise'),
  optimizer: z.enum(OPTIMIZER_NAMES).default('adam').describe('optimizer'),
  learningRate: positive.default(3e-3).describe('optimizer learning rate'),
  lrSchedule: z.enum(LR_SCHEDULES).default('constant').describe('learning-rate schedule over the run'),
  steps: positiveInt.default(600).describe('training steps (total, counting resumed ones)'),
  batchSize: positiveInt.default(128).describe('minibatch size'),
  seed: z.number().int().min(0).default(0).describe('random seed'),
  backend: z.enum(BACKEND_NAMES).default('wasm').describe('tfjs backend'),
  checkpointEvery: positiveInt.default(200).describe('checkpoint every N steps (and at the end, and on Ctrl-C)'),
  sampleSize: positiveInt.default(500).describe('model samples for the image metrics'),
  sampleSteps: z.number().int().min(0).default(0).describe('sampler steps of fresh chains (fresh-samples.png; all samples without a replay buffer), 0 = auto (3 x mcmc-steps; 1000 Gibbs sweeps for an RBM)'),
  restoreSteps: positiveInt.default(40).describe('SGLD steps of the denoising and inpainting check'),
};

/** The schema of an image run. */
export const imageConfigSchema = z.strictObject(IMAGE_KEYS);

/** A validated image config: every key present, defaults filled in. */
export type ImageConfig = z.infer<typeof imageConfigSchema>;

/** The image config keys. */
export const IMAGE_CONFIG_KEYS = Object.keys(IMAGE_KEYS) as (keyof ImageConfig)[];

/** Whether a config (file + flags, or a saved run's) describes an image run: its dataset is an image data set and its objective is not a conditional one (`--dataset digits --objective jem` is a classifier run). */
export function isImageConfig(input: Readonly<Record<string, unknown>>): boolean {
  return (IMAGE_DATASET_NAMES as readonly unknown[]).includes(input.dataset) && !isConditionalObjective(String(input.objective));
}

/** Validates an image config like `validateConfig` does a 2-D one (errors name flags and accepted values). */
export function validateImageConfig(input: Record<string, unknown>): ImageConfig {
  return validateAgainst(imageConfigSchema, input);
}

/** Flags of the image-only keys (those the 2-D config does not have), with help and value placeholder. */
export function imageOnlyFlags(trainKeys: readonly string[]): { key: keyof ImageConfig; flag: string; help: string }[] {
  return IMAGE_CONFIG_KEYS.filter((key) => !trainKeys.includes(key)).map((key) => {
    const def = IMAGE_KEYS[key];
    const inner = def.unwrap() as { options?: readonly string[] };
    const value = inner instanceof z.ZodArray ? '<list>' : inner.options ? '<name>' : '<value>';
    const choices = inner.options ? ` (${inner.options.join(', ')})` : '';
    return { key, flag: `${flagOf(key)} ${value}`, help: `${def.description ?? ''}${choices} [default: ${JSON.stringify(def.parse(undefined))}]` };
  });
}

/** The image-only keys given as flags, turned into JSON values. */
export function imageFlagsToConfig(opts: Readonly<Record<string, unknown>>, trainKeys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of IMAGE_CONFIG_KEYS) {
    const raw = opts[key];
    if (!trainKeys.includes(key) && typeof raw === 'string') out[key] = parseFlagValue(key, raw, IMAGE_KEYS);
  }
  return out;
}
