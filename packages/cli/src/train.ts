/**
 * `ebm train`: validate the config, prepare the run folder (or reconcile it, on `--resume`),
 * train with core's `fit` (checkpoints, resume, Ctrl-C), then evaluate, draw the pictures and
 * print the summary table.
 */
import type * as tf from '@tensorflow/tfjs';
import { CheckpointError, type EnergyModel, type Key, NonFiniteError, type Objective } from '@ebm/core';
import type { FileCheckpointStore } from '@ebm/core/node';
import { type FitResult, fit, pruneCheckpoints } from '@ebm/core/train';
import { findCheckpoint, runCheckpoints } from './checkpoints.js';
import { ConfigError, type TrainConfig, flagOf, validateConfig } from './config.js';
import { divergedTrainingSummary } from './evaluation.js';
import { CommandError, DivergedError, EXIT_CODES, InterruptedError } from './failures.js';
import { explainFileErrors, fileSystemErrorMessage, isFileSystemError } from './fs-errors.js';
import type { Interrupts } from './interrupt.js';
import type { Io } from './io.js';
import { releaseObjectiveState } from './objectives.js';
import { createProgress } from './progress.js';
import { type MetricsLine, RunFolder } from './run-folder.js';
import { checkRunFits, pointRunSize } from './run-size.js';
import { type TrainingRun, openTrainingRun } from './training-run.js';

export interface TrainFlags {
  readonly out: string;
  readonly resume: boolean;
  readonly force: boolean;
  readonly quiet: boolean;
}

/** Checkpoints a run keeps: the latest, and the one before it in case the latest is damaged. */
const CHECKPOINTS_KEPT = 2;

/** Keys a resumed run may change: only how far it trains and how it reports. */
const RESUMABLE_KEYS: readonly (keyof TrainConfig)[] = ['steps', 'checkpointEvery', 'evalEvery'];

/**
 * The config of a resumed run: the saved one with `input` on top, checked by `validate` (the 2-D
 * schema's `validateConfig`, or the image runs'); a `ConfigError` when `input` changes a key
 * outside `resumable`.
 */
function resumeConfig<C extends object>(
  folder: RunFolder,
  input: Record<string, unknown>,
  validate: (input: Record<string, unknown>) => C,
  resumable: readonly (keyof C & string)[],
): C {
  const saved = folder.readConfig(validate);
  const merged = validate({ ...saved, ...input });
  for (const key of Object.keys(input) as (keyof C & string)[]) {
    if (!resumable.includes(key) && JSON.stringify(merged[key]) !== JSON.stringify(saved[key])) {
      throw new ConfigError(
        `${flagOf(key)} ${JSON.stringify(merged[key])} differs from the saved run's ${JSON.stringify(saved[key])} in ${folder.dir}. ` +
          `A resumed run keeps its config; only ${resumable.map(flagOf).join(', ')} may change. Use --force to start over.`,
      );
    }
  }
  return merged;
}

/** Where a resumed run starts: its checkpoint step and the metric lines up to it. */
export interface ResumePoint {
  readonly step: number;
  readonly metrics: readonly MetricsLine[];
}

/**
 * Reconciles a run folder before training continues in it: removes the leftovers of interrupted
 * writes (putting back a checkpoint an interrupted re-save had moved aside), finds the checkpoint
 * to continue from, refuses a `--steps` below it, repairs a missing or damaged `latest.json`,
 * finishes an interrupted pruning of old checkpoints, cuts `metrics.jsonl` back to the checkpoint
 * (dropping a torn last line) and saves the config when `--steps` / `--checkpoint-every` /
 * `--eval-every` changed it. Each repair is told in a note. A refused resume loses nothing: by
 * then only leftovers have been cleaned up. `validate` reads the saved config (default: the 2-D
 * schema; image runs pass theirs).
 */
