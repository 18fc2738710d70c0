/**
 * `ebm train` for image runs: validate the image config, prepare the run folder, train with
 * core's `fit` (checkpoints, resume, Ctrl-C), then evaluate, draw the pictures and print the
 * summary (image-evaluation.ts).
 */
import { disposeState } from '@ebm/core';
import type { FileCheckpointStore } from '@ebm/core/node';
import { assertConverged, divergedTrainingSummary } from './evaluation.js';
import { type ImageConfig, validateImageConfig } from './image-config.js';
import { type ImageSummary, evaluateImageRun, gatherEvidence, imageObjective, imageSummaryTable } from './image-evaluation.js';
import { writeImagePictures } from './image-plots.js';
import { type ImageSession, openImageSession } from './image-session.js';
import type { Interrupts } from './interrupt.js';
import type { Io } from './io.js';
import { RunFolder } from './run-folder.js';
import { type ResumePoint, type TrainFlags, assertNotInterrupted, fitRun, runTrainCommand, trainingWhat } from './train.js';

/** Keys a resumed image run may change: only how far it trains and how it reports. */
const RESUMABLE_KEYS: readonly (keyof ImageConfig)[] = ['steps', 'checkpointEvery', 'sampleSize', 'sampleSteps', 'restoreSteps'];

/** The saved config of an image run in `folder` (throws, naming the fix, when there is none or it is damaged). */
export function readImageConfig(folder: RunFolder): ImageConfig {
  return folder.readConfig(validateImageConfig);
}

/**
 * After training (or for `ebm eval`): draw the samples, buffer rows and restorations, train the
 * classifier and evaluate, write summary.json and the pictures, print the table; a Ctrl-C between
 * these phases stops with `interrupted` (by default: training is complete, `--resume` finishes
 * it), or once summary.json is written, with how to redraw the pictures. A diverged run (see
 * `evaluateImageRun`) gets its summary (with `status: "diverged"`) and pictures, then throws a
 * `DivergedError` (exit code 3).
 */
export async function finishImageRun(
  session: ImageSession,
  folder: RunFolder,
  step: number,
  objectiveState: unknown,
  io: Io,
  interrupts: Interrupts,
  interrupted = `Interrupted during the final evaluation: training is complete (checkpoint step ${step} saved). Finish it with: ebm train --out ${folder.dir} --resume`,
): Promise<ImageSummary> {
  const check = (): void => interrupts.check(interrupted);
  const evidence = gatherEvidence(session, objectiveState, check);
  let summary: ImageSummary;
  try {
    summary = evaluateImageRun(session, folder, step, evidence, check);
    check();
    await folder.writeSummary(summary);
    interrupts.check(`Interrupted while drawing the pictures: summary.json is written. Redraw them with: ebm plot ${folder.dir}`);
    const pictures = await writeImagePictures(session, folder, evidence);
    io.out(`\n${imageSummaryTable(summary)}\n\nRun folder: ${folder.dir} (summary.json, ${pictures.join(', ')}, metrics.jsonl, checkpoint/)\n`);
  } finally {
    evidence.dispose();
  }
  assertConverged(summary);
  return summary;
}

/**
 * Runs `ebm train` on an image data set with the 2-D runs' reliability rules ({@link runTrainCommand}
 * of train.ts): a size that cannot fit refused before training (`imageRunSize`, checked in
 * `openImageSession` once the data set is read), training by the shared `fitRun` (metrics flushed
 * at checkpoints, two checkpoints kept, a diverged run's summary.json), and Ctrl-C between the
 * phases of the final evaluation ({@link finishImageRun}). Resolves when training and its
 * evaluation are complete.
 */
export async function imageTrainCommand(input: Record<string, unknown>, flags: TrainFlags, io: Io, interrupts: Interrupts): Promise<void> {
  await runTrainCommand({ validate: validateImageConfig, resumable: RESUMABLE_KEYS, open: openImageSession, train: trainImages }, input, flags, io, interrupts);
}

async function trainImages(session: ImageSession, folder: RunFolder, store: FileCheckpointStore, start: ResumePoint, flags: TrainFlags, io: Io, interrupts: Interrupts): Promise<void> {
  const { config } = session;
  const beforeFirstStep = `Interrupted before the first step. Start the run with: ebm train --out ${folder.dir} --resume`;
  interrupts.check(beforeFirstStep);
  if (!flags.quiet) {
    const model = config.model === 'rbm' ? `RBM ${config.rbmHidden} hidden, ${config.rbmObjective}-${config.gibbsSteps}` : `${config.model} energy, ${config.objective} SGLD-${config.mcmcSteps}`;
    io.out(
      `${trainingWhat(start, config.steps)}: ${model} on ${config.dataset} (${session.data.shape[0]} images), ` +
        `${config.steps} steps, batch ${config.batchSize}, ${config.optimizer} lr ${config.learningRate}, backend ${config.backend} -> ${folder.dir}\n`,
    );
  }
  const run = { dataset: config.dataset, objective: imageObjective(config), backend: config.backend };
  const result = await fitRun(session, folder, store, start, flags, io, interrupts, { divergedSummary: (problem) => divergedTrainingSummary(run, folder, problem) });
  try {
    assertNotInterrupted(result, folder, beforeFirstStep);
    await finishImageRun(session, folder, result.step, result.state, io, interrupts);
  } finally {
    disposeState(result.state);
  }
}
