/**
 * One interface over the two kinds of run `ebm train`, `ebm eval` and `ebm plot` handle: a density
 * of 2-D points (session.ts, evaluation.ts) and a conditional model p(y | x) (conditional-session.ts,
 * conditional-evaluation.ts). The commands pick the kind from the config's objective.
 */
import type * as tf from '@tensorflow/tfjs';
import type { EnergyModel, Key, Objective } from '@ebm/core';
import type { Flow } from '@ebm/flows';
import type { TrainConfig } from './config.js';
import { isConditionalConfig, openConditionalSession } from './conditional-session.js';
import {
  type ConditionalSummary,
  conditionalSummaryTable,
  drawConditionalPictures,
  evaluateConditionalNll,
  evaluateConditionalRun,
  finishConditionalRun,
} from './conditional-evaluation.js';
import { drawPictures, drawSamples, evaluateNll, evaluateRun, finishRun, summaryTable } from './evaluation.js';
import type { Interrupts } from './interrupt.js';
import type { Io } from './io.js';
import type { RunFolder, Summary } from './run-folder.js';
import { openSession } from './session.js';

/** What the commands need of a run, whatever its kind. */
export interface TrainingRun {
  readonly config: TrainConfig;
  readonly model: EnergyModel;
  readonly objective: Objective;
  readonly data: tf.Tensor;
  readonly optimizer: tf.Optimizer;
  readonly trainKey: Key;
  /** The run's normalizing flow (fce and flow runs), kept when an objective state is released. */
  readonly flow?: Flow;
  /** The test NLL logged every `evalEvery` steps (conditional runs: the conditional NLL of y given x). */
  evaluate(): number;
  /**
   * After training: evaluate, write summary.json and the pictures, print the table (Ctrl-C
   * between the phases stops with what is saved said); throws a `DivergedError` for a diverged run.
   */
  finish(folder: RunFolder, steps: number, io: Io, interrupts: Interrupts): Promise<Summary>;
  /** `ebm eval`: the summary of the loaded model and its table; writes nothing. */
  summarize(folder: RunFolder, steps: number): Promise<{ readonly summary: Summary; readonly table: string }>;
  /** `ebm plot`: redraws the pictures (checking `interrupts` before each); returns their paths. */
  plot(folder: RunFolder, interrupts: Interrupts, interrupted: string): Promise<string[]>;
  /** Frees the run's tensors. */
  dispose(): void;
}

/** Builds the run the config describes (backend, data, model, objective, optimizer). */
export async function openTrainingRun(config: TrainConfig): Promise<TrainingRun> {
  if (isConditionalConfig(config)) {
    const session = await openConditionalSession(config);
    return {
      ...session,
      evaluate: () => evaluateConditionalNll(session).nll,
      finish: (folder, steps, io, interrupts) => finishConditionalRun(session, folder, steps, io, interrupts),
      summarize: async (folder, steps) => {
        const summary = await evaluateConditionalRun(session, folder, steps);
        return { summary, table: conditionalSummaryTable(summary) };
      },
      plot: (folder, interrupts, interrupted) =>
        drawConditionalPictures(session, folder, folder.readSummary() as ConditionalSummary | undefined, () => interrupts.check(interrupted)),
    };
  }
  const session = await openSession(config);
  const withSamples = async <T>(use: (samples: tf.Tensor2D) => T | Promise<T>): Promise<T> => {
    const samples = drawSamples(session, config.sampleSize, config.sampleSteps);
    try {
      return await use(samples);
    } finally {
      samples.dispose();
    }
  };
  return {
    ...session,
    evaluate: () => evaluateNll(session).nll,
    finish: (folder, steps, io, interrupts) => finishRun(session, folder, steps, io, interrupts),
    summarize: (folder, steps) =>
      withSamples((samples) => {
        const summary = evaluateRun(session, folder, steps, samples);
        return { summary, table: summaryTable(summary) };
      }),
    plot: (folder, interrupts, interrupted) =>
      withSamples(async (samples) => {
        interrupts.check(interrupted);
        await drawPictures(session, folder, samples, folder.readSummary());
        const flow = session.flow !== undefined && session.flow !== session.model ? [folder.path('flow')] : [];
        return [folder.path('density'), ...flow, folder.path('loss')];
      }),
  };
}