async function prepareResume(
  folder: RunFolder,
  store: FileCheckpointStore,
  session: { readonly config: { readonly steps: number }; readonly model: EnergyModel },
  note: (line: string) => void,
  validate: (input: Record<string, unknown>) => object = validateConfig,
): Promise<ResumePoint> {
  const { config } = session;
  const leftovers = [...(await folder.cleanUp()).map((name) => `removed ${name} (left by an interrupted write)`), ...(await explainFileErrors('clean up', store.dir, () => store.cleanUp()))];
  for (const line of leftovers) note(line);
  const found = await findCheckpoint(store, session.model, note);
  const step = found.step ?? 0;
  if (step > config.steps) {
    throw new ConfigError(
      `${flagOf('steps')} ${config.steps} is less than the ${step} steps this run has trained (checkpoint step ${step} in ${folder.dir}). ` +
        `A resumed run only trains further: pass ${flagOf('steps')} ${step} or more, or evaluate the run as it is with \`ebm eval ${folder.dir}\`.`,
    );
  }
  if (found.latestIsWrong) {
    await explainFileErrors('write', `${store.dir}/latest.json`, () => store.setLatest(step));
    note(`${store.dir}/latest.json now points at step ${step}.`);
  }
  // A crash between a save and its pruning leaves one checkpoint too many: finish the pruning.
  if (step > 0) await explainFileErrors('prune', store.dir, () => pruneCheckpoints(store, { keep: CHECKPOINTS_KEPT, latest: step }));
  const { lines, torn } = folder.readMetrics();
  if (torn) note(`dropped the torn last line of ${folder.path('metrics')} (an append was interrupted).`);
  const kept = lines.filter((line) => line.step <= step);
  if (kept.length < step) {
    note(`${folder.path('metrics')} holds ${kept.length} of the ${step} lines up to the checkpoint: the curves of the missing steps are lost; training continues.`);
  }
  if (torn || kept.length !== lines.length) await folder.rewriteMetrics(kept);
  if (step === 0) note('no checkpoint saved yet: training starts from step 0.');
  if (JSON.stringify(folder.readConfig(validate)) !== JSON.stringify(config)) await folder.writeConfig(config);
  return { step, metrics: kept };
}

/**
 * An error from the middle of training, with how to continue: file-system errors and failed
 * checkpoint writes leave the folder consistent, so `--resume` continues once the cause is fixed.
 */
function withResumeHint(error: unknown, folder: RunFolder): unknown {
  const hint = `Then continue with: ebm train --out ${folder.dir} --resume (everything saved so far is intact).`;
  if (error instanceof CommandError && error.exitCode === EXIT_CODES.error && isFileSystemError(error.cause)) {
    return new CommandError(`${error.message} ${hint}`, EXIT_CODES.error, { cause: error.cause });
  }
  if (error instanceof CheckpointError && isFileSystemError(error.cause)) return new CommandError(`${error.message} ${hint}`, EXIT_CODES.error, { cause: error });
  if (isFileSystemError(error)) return new CommandError(`${fileSystemErrorMessage(error)} ${hint}`, EXIT_CODES.error, { cause: error });
  return error;
}

/** A `NonFiniteError` from training as a sentence: "loss: is Infinity at step 3 ..." reads "loss is Infinity at step 3 ...". */
function divergenceProblem(error: NonFiniteError): string {
  return error.message.startsWith(`${error.argument}: `) ? `${error.argument} ${error.message.slice(error.argument.length + 2)}` : error.message;
}

/** What differs between the kinds of run `ebm train` handles (2-D and conditional runs here; image runs in image-train.ts), for {@link runTrainCommand}. */
export interface TrainKind<C extends { readonly steps: number }, S extends { readonly config: C; readonly model: EnergyModel; dispose(): void }> {
  /** Validates a config: the file and flags, or a saved run's merged with them. */
  readonly validate: (input: Record<string, unknown>) => C;
  /** Keys a resumed run may change: only how far it trains and how it reports. */
  readonly resumable: readonly (keyof C & string)[];
  /** Refuses a config that cannot run before anything is built (2-D runs: `checkRunFits`; image runs check once their data set is read, in `open`). */
  readonly check?: (config: C) => void;
  /** Builds the run (backend, data, model, objective, optimizer). */
  readonly open: (config: C) => Promise<S>;
  /** Trains the opened run in `folder` from `start`, then finishes its evaluation. */
  readonly train: (session: S, folder: RunFolder, store: FileCheckpointStore, start: ResumePoint, flags: TrainFlags, io: Io, interrupts: Interrupts) => Promise<void>;
}

