/**
 * One interface over the two kinds of run `ebm train`, `ebm eval` and `ebm plot` handle: a density
 * of 2-D points (session.ts, evaluation.ts) and a conditional model p(y | x) (conditional-session.ts,
 * conditional-evaluation.ts). The commands pick the kind from the config's objective.
 */
import type * as tf from '@tensorflow/tfjs';
import type { EnergyModel, Key, Objective } from '@ebm/core';
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
import type { Io } from './io.js';
import type { RunFolder } from './run-folder.js';
import { openSession } from './session.js';

/** What the commands need of a run, whatever its kind. */
export interface TrainingRun {
  readonly config: TrainConfig;
  readonly model: EnergyModel;
  readonly objective: Objective;
  readonly data: tf.Tensor;
  readonly optimizer: tf.Optimizer;
  readonly trainKey: Key;
  /** The test NLL logged every `evalEvery` steps (conditional runs: the conditional NLL of y given x). */
  evaluate(): number;
  /** After training: evaluate, write summary.json and the pictures, print the table. */
  finish(folder: RunFolder, steps: number, io: Io): Promise<unknown>;
  /** `ebm eval`: the summary of the loaded model, written to summary.json; returns the table. */
  summarize(folder: RunFolder, steps: number): Promise<string>;
  /** `ebm plot`: redraws the pictures; returns their paths. */
  plot(folder: RunFolder): Promise<string[]>;
  dispose(): void;
}

/** Builds the run the config describes (backend, data, model, objective, optimizer). */
export async function openTrainingRun(config: TrainConfig): Promise<TrainingRun> {
  if (isConditionalConfig(config)) {
    const session = await openConditionalSession(config);
    return {
      ...session,
      evaluate: () => evaluateConditionalNll(session).nll,
      finish: (folder, steps, io) => finishConditionalRun(session, folder, steps, io),
      summarize: async (folder, steps) => {
        const summary = await evaluateConditionalRun(session, folder, steps);
        folder.writeJson('summary', summary);
        return conditionalSummaryTable(summary);
      },
      plot: (folder) => drawConditionalPictures(session, folder, folder.readSummary() as unknown as ConditionalSummary | undefined),
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
    finish: (folder, steps, io) => finishRun(session, folder, steps, io),
    summarize: (folder, steps) =>
      withSamples((samples) => {
        const summary = evaluateRun(session, folder, steps, samples);
        folder.writeJson('summary', summary);
        return summaryTable(summary);
      }),
    plot: (folder) =>
      withSamples(async (samples) => {
        await drawPictures(session, folder, samples, folder.readSummary());
        return [folder.path('density'), folder.path('loss')];
      }),
  };
}
