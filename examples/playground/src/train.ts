/**
 * One training run in the worker: data and the model view on wasm (or cpu), the model, objective
 * and optimizer on the chosen backend, then core's `fit` with an IndexedDB checkpoint store
 * (resuming from it when it holds the run), reporting losses, speed and views as it goes.
 */
import * as tf from '@tensorflow/tfjs';
import { type Key, cosineDecay, disposeState, prngKey, split } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { adam, fit, indexedDbCheckpointStore } from '@ebm/core/train';
import { selectBackend, wasmThreads } from './backends.js';
import { makeRunData } from './data.js';
import type { Report } from './messages.js';
import { buildObjective, buildSampler } from './recipes.js';
import { type Settings, runName } from './settings.js';
import { createModelView } from './view.js';

/** Save a checkpoint every this many steps (and when paused, and at the end). */
export const CHECKPOINT_EVERY = 100;
/** Compute the exact test NLL every this many steps (and at the start and the end). */
export const EVAL_EVERY = 100;
/** Refresh the density and samples at most this often, and report losses at most this often (ms). */
const VIEW_INTERVAL_MS = 500;
const PROGRESS_INTERVAL_MS = 100;
/** Training points plotted under the density (a subsample). */
const PLOTTED_DATA = 2000;

/** Trains as `settings` say until done or `signal` fires; posts {@link Report}s with `post`. */
export async function trainRun(settings: Settings, post: (report: Report) => void, signal: AbortSignal): Promise<void> {
  const [dataKey, modelKey, fitKey, viewKey] = split(prngKey(settings.seed), 4) as [Key, Key, Key, Key];
  const hidden = settings.size.split(',').map(Number);
  const sampler = buildSampler(settings.sampler);

  // Data and the view on a backend that may read synchronously: wasm, else cpu.
  const viewBackend = await selectBackend('wasm').then(
    () => 'wasm',
    () => selectBackend('cpu').then(() => 'cpu'),
  );
  const data = makeRunData(settings, dataKey);
  const view = createModelView({ viewBackend, trainBackend: settings.backend, hidden, sampler, test: data.test, key: viewKey, ...(data.entropy === undefined ? {} : { entropy: data.entropy }) });

  await selectBackend(settings.backend);
  const model = mlpEnergy({ inputShape: [2], hidden, key: modelKey, name: 'playground' });
  const { objective, dispose: disposeObjective } = buildObjective(settings.objective, sampler, data.moments);
  const train = tf.tensor2d(data.train, [data.train.length / 2, 2]);
  const optimizer = adam({ learningRate: cosineDecay({ initial: settings.lr, decaySteps: settings.steps }) });
  const store = indexedDbCheckpointStore(runName(settings));
  const resumedFrom = (await store.latest()) ?? 0;
  post({
    type: 'started',
    backend: tf.getBackend(),
    threads: settings.backend === 'wasm' ? wasmThreads() : 1,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    resumedFrom,
    data: data.train.slice(0, 2 * PLOTTED_DATA),
    ...(data.entropy === undefined ? {} : { entropy: data.entropy }),
  });

  let losses: number[] = [];
  let lastProgress = 0;
  let lastView = 0;
  const recent: { step: number; time: number }[] = [];
  const report = (step: number, totalSteps: number) => {
    const now = performance.now();
    recent.push({ step, time: now });
    while (recent.length > 2 && now - recent[0]!.time > 1000) recent.shift();
    const first = recent[0]!;
    const stepsPerSecond = now > first.time ? ((step - first.step) * 1000) / (now - first.time) : 0;
    post({ type: 'progress', step, totalSteps, losses, stepsPerSecond });
    losses = [];
    lastProgress = now;
  };
  let viewMs = 0;
  const refresh = async (step: number, evaluate: boolean) => {
    const start = performance.now();
    post({ type: 'view', ...(await view.update(model, step, evaluate)) });
    lastView = performance.now();
    viewMs += lastView - start;
  };

  try {
    if (resumedFrom === 0) await refresh(0, true);
    const fitStart = performance.now();
    viewMs = 0;
    const result = await fit(model, objective, train, {
      optimizer,
      steps: settings.steps,
      batchSize: Math.min(settings.batch, data.train.length / 2),
      key: fitKey,
      checkpoint: { store, every: CHECKPOINT_EVERY, keep: 1 },
      resume: true,
      signal,
      onStep: async ({ step, totalSteps, loss }) => {
        losses.push(loss);
        const now = performance.now();
        const last = step === totalSteps;
        if (now - lastProgress >= PROGRESS_INTERVAL_MS || last) report(step, totalSteps);
        const evaluate = step % EVAL_EVERY === 0 || last;
        if (evaluate || now - lastView >= VIEW_INTERVAL_MS) await refresh(step, evaluate);
      },
    });
    if (losses.length > 0) report(result.step, settings.steps);
    disposeState(result.state);
    const trainSeconds = (performance.now() - fitStart - viewMs) / 1000;
    post({ type: 'stopped', step: result.step, completed: result.stopped === 'completed', trainStepsPerSecond: result.losses.length / trainSeconds });
  } finally {
    disposeObjective();
    view.dispose();
    tf.dispose([train, ...model.variables]);
    optimizer.dispose();
  }
}
