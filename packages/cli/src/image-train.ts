/**
 * `ebm train` for image runs: validate the image config, prepare the run folder, train with
 * core's `fit` (checkpoints, resume, Ctrl-C), then evaluate, draw the pictures and print the
 * summary (image-evaluation.ts).
 */
import { readFileSync } from 'node:fs';
import { disposeState } from '@ebm/core';
import { fileCheckpointStore } from '@ebm/core/node';
import { fit } from '@ebm/core/train';
import { ConfigError, flagOf } from './config.js';
import { type ImageConfig, validateImageConfig } from './image-config.js';
import { type ImageSummary, evaluateImageRun, gatherEvidence, imageSummaryTable } from './image-evaluation.js';
import { writeImagePictures } from './image-plots.js';
import { type ImageSession, openImageSession } from './image-session.js';
import type { Io } from './io.js';
import { createProgress } from './progress.js';
import { RunFolder } from './run-folder.js';
import type { TrainFlags } from './train.js';

/** Keys a resumed image run may change: only how far it trains and how it reports. */
const RESUMABLE_KEYS: readonly (keyof ImageConfig)[] = ['steps', 'checkpointEvery', 'sampleSize', 'sampleSteps', 'restoreSteps'];

/** The saved config of an image run in `folder` (throws when there is none). */
export function readImageConfig(folder: RunFolder): ImageConfig {
  if (!folder.holdsRun()) throw new ConfigError(`${folder.dir} holds no run (no config.json). Train one first with \`ebm train --out ${folder.dir}\`.`);
  return validateImageConfig(JSON.parse(readFileSync(folder.path('config'), 'utf8')) as Record<string, unknown>);
}

function resumeImageConfig(folder: RunFolder, input: Record<string, unknown>, flags: TrainFlags): ImageConfig {
  if (flags.force) throw new ConfigError('--resume and --force contradict each other: pass one.');
  const saved = readImageConfig(folder);
  const merged = validateImageConfig({ ...saved, ...input });
  for (const key of Object.keys(input) as (keyof ImageConfig)[]) {
    if (!RESUMABLE_KEYS.includes(key) && JSON.stringify(merged[key]) !== JSON.stringify(saved[key])) {
      throw new ConfigError(
        `${flagOf(key)} ${JSON.stringify(merged[key])} differs from the saved run's ${JSON.stringify(saved[key])} in ${folder.dir}. ` +
          `A resumed run keeps its config; only ${RESUMABLE_KEYS.map(flagOf).join(', ')} may change. Use --force to start over.`,
      );
    }
  }
  return merged;
}

/** After training (or for `ebm eval`): evaluate, write summary.json and the pictures, print the table. */
export async function finishImageRun(session: ImageSession, folder: RunFolder, step: number, objectiveState: unknown, io: Io): Promise<ImageSummary> {
  const evidence = gatherEvidence(session, objectiveState);
  try {
    const summary = evaluateImageRun(session, folder, step, evidence);
    folder.writeJson('summary', summary);
    const pictures = await writeImagePictures(session, folder, evidence);
    io.out(`\n${imageSummaryTable(summary)}\n\nRun folder: ${folder.dir} (summary.json, ${pictures.join(', ')}, metrics.jsonl, checkpoint/)\n`);
    return summary;
  } finally {
    evidence.dispose();
  }
}

/** Runs `ebm train` on an image data set; resolves when training ended (completed or interrupted with a checkpoint). */
export async function imageTrainCommand(input: Record<string, unknown>, flags: TrainFlags, io: Io): Promise<void> {
  const folder = new RunFolder(flags.out);
  const config = flags.resume ? resumeImageConfig(folder, input, flags) : validateImageConfig(input);
  const session = await openImageSession(config);
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    if (flags.resume) folder.writeJson('config', config);
    else folder.create(config, flags.force);
    const store = fileCheckpointStore(folder.path('checkpoint'));
    const startStep = flags.resume ? ((await store.latest()) ?? 0) : 0;
    if (flags.resume) folder.truncateMetrics(startStep);
    const offsetSeconds = folder.readMetrics().at(-1)?.seconds ?? 0;
    if (!flags.quiet) {
      const model = config.model === 'rbm' ? `RBM ${config.rbmHidden} hidden, ${config.rbmObjective}-${config.gibbsSteps}` : `${config.model} energy, ${config.objective} SGLD-${config.mcmcSteps}`;
      io.out(
        `${startStep > 0 ? `Resuming at step ${startStep}` : 'Training'}: ${model} on ${config.dataset} (${session.data.shape[0]} images), ` +
          `${config.steps} steps, batch ${config.batchSize}, ${config.optimizer} lr ${config.learningRate}, backend ${config.backend} -> ${folder.dir}\n`,
      );
    }
    const progress = flags.quiet ? undefined : createProgress(startStep, config.steps, io.tty, io.out);
    const result = await fit(session.model, session.objective, session.data, {
      optimizer: session.optimizer,
      steps: config.steps,
      batchSize: config.batchSize,
      key: session.trainKey,
      checkpoint: { store, every: config.checkpointEvery },
      resume: flags.resume,
      signal: abort.signal,
      onStep: ({ step, loss, metrics, elapsedSeconds }) => {
        folder.appendMetrics({ step, loss, seconds: offsetSeconds + elapsedSeconds, ...metrics });
        progress?.update({ step, loss });
      },
    });
    progress?.stop();
    try {
      if (result.stopped === 'aborted') {
        io.out(`\nInterrupted at step ${result.step}; checkpoint saved. Continue with: ebm train --out ${flags.out} --resume\n`);
        return;
      }
      await finishImageRun(session, folder, result.step, result.state, io);
    } finally {
      disposeState(result.state);
    }
  } finally {
    process.off('SIGINT', onSigint);
    session.dispose();
  }
}
