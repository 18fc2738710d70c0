/**
 * `ebm train` for image runs: validate the image config, prepare the run folder, train with
 * core's `fit` (checkpoints, resume, Ctrl-C), then evaluate, draw the pictures and print the
 * summary (image-evaluation.ts).
 */
import { NonFiniteError, disposeState } from '@ebm/core';
import { fit } from '@ebm/core/train';
import { runCheckpoints } from './checkpoints.js';
import { ConfigError } from './config.js';
import { DivergedError } from './failures.js';
import { type ImageConfig, validateImageConfig } from './image-config.js';
import { type ImageSummary, evaluateImageRun, gatherEvidence, imageSummaryTable } from './image-evaluation.js';
import { writeImagePictures } from './image-plots.js';
import { type ImageSession, openImageSession } from './image-session.js';
import type { Interrupts } from './interrupt.js';
import type { Io } from './io.js';
import { createProgress } from './progress.js';
import { RunFolder } from './run-folder.js';
import {
  CHECKPOINTS_KEPT,
  type ResumePoint,
  type TrainFlags,
  assertNotInterrupted,
  divergenceProblem,
  prepareResume,
  resumeConfig,
  withResumeHint,
} from './train.js';

/** Keys a resumed image run may change: only how far it trains and how it reports. */
const RESUMABLE_KEYS: readonly (keyof ImageConfig)[] = ['steps', 'checkpointEvery', 'sampleSize', 'sampleSteps', 'restoreSteps'];

/** The saved config of an image run in `folder` (throws, naming the fix, when there is none or it is damaged). */
export function readImageConfig(folder: RunFolder): ImageConfig {
  return folder.readConfig(validateImageConfig);
}

/** After training (or for `ebm eval`): evaluate, write summary.json and the pictures, print the table. */
export async function finishImageRun(session: ImageSession, folder: RunFolder, step: number, objectiveState: unknown, io: Io): Promise<ImageSummary> {
  const evidence = gatherEvidence(session, objectiveState);
  try {
    const summary = evaluateImageRun(session, folder, step, evidence);
    await folder.writeSummary(summary);
    const pictures = await writeImagePictures(session, folder, evidence);
    io.out(`\n${imageSummaryTable(summary)}\n\nRun folder: ${folder.dir} (summary.json, ${pictures.join(', ')}, metrics.jsonl, checkpoint/)\n`);
    return summary;
  } finally {
    evidence.dispose();
  }
}

/**
 * Runs `ebm train` on an image data set, with the 2-D runs' reliability rules (train.ts): the
 * folder refused before the slow set-up, a resumed folder reconciled first (`prepareResume`),
 * metrics flushed at checkpoints, two checkpoints kept; Ctrl-C ends in an `InterruptedError` with
 * the checkpoint saved. Resolves when training and its evaluation are complete.
 */
export async function imageTrainCommand(input: Record<string, unknown>, flags: TrainFlags, io: Io, interrupts: Interrupts): Promise<void> {
  if (flags.resume && flags.force) throw new ConfigError('--resume and --force contradict each other: pass one.');
  const folder = new RunFolder(flags.out);
  const note = (line: string): void => io.err(`note: ${line}\n`);
  const config = flags.resume ? resumeConfig(folder, input, validateImageConfig, RESUMABLE_KEYS) : validateImageConfig(input);
  if (!flags.resume) folder.assertFree(flags.force);
  const nothingWritten = 'Interrupted before training started; nothing was written.';
  interrupts.check(nothingWritten);
  const session = await openImageSession(config);
  let runExists = flags.resume;
  try {
    interrupts.check(nothingWritten);
    const store = runCheckpoints(folder);
    const start: ResumePoint = flags.resume ? await prepareResume(folder, store, session, note, validateImageConfig) : { step: 0, metrics: [] };
    if (!flags.resume) await folder.create(config, flags.force);
    runExists = true;
    await trainImages(session, folder, start, flags, io, interrupts);
  } catch (error) {
    throw runExists ? withResumeHint(error, folder) : error;
  } finally {
    session.dispose();
  }
}

async function trainImages(session: ImageSession, folder: RunFolder, start: ResumePoint, flags: TrainFlags, io: Io, interrupts: Interrupts): Promise<void> {
  const { config } = session;
  const beforeFirstStep = `Interrupted before the first step. Start the run with: ebm train --out ${folder.dir} --resume`;
  interrupts.check(beforeFirstStep);
  const offsetSeconds = start.metrics.at(-1)?.seconds ?? 0;
  if (!flags.quiet) {
    const model = config.model === 'rbm' ? `RBM ${config.rbmHidden} hidden, ${config.rbmObjective}-${config.gibbsSteps}` : `${config.model} energy, ${config.objective} SGLD-${config.mcmcSteps}`;
    const what = start.step === config.steps ? `Run already trained to step ${start.step}; finishing its evaluation` : start.step > 0 ? `Resuming at step ${start.step}` : 'Training';
    io.out(
      `${what}: ${model} on ${config.dataset} (${session.data.shape[0]} images), ` +
        `${config.steps} steps, batch ${config.batchSize}, ${config.optimizer} lr ${config.learningRate}, backend ${config.backend} -> ${folder.dir}\n`,
    );
  }
  const progress = flags.quiet ? undefined : createProgress(start.step, config.steps, io.tty, io.out);
  let result;
  try {
    result = await fit(session.model, session.objective, session.data, {
      optimizer: session.optimizer,
      steps: config.steps,
      batchSize: config.batchSize,
      key: session.trainKey,
      checkpoint: { store: runCheckpoints(folder), every: config.checkpointEvery, keep: CHECKPOINTS_KEPT },
      resume: flags.resume,
      signal: interrupts.signal,
      onStep: async ({ step, loss, metrics, elapsedSeconds }) => {
        const durable = step % config.checkpointEvery === 0 || step === config.steps;
        await folder.appendMetrics({ step, loss, seconds: offsetSeconds + elapsedSeconds, ...metrics }, durable);
        progress?.update({ step, loss });
      },
    });
  } catch (error) {
    if (!(error instanceof NonFiniteError)) throw error;
    throw new DivergedError(`Training diverged: ${divergenceProblem(error)} (the checkpoints before it are intact; lower --learning-rate and start over with --force)`, { cause: error });
  } finally {
    progress?.stop();
  }
  try {
    assertNotInterrupted(result, folder, beforeFirstStep);
    await finishImageRun(session, folder, result.step, result.state, io);
  } finally {
    disposeState(result.state);
  }
}
