/**
 * `ebm sample`, `ebm eval`, `ebm plot` and `ebm list`: commands on a saved run (its config and
 * latest checkpoint) and on the installed plugins.
 */
import { resolve } from 'node:path';
import { type EnergyModel, type Objective, prngKey } from '@ebm/core';
import type { Flow } from '@ebm/flows';
import { writeFileAtomic } from '@ebm/core/node';
import { CONDITIONAL_TOY_NAMES, TOY_DATASET_NAMES } from '@ebm/datasets';
import { findCheckpoint, runCheckpoints } from './checkpoints.js';
import { ConfigError, type TrainConfig } from './config.js';
import { CONDITIONAL_OBJECTIVES } from './conditional-recipes.js';
import { isConditionalConfig } from './conditional-session.js';
import { assertConverged, drawSamples, warn } from './evaluation.js';
import { CommandError } from './failures.js';
import { explainFileErrors } from './fs-errors.js';
import { IMAGE_DATASET_NAMES, IMAGE_MODEL_NAMES } from './image-config.js';
import type { Interrupts } from './interrupt.js';
import type { Io } from './io.js';
import { OBJECTIVES, releaseObjectiveState } from './objectives.js';
import { SAMPLERS } from './samplers.js';
import { RunFolder } from './run-folder.js';
import { openSession } from './session.js';
import { openTrainingRun } from './training-run.js';

/**
 * Opens a saved run: its config, and the model restored from its latest checkpoint (or, when
 * `latest.json` is missing or damaged, the newest checkpoint that loads, said in a note on
 * stderr). Writes nothing, so it works on a read-only folder.
 */
async function openRun<R extends { readonly model: EnergyModel; readonly objective: Objective; readonly flow?: Flow; dispose(): void }>(
  dir: string,
  io: Io,
  open: (config: TrainConfig) => Promise<R>,
): Promise<{ session: R; folder: RunFolder; step: number }> {
  const folder = new RunFolder(dir);
  const session = await open(folder.readConfig());
  try {
    const note = (line: string): void => io.err(`note: ${line}\n`);
    const release = (objectiveState: unknown): void => releaseObjectiveState(session.objective, objectiveState, session.flow);
    const { step } = await findCheckpoint(runCheckpoints(folder), session.model, note, release);
    if (step === undefined) {
      throw new CommandError(`${folder.dir} holds no checkpoint yet (its training stopped before the first one). Continue it with: ebm train --out ${folder.dir} --resume`);
    }
    return { session, folder, step };
  } catch (error) {
    session.dispose();
    throw error;
  }
}

/** What Ctrl-C during a command on a saved run means: nothing was written. */
export const INTERRUPTED = 'Interrupted; nothing was written.';

/** A flag's positive integer value, or `fallback` when the flag is absent; a ConfigError names the flag otherwise. */
export function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`Invalid value '${value}' for ${flag}: expected a positive integer.`);
  return n;
}

/** `ebm sample <run>`: model samples as CSV (`x1,x2` rows) on stdout or in `--file` (written atomically). */
export async function sampleCommand(dir: string, opts: Record<string, string | undefined>, io: Io, interrupts: Interrupts): Promise<void> {
  const n = positiveInteger('--num', opts.num, 1000);
  const seed = Number(opts.seed ?? '1');
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`Invalid value '${opts.seed}' for --seed: expected an integer >= 0.`);
  if (isConditionalConfig(new RunFolder(dir).readConfig())) {
    throw new ConfigError(`${dir} holds a conditional run: ebm sample draws 2-D points. Its pictures (ebm plot) show p(y | x) or class-conditional samples.`);
  }
  const { session } = await openRun(dir, io, openSession);
  try {
    const steps = positiveInteger('--steps', opts.steps, session.config.sampleSteps);
    interrupts.check(INTERRUPTED);
    const samples = drawSamples(session, n, steps, prngKey(seed));
    let rows: number[][];
    try {
      rows = (await samples.array()) as number[][];
    } finally {
      samples.dispose();
    }
    interrupts.check(INTERRUPTED);
    const csv = `x1,x2\n${rows.map((r) => r.map((v) => v.toFixed(5)).join(',')).join('\n')}\n`;
    if (opts.file !== undefined) {
      const file = resolve(opts.file);
      await explainFileErrors('write', file, () => writeFileAtomic(file, csv));
      io.out(`Wrote ${n} samples (${steps} ${session.config.sampler} steps) to ${opts.file}\n`);
    } else {
      io.out(csv);
    }
  } finally {
    session.dispose();
  }
}

/**
 * `ebm eval <run>`: recomputes the summary from the checkpoint, prints it and writes
 * summary.json; a diverged run ends with a `DivergedError` (exit code 3).
 */
export async function evalCommand(dir: string, io: Io, interrupts: Interrupts): Promise<void> {
  const { session, folder, step } = await openRun(dir, io, openTrainingRun);
  try {
    interrupts.check(INTERRUPTED);
    const { summary, table } = await session.summarize(folder, step);
    io.out(`${table}\n`);
    warn(summary, io);
    interrupts.check(INTERRUPTED);
    await folder.writeSummary(summary);
    assertConverged(summary);
  } finally {
    session.dispose();
  }
}

/**
 * `ebm plot <run>`: redraws the pictures from the checkpoint and metrics: density.png (and an fce
 * run's flow.png) and loss.png, or for a conditional run loss.png and conditional.png (toys) or
 * samples.png and reliability.png (digits).
 */
export async function plotCommand(dir: string, io: Io, interrupts: Interrupts): Promise<void> {
  const { session, folder } = await openRun(dir, io, openTrainingRun);
  try {
    interrupts.check(INTERRUPTED);
    const written = await session.plot(folder, interrupts, INTERRUPTED);
    io.out(`Wrote ${written.join(' and ')}\n`);
  } finally {
    session.dispose();
  }
}

/** `ebm list`: the data sets, objectives and samplers a config may name. */
export async function listCommand(io: Io): Promise<void> {
  const rows = (entries: Readonly<Record<string, { description: string }>>): string =>
    Object.entries(entries)
      .map(([name, e]) => `  ${name.padEnd(10)} ${e.description}`)
      .join('\n');
  io.out(
    `datasets:\n  ${TOY_DATASET_NAMES.join(', ')}\nobjectives:\n${rows(OBJECTIVES)}\nsamplers:\n${rows(SAMPLERS)}\n` +
      `conditional datasets:\n  ${CONDITIONAL_TOY_NAMES.join(', ')} (pairs x, y), digits (images, labels)\nconditional objectives:\n${rows(CONDITIONAL_OBJECTIVES)}\n` +
      `image data sets:\n  ${IMAGE_DATASET_NAMES.join(', ')}\nimage models (--model):\n  ${IMAGE_MODEL_NAMES.join(', ')}\n`,
  );
}
