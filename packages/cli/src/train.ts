/**
 * `ebm train`: validate the config, prepare the run folder, train with core's `fit` (checkpoints,
 * resume, Ctrl-C), then evaluate, draw the pictures and print the summary table.
 */
import { disposeState } from '@ebm/core';
import { fileCheckpointStore } from '@ebm/core/node';
import { fit } from '@ebm/core/train';
import { ConfigError, type TrainConfig, flagOf, validateConfig } from './config.js';
import type { Io } from './io.js';
import { createProgress } from './progress.js';
import { RunFolder } from './run-folder.js';
import { openTrainingRun } from './training-run.js';

export interface TrainFlags {
  readonly out: string;
  readonly resume: boolean;
  readonly force: boolean;
  readonly quiet: boolean;
}

/** Keys a resumed run may change: only how far it trains and how it reports. */
const RESUMABLE_KEYS: readonly (keyof TrainConfig)[] = ['steps', 'checkpointEvery', 'evalEvery'];

function resumeConfig(folder: RunFolder, input: Record<string, unknown>, flags: TrainFlags): TrainConfig {
  const saved = folder.readConfig();
  const merged = validateConfig({ ...saved, ...input });
  for (const key of Object.keys(input) as (keyof TrainConfig)[]) {
    if (!RESUMABLE_KEYS.includes(key) && JSON.stringify(merged[key]) !== JSON.stringify(saved[key])) {
      throw new ConfigError(
        `${flagOf(key)} ${JSON.stringify(merged[key])} differs from the saved run's ${JSON.stringify(saved[key])} in ${folder.dir}. ` +
          `A resumed run keeps its config; only ${RESUMABLE_KEYS.map(flagOf).join(', ')} may change. Use --force to start over.`,
      );
    }
  }
  if (flags.force) throw new ConfigError('--resume and --force contradict each other: pass one.');
  return merged;
}

/** Runs `ebm train`; resolves when training ended (completed or interrupted with a checkpoint). */
export async function trainCommand(input: Record<string, unknown>, flags: TrainFlags, io: Io): Promise<void> {
  const folder = new RunFolder(flags.out);
  const config = flags.resume ? resumeConfig(folder, input, flags) : validateConfig(input);
  const session = await openTrainingRun(config);
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    if (flags.resume) {
      folder.writeJson('config', config);
    } else {
      folder.create(config, flags.force);
    }
    const store = fileCheckpointStore(folder.path('checkpoint'));
    const startStep = flags.resume ? ((await store.latest()) ?? 0) : 0;
    if (flags.resume) folder.truncateMetrics(startStep);
    const previous = folder.readMetrics();
    const offsetSeconds = previous.at(-1)?.seconds ?? 0;
    let lastNll = [...previous].reverse().find((m) => m.nll !== undefined)?.nll;

    if (!flags.quiet) {
      io.out(
        `${startStep > 0 ? `Resuming at step ${startStep}` : 'Training'}: ${config.objective} on ${config.dataset}, ` +
          `MLP ${config.hidden.join('x')} ${config.activation}, ${config.steps} steps, batch ${config.batchSize}, ` +
          `${config.optimizer} lr ${config.learningRate}, backend ${config.backend} -> ${folder.dir}\n`,
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
        const evaluate = step % config.evalEvery === 0 || step === config.steps;
        const nll = evaluate ? session.evaluate() : undefined;
        if (nll !== undefined) lastNll = nll;
        folder.appendMetrics({ step, loss, seconds: offsetSeconds + elapsedSeconds, ...metrics, ...(nll === undefined ? {} : { nll }) });
        progress?.update({ step, loss, nll: lastNll });
      },
    });
    progress?.stop();
    disposeState(result.state);
    if (result.stopped === 'aborted') {
      io.out(`\nInterrupted at step ${result.step}; checkpoint saved. Continue with: ebm train --out ${flags.out} --resume\n`);
      return;
    }
    await session.finish(folder, result.step, io);
  } finally {
    process.off('SIGINT', onSigint);
    session.dispose();
  }
}
