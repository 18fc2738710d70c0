/**
 * `ebm sample`, `ebm eval`, `ebm plot` and `ebm list`: commands on a saved run (its config and
 * latest checkpoint) and on the installed plugins.
 */
import { writeFileSync } from 'node:fs';
import { disposeState, prngKey } from '@ebm/core';
import { fileCheckpointStore } from '@ebm/core/node';
import { loadCheckpoint } from '@ebm/core/train';
import { TOY_DATASET_NAMES } from '@ebm/datasets';
import { ConfigError } from './config.js';
import { IMAGE_DATASET_NAMES, IMAGE_MODEL_NAMES } from './image-config.js';
import { drawPictures, drawSamples, evaluateRun, summaryTable } from './evaluation.js';
import type { Io } from './io.js';
import { OBJECTIVES } from './objectives.js';
import { SAMPLERS } from './samplers.js';
import { RunFolder } from './run-folder.js';
import { type Session, openSession } from './session.js';

/** Opens a saved run: its config, and the model restored from its latest checkpoint. */
async function openRun(dir: string): Promise<{ session: Session; folder: RunFolder; step: number }> {
  const folder = new RunFolder(dir);
  const session = await openSession(folder.readConfig());
  try {
    const loaded = await loadCheckpoint(fileCheckpointStore(folder.path('checkpoint')), { model: session.model });
    disposeState(loaded.objectiveState);
    return { session, folder, step: loaded.step };
  } catch (error) {
    session.dispose();
    throw error;
  }
}

/** A flag's positive integer value, or `fallback` when the flag is absent; a ConfigError names the flag otherwise. */
export function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
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
  const { session } = await openRun(dir);
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
  const { session, folder, step } = await openRun(dir);
  try {
    const samples = drawSamples(session, session.config.sampleSize, session.config.sampleSteps);
    let summary;
    try {
      summary = evaluateRun(session, folder, step, samples);
    } finally {
      samples.dispose();
    }
    folder.writeJson('summary', summary);
    io.out(`${summaryTable(summary)}\n`);
  } finally {
    session.dispose();
  }
}

/** `ebm plot <run>`: redraws density.png and loss.png from the checkpoint and metrics. */
export async function plotCommand(dir: string, io: Io): Promise<void> {
  const { session, folder } = await openRun(dir);
  try {
    const samples = drawSamples(session, session.config.sampleSize, session.config.sampleSteps);
    try {
      await drawPictures(session, folder, samples, folder.readSummary());
    } finally {
      samples.dispose();
    }
    io.out(`Wrote ${folder.path('density')} and ${folder.path('loss')}\n`);
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
  io.out(`datasets:\n  ${TOY_DATASET_NAMES.join(', ')}\nobjectives:\n${rows(OBJECTIVES)}\nsamplers:\n${rows(SAMPLERS)}\n`);
  io.out(`image data sets:\n  ${IMAGE_DATASET_NAMES.join(', ')}\nimage models (--model):\n  ${IMAGE_MODEL_NAMES.join(', ')}\n`);
}
