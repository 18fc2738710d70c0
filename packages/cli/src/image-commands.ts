/**
 * `ebm sample`, `ebm eval` and `ebm plot` on an image run: the model restored from its latest
 * checkpoint, samples written as a PNG grid, the summary and pictures recomputed.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { disposeState, prngKey } from '@ebm/core';
import { writeFileAtomic } from '@ebm/core/node';
import { findCheckpoint, runCheckpoints } from './checkpoints.js';
import { INTERRUPTED, positiveInteger } from './commands.js';
import { ConfigError } from './config.js';
import { CommandError } from './failures.js';
import { explainFileErrors } from './fs-errors.js';
import { isImageConfig } from './image-config.js';
import { asImages, continueReplaySamples, drawImageSamples, gatherEvidence, imageObjective, replayCapacity } from './image-evaluation.js';
import { imageGridPng, writeImagePictures } from './image-plots.js';
import { type ImageSession, openImageSession, sampleStepsOf } from './image-session.js';
import { finishImageRun, readImageConfig } from './image-train.js';
import type { Interrupts } from './interrupt.js';
import type { Io } from './io.js';
import { RunFolder } from './run-folder.js';

/** Whether `dir` holds an image run (its config.json names an image data set). */
export function isImageRun(dir: string): boolean {
  const folder = new RunFolder(dir);
  if (!folder.holdsRun()) return false;
  try {
    return isImageConfig(JSON.parse(readFileSync(folder.path('config'), 'utf8')) as Record<string, unknown>);
  } catch {
    return false;
  }
}

/**
 * Opens a saved image run: its session with the model (and the objective state: replay buffer or
 * persistent chains) from the latest checkpoint that loads (`findCheckpoint`, with its notes on
 * stderr), loaded once. Writes nothing.
 */
async function openImageRun(dir: string, io: Io): Promise<{ session: ImageSession; folder: RunFolder; step: number; objectiveState: unknown }> {
  const folder = new RunFolder(dir);
  const session = await openImageSession(readImageConfig(folder));
  // findCheckpoint loads the checkpoint it chooses (once) and hands its objective state here.
  let objectiveState: unknown;
  const keepState = (state: unknown): void => {
    objectiveState = state;
  };
  try {
    const { step } = await findCheckpoint(runCheckpoints(folder), session.model, (line) => io.err(`note: ${line}\n`), keepState);
    if (step === undefined) {
      throw new CommandError(`${folder.dir} holds no checkpoint yet (its training stopped before the first one). Continue it with: ebm train --out ${folder.dir} --resume`);
    }
    return { session, folder, step, objectiveState };
  } catch (error) {
    disposeState(objectiveState);
    session.dispose();
    throw error;
  }
}

/** Samples per PNG grid of `ebm sample` on an image run, by default (an 8 x 8 grid). */
const DEFAULT_IMAGE_SAMPLES = 64;

/** Where `ebm sample --from` starts the chains of an image run. */
const SAMPLE_FROM = ['buffer', 'noise'] as const;

/**
 * `ebm sample <run>` on an image run: model samples as a PNG grid in `--file` (default
 * `<run>/sample.png`), written atomically. `--from buffer` (the default when the run has a
 * replay buffer) continues random buffer rows `--steps` steps (default: the training's
 * `mcmcSteps`), like samples.png; `--from noise` runs fresh chains (default: `sampleSteps`), like
 * fresh-samples.png.
 */
export async function imageSampleCommand(dir: string, opts: Record<string, string | undefined>, io: Io, interrupts: Interrupts): Promise<void> {
  const n = positiveInteger('--num', opts.num, DEFAULT_IMAGE_SAMPLES);
  const seed = Number(opts.seed ?? '1');
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`Invalid value '${opts.seed}' for --seed: expected an integer >= 0.`);
  if (opts.from !== undefined && !(SAMPLE_FROM as readonly string[]).includes(opts.from)) {
    throw new ConfigError(`Invalid value '${opts.from}' for --from: expected one of ${SAMPLE_FROM.join(', ')}.`);
  }
  const { session, folder, objectiveState } = await openImageRun(dir, io);
  try {
    const capacity = replayCapacity(objectiveState);
    const from = opts.from ?? (capacity === undefined ? 'noise' : 'buffer');
    if (from === 'buffer' && capacity === undefined) throw new ConfigError(`--from buffer: ${folder.dir} has no replay buffer (it was trained with --objective ${imageObjective(session.config)}). Use --from noise.`);
    if (from === 'buffer' && n > capacity!) throw new ConfigError(`--num ${n} is more than the ${capacity} images of the replay buffer: lower --num, or use --from noise.`);
    const steps = positiveInteger('--steps', opts.steps, from === 'buffer' ? session.config.mcmcSteps : sampleStepsOf(session.config));
    interrupts.check(INTERRUPTED);
    const drawn = from === 'buffer' ? continueReplaySamples(session, objectiveState, n, steps, prngKey(seed))! : drawImageSamples(session, n, steps, prngKey(seed));
    const images = asImages(session, drawn.images);
    const values = await images.data();
    disposeState([drawn.images, images]);
    const [height, width] = session.dataset.imageShape;
    const file = opts.file === undefined ? join(folder.dir, 'sample.png') : resolve(opts.file);
    const png = imageGridPng(values, n, height, width, { columns: Math.min(n, Math.ceil(Math.sqrt(n))) });
    interrupts.check(INTERRUPTED);
    await explainFileErrors('write', file, () => writeFileAtomic(file, png));
    io.out(`Wrote ${n} samples (${steps} ${session.sampler.name} steps from ${drawn.from === 'replay buffer' ? 'the replay buffer' : drawn.from}) to ${file}\n`);
  } finally {
    disposeState(objectiveState);
    session.dispose();
  }
}

/** `ebm eval <run>` on an image run: recomputes summary.json and the pictures from the checkpoint. */
export async function imageEvalCommand(dir: string, io: Io, interrupts: Interrupts): Promise<void> {
  const { session, folder, step, objectiveState } = await openImageRun(dir, io);
  try {
    interrupts.check(INTERRUPTED);
    await finishImageRun(session, folder, step, objectiveState, io, interrupts, INTERRUPTED);
  } finally {
    disposeState(objectiveState);
    session.dispose();
  }
}

/** `ebm plot <run>` on an image run: redraws the pictures from the checkpoint and metrics. */
export async function imagePlotCommand(dir: string, io: Io, interrupts: Interrupts): Promise<void> {
  const { session, folder, objectiveState } = await openImageRun(dir, io);
  try {
    const evidence = gatherEvidence(session, objectiveState, () => interrupts.check(INTERRUPTED));
    try {
      interrupts.check(INTERRUPTED);
      const written = await writeImagePictures(session, folder, evidence);
      io.out(`Wrote ${written.map((name) => join(folder.dir, name)).join(', ')}\n`);
    } finally {
      evidence.dispose();
    }
  } finally {
    disposeState(objectiveState);
    session.dispose();
  }
}