/**
 * Runs `ebm train` for one kind of run; resolves when training and its evaluation are complete.
 * The config is checked and the folder refused (one in the way without `--force`) before the slow
 * set-up; a resumed folder is reconciled first ({@link prepareResume}); once the folder holds the
 * run, a failure says how to continue ({@link withResumeHint}). Throws an `InterruptedError` after
 * Ctrl-C (with the checkpoint saved when training had started), a `DivergedError` when training
 * diverged, and a `ConfigError` / `CommandError` for anything the user can fix, before writing
 * anything where possible.
 */
export async function runTrainCommand<C extends { readonly steps: number }, S extends { readonly config: C; readonly model: EnergyModel; dispose(): void }>(
  kind: TrainKind<C, S>,
  input: Record<string, unknown>,
  flags: TrainFlags,
  io: Io,
  interrupts: Interrupts,
): Promise<void> {
  if (flags.resume && flags.force) throw new ConfigError('--resume and --force contradict each other: pass one.');
  const folder = new RunFolder(flags.out);
  const note = (line: string): void => io.err(`note: ${line}\n`);
  const config = flags.resume ? resumeConfig(folder, input, kind.validate, kind.resumable) : kind.validate(input);
  if (!flags.resume) folder.assertFree(flags.force);
  kind.check?.(config);
  const nothingWritten = 'Interrupted before training started; nothing was written.';
  interrupts.check(nothingWritten);
  const session = await kind.open(config);
  // Once the folder holds the run, a failure leaves it resumable, and the message says so.
  let runExists = flags.resume;
  try {
    interrupts.check(nothingWritten);
    const store = runCheckpoints(folder);
    const start: ResumePoint = flags.resume ? await prepareResume(folder, store, session, note, kind.validate) : { step: 0, metrics: [] };
    if (!flags.resume) await folder.create(config, flags.force);
    runExists = true;
    await kind.train(session, folder, store, start, flags, io, interrupts);
  } catch (error) {
    throw runExists ? withResumeHint(error, folder) : error;
  } finally {
    session.dispose();
  }
}

/** Runs `ebm train` on a 2-D or conditional run ({@link runTrainCommand}); a size that cannot fit is refused up front (`checkRunFits`). */
export async function trainCommand(input: Record<string, unknown>, flags: TrainFlags, io: Io, interrupts: Interrupts): Promise<void> {
  await runTrainCommand(
    { validate: validateConfig, resumable: RESUMABLE_KEYS, check: (config) => checkRunFits(pointRunSize(config)), open: openTrainingRun, train },
    input,
    flags,
    io,
    interrupts,
  );
}

async function train(session: TrainingRun, folder: RunFolder, store: FileCheckpointStore, start: ResumePoint, flags: TrainFlags, io: Io, interrupts: Interrupts): Promise<void> {
  const { config } = session;
  const beforeFirstStep = `Interrupted before the first step. Start the run with: ebm train --out ${folder.dir} --resume`;
  interrupts.check(beforeFirstStep);
  if (!flags.quiet) {
    io.out(
      `${trainingWhat(start, config.steps)}: ${config.objective} on ${config.dataset}, MLP ${config.hidden.join('x')} ${config.activation}, ${config.steps} steps, ` +
        `batch ${config.batchSize}, ${config.optimizer} lr ${config.learningRate}, backend ${config.backend} -> ${folder.dir}\n`,
    );
  }
  const result = await fitRun(session, folder, store, start, flags, io, interrupts, {
    stepMetrics: (step) => (step % config.evalEvery === 0 || step === config.steps ? { nll: session.evaluate() } : {}),
    divergedSummary: (problem) => divergedTrainingSummary(config, folder, problem),
  });
  releaseObjectiveState(session.objective, result.state, session.flow);
  assertNotInterrupted(result, folder, beforeFirstStep);
  await session.finish(folder, result.step, io, interrupts);
}

