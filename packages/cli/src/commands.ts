/**
 * `ebm sample`, `ebm eval`, `ebm plot` and `ebm list`: commands on a saved run (its config and
 * latest checkpoint) and on the installed plugins.
 */
import { writeFileSync } from 'node:fs';
import { type EnergyModel, disposeState, prngKey } from '@ebm/core';
import { fileCheckpointStore } from '@ebm/core/node';
import { loadCheckpoint } from '@ebm/core/train';
import { CONDITIONAL_TOY_NAMES, TOY_DATASET_NAMES } from '@ebm/datasets';
import { ConfigError, type TrainConfig } from './config.js';
import { CONDITIONAL_OBJECTIVES } from './conditional-recipes.js';
import { isConditionalConfig } from './conditional-session.js';
import { drawSamples } from './evaluation.js';
import type { Io } from './io.js';
import { OBJECTIVES } from './objectives.js';
import { SAMPLERS } from './samplers.js';
import { RunFolder } from './run-folder.js';
import { openSession } from './session.js';
import { openTrainingRun } from './training-run.js';

/** Opens a saved run: its config, and the model restored from its latest checkpoint. */
async function openRun<R extends { readonly model: EnergyModel; dispose(): void }>(
  dir: string,
  open: (config: TrainConfig) => Promise<R>,
): Promise<{ session: R; folder: RunFolder; step: number }> {
  const folder = new RunFolder(dir);
  const session = await open(folder.readConfig());
  try {
    const loaded = await loadCheckpoint(fileCheckpointStore(folder.path('checkpoint')), { model: session.model });
    disposeState(loaded.objectiveState);
    return { session, folder, step: loaded.step };
  } catch (error) {
    session.dispose();
    throw error;
  }
}

function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`Invalid value '${value}' for ${flag}: expected a positive integer.`);
  return n;
}

/** `ebm sample <run>`: model samples as CSV (`x1,x2` rows) on stdout or in `--file`. */
export async function sampleCommand(dir: string, opts: Record<string, string | undefined>, io: Io): Promise<void> {
  const n = positiveInteger('--num', opts.num, 1000);
  const seed = Number(opts.seed ?? '1');
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`Invalid value '${opts.seed}' for --seed: expected an integer >= 0.`);
  if (isConditionalConfig(new RunFolder(dir).readConfig())) {
    throw new ConfigError(`${dir} holds a conditional run: ebm sample draws 2-D points. Its pictures (ebm plot) show p(y | x) or class-conditional samples.`);
  }
  const { session } = await openRun(dir, openSession);
  try {
    const steps = positiveInteger('--steps', opts.steps, session.config.sampleSteps);
    const samples = drawSamples(session, n, steps, prngKey(seed));
    let rows: number[][];
    try {
      rows = (await samples.array()) as number[][];
    } finally {
      samples.dispose();
    }
    const csv = `x1,x2\n${rows.map((r) => r.map((v) => v.toFixed(5)).join(',')).join('\n')}\n`;
    if (opts.file !== undefined) {
      writeFileSync(opts.file, csv);
      io.out(`Wrote ${n} samples (${steps} ${session.config.sampler} steps) to ${opts.file}\n`);
    } else {
      io.out(csv);
    }
  } finally {
    session.dispose();
  }
}

/** `ebm eval <run>`: recomputes the summary from the checkpoint, prints it and writes summary.json. */
export async function evalCommand(dir: string, io: Io): Promise<void> {
  const { session, folder, step } = await openRun(dir, openTrainingRun);
  try {
    io.out(`${await session.summarize(folder, step)}\n`);
  } finally {
    session.dispose();
  }
}

/** `ebm plot <run>`: redraws density.png and loss.png from the checkpoint and metrics. */
export async function plotCommand(dir: string, io: Io): Promise<void> {
  const { session, folder } = await openRun(dir, openTrainingRun);
  try {
    const written = await session.plot(folder);
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
      `conditional datasets:\n  ${CONDITIONAL_TOY_NAMES.join(', ')} (pairs x, y), digits (images, labels)\nconditional objectives:\n${rows(CONDITIONAL_OBJECTIVES)}\n`,
  );
}