/** The first words of the training line: a fresh run, a resumed one, or one already trained whose evaluation is finished. */
export function trainingWhat(start: ResumePoint, steps: number): string {
  return start.step === steps ? `Run already trained to step ${start.step}; finishing its evaluation` : start.step > 0 ? `Resuming at step ${start.step}` : 'Training';
}

/** What {@link fitRun} trains: a 2-D, conditional or image run's model, objective, data, optimizer, key and sizes. */
export interface FittedRun {
  readonly config: { readonly steps: number; readonly batchSize: number; readonly checkpointEvery: number };
  readonly model: EnergyModel;
  readonly objective: Objective;
  readonly data: tf.Tensor;
  readonly optimizer: tf.Optimizer;
  readonly trainKey: Key;
}

/** How the runs' trainings differ in {@link fitRun}. */
export interface FitRunOptions {
  /** Numbers a step logs besides its loss and the objective's metrics (the test NLL every `--eval-every` steps of a 2-D run). */
  readonly stepMetrics?: (step: number) => { readonly nll?: number };
  /** The `summary.json` of a run whose training diverged with `problem` (a sentence, see {@link divergenceProblem}). */
  readonly divergedSummary: (problem: string) => object;
}

/**
 * Trains a run with core's `fit` from `start`: a progress line on stdout (unless `--quiet`), one
 * `metrics.jsonl` line per step (flushed at checkpoints and the last step), a checkpoint every
 * `checkpointEvery` steps ({@link CHECKPOINTS_KEPT} kept), Ctrl-C through `interrupts.signal`
 * (`fit` then returns `stopped: 'aborted'`). A non-finite loss (`fit`'s `NonFiniteError`) writes
 * `options.divergedSummary` to `summary.json` and throws a `DivergedError` (exit code 3).
 */
export async function fitRun(
  run: FittedRun,
  folder: RunFolder,
  store: FileCheckpointStore,
  start: ResumePoint,
  flags: TrainFlags,
  io: Io,
  interrupts: Interrupts,
  options: FitRunOptions,
): Promise<FitResult<unknown>> {
  const { config } = run;
  const offsetSeconds = start.metrics.at(-1)?.seconds ?? 0;
  let lastNll = [...start.metrics].reverse().find((m) => m.nll !== undefined)?.nll;
  const progress = flags.quiet ? undefined : createProgress(start.step, config.steps, io.tty, io.out);
  try {
    return await fit(run.model, run.objective, run.data, {
      optimizer: run.optimizer,
      steps: config.steps,
      batchSize: config.batchSize,
      key: run.trainKey,
      checkpoint: { store, every: config.checkpointEvery, keep: CHECKPOINTS_KEPT },
      resume: flags.resume,
      signal: interrupts.signal,
      onStep: async ({ step, loss, metrics, elapsedSeconds }) => {
        const extra = options.stepMetrics?.(step) ?? {};
        if (extra.nll !== undefined) lastNll = extra.nll;
        const durable = step % config.checkpointEvery === 0 || step === config.steps;
        await folder.appendMetrics({ step, loss, seconds: offsetSeconds + elapsedSeconds, ...metrics, ...extra }, durable);
        progress?.update({ step, loss, nll: lastNll });
      },
    });
  } catch (error) {
    if (!(error instanceof NonFiniteError)) throw error;
    const problem = divergenceProblem(error);
    await folder.writeSummary(options.divergedSummary(problem));
    throw new DivergedError(`Training diverged: ${problem} (summary.json has status "diverged")`, { cause: error });
  } finally {
    progress?.stop();
  }
}

/**
 * Throws the `InterruptedError` of a training that Ctrl-C stopped (`fit` returned `stopped:
 * 'aborted'`): `beforeFirstStep` at step 0, otherwise where it stopped and how to continue.
 */
export function assertNotInterrupted(result: { readonly stopped?: string; readonly step: number }, folder: RunFolder, beforeFirstStep: string): void {
  if (result.stopped !== 'aborted') return;
  if (result.step === 0) throw new InterruptedError(beforeFirstStep);
  throw new InterruptedError(`Interrupted at step ${result.step}; checkpoint saved. Continue with: ebm train --out ${folder.dir} --resume`);
}
