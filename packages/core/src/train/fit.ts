import * as tf from '@tensorflow/tfjs';
import { CheckpointError, InvalidArgumentError, NonFiniteError, ShapeError } from '../errors.js';
import { type Key, foldIn, keyData, split } from '../key.js';
import { readScalars } from '../read-scalars.js';
import { disposeReplaced, disposeState } from '../state.js';
import type { EnergyModel, Objective, ObjectiveStep } from '../types.js';
import { assertBatch, assertFiniteAsync, assertInteger } from '../validate.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint/checkpoint.js';
import type { CheckpointStore } from './checkpoint/store.js';
import { minibatches } from './minibatch.js';
import { assertOptimizerFits } from './optimizer-slots.js';

/** What `onStep` receives after every training step. */
export interface FitProgress {
  /** Steps completed so far, this one included (1-based; continues from the checkpoint on resume). */
  readonly step: number;
  readonly totalSteps: number;
  /** Epoch (0-based) of this step's minibatch. */
  readonly epoch: number;
  readonly loss: number;
  /** The objective's metrics at this step, read from the device together with the loss. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Seconds since this `fit` call started. */
  readonly elapsedSeconds: number;
}

/** Where and how often {@link fit} saves checkpoints. */
export interface FitCheckpointOptions {
  readonly store: CheckpointStore;
  /** Save after every `every` steps (and always after the last step, and when aborted). */
  readonly every: number;
  /** Checkpoints kept in the store; older ones are deleted after each save (default 2). */
  readonly keep?: number;
}

/** Options of {@link fit}. */
export interface FitOptions {
  /**
   * Any tfjs optimizer; for a learning-rate schedule, one from this module (`adam({ learningRate:
   * cosineDecay(...) })`). Keep one instance per model: tfjs optimizers keep their slots by position,
   * and an optimizer whose state does not fit the trained variables is refused before the first step.
   */
  readonly optimizer: tf.Optimizer;
  /** Total optimisation steps (give exactly one of `steps` and `epochs`). */
  readonly steps?: number;
  /** Total epochs: `epochs * floor(N / batchSize)` steps. */
  readonly epochs?: number;
  /** Rows per minibatch, in `[1, N]` (default 128, or N when the data has fewer rows). */
  readonly batchSize?: number;
  /**
   * The run's key. `split(key, 3)` gives the batch key (epoch e shuffles with
   * `foldIn(batchKey, e)`), the objective key (step t uses `foldIn(objectiveKey, t)`) and the
   * objective's init key, so step t is fully determined by `(key, t)`.
   */
  readonly key: Key;
  /** Called after every step, for progress bars and logging; awaited when it returns a promise. */
  readonly onStep?: (progress: FitProgress) => void | Promise<void>;
  /** Save a checkpoint every N steps and at the end. */
  readonly checkpoint?: FitCheckpointOptions;
  /** Continue from the store's latest checkpoint when there is one (default false). */
  readonly resume?: boolean;
  /** Stops training after the current step (saving a checkpoint when a store is configured). */
  readonly signal?: AbortSignal;
}

/** What {@link fit} returns; the caller owns `state`. */
export interface FitResult<S> {
  /** Steps completed in total (including those before a resume). */
  readonly step: number;
  /** The loss of every step this call ran. */
  readonly losses: number[];
  /** The metrics of every step this call ran. */
  readonly metrics: Readonly<Record<string, number>>[];
  /** The final objective state; the caller owns it (`disposeState(result.state)`). */
  readonly state: S;
  /** `'aborted'` when `signal` stopped training early. */
  readonly stopped: 'completed' | 'aborted';
}

/** The loss's field in the one record of scalars read per step (a name no metric uses). */
const LOSS_FIELD = '$loss';

/** Default rows per minibatch: large enough for stable gradients, small enough for the cpu backend. */
const DEFAULT_BATCH_SIZE = 128;

/**
 * Trains `model` with `objective` on `data` (`[N, ...event]`, rows on axis 0): for each step t,
 *
 *   batch_t = minibatch t of the key-driven shuffle,
 *   state = await objective.prepare(model, batch_t, state, foldIn(objectiveKey, t))   (when it has one),
 *   (loss, grads, state) = objective.gradients(model, batch_t, state, foldIn(objectiveKey, t)),
 *   optimizer.applyGradients(grads of [...model.variables, ...objective.variables(state)]),
 *
 * applying the gradients always in that fixed order (tfjs optimizers keep slots by position).
 * Each step makes one device read: the loss and the objective's metrics, batched and
 * asynchronous (`gradients` itself reads nothing; a `prepare` that runs chains elsewhere may).
 * Full batches only: `floor(N / batchSize)` steps per epoch. A checkpoint store makes the run
 * resumable, and a resumed run reproduces the uninterrupted one exactly on the same backend.
 * Training stops with a `NonFiniteError` when the loss becomes NaN or infinite (the last
 * checkpoint stays as it was), and returns early with `stopped: 'aborted'` when `signal` fires.
 *
 * @example
 * const model = gaussianEnergy({ dim: 2 });
 * const { losses, state } = await fit(model, objective, data, {
 *   optimizer: tf.train.adam(0.01), epochs: 10, batchSize: 64, key: prngKey(0),
 *   onStep: ({ step, totalSteps, loss }) => console.log(`${step}/${totalSteps} loss ${loss}`),
 * });
 * disposeState(state);
 */
export async function fit<S>(model: EnergyModel, objective: Objective<S>, data: tf.Tensor, options: FitOptions): Promise<FitResult<S>> {
  const { optimizer, key, onStep, checkpoint, resume = false, signal } = options;
  assertBatch('data', data, 2);
  if ((options.steps === undefined) === (options.epochs === undefined)) {
    throw new InvalidArgumentError(
      'steps',
      `give exactly one of steps and epochs, got steps = ${String(options.steps)} and epochs = ${String(options.epochs)}. ` +
        'E.g. { steps: 1000 } or { epochs: 10 }.',
    );
  }
  const [batchKey, objectiveKey, initKey] = split(key, 3) as [Key, Key, Key];
  const batchSize = options.batchSize ?? Math.min(DEFAULT_BATCH_SIZE, data.shape[0]!);
  const batches = minibatches(data, { key: batchKey, batchSize });
  let totalSteps: number;
  if (options.steps !== undefined) {
    assertInteger('steps', options.steps, 1);
    totalSteps = options.steps;
  } else {
    assertInteger('epochs', options.epochs!, 1);
    totalSteps = options.epochs! * batches.stepsPerEpoch;
  }
  if (checkpoint !== undefined) {
    assertInteger('checkpoint.every', checkpoint.every, 1);
    if (checkpoint.keep !== undefined) assertInteger('checkpoint.keep', checkpoint.keep, 1);
  }
  await assertFiniteAsync('data', data);
  const meta = { objective: objective.name, batchSize };

  let step = 0;
  let state: S;
  const latest = resume && checkpoint !== undefined ? await checkpoint.store.latest() : undefined;
  if (latest !== undefined) {
    const loaded = await loadCheckpoint<S>(checkpoint!.store, { model, optimizer, objective, step: latest });
    state = loaded.objectiveState;
    const mismatch =
      keyData(loaded.key).join() !== keyData(key).join()
        ? `key [${keyData(loaded.key).join(', ')}] (this call: [${keyData(key).join(', ')}])`
        : loaded.meta.batchSize !== undefined && loaded.meta.batchSize !== batchSize
          ? `batchSize ${String(loaded.meta.batchSize)} (this call: ${batchSize})`
          : loaded.meta.objective !== undefined && loaded.meta.objective !== objective.name
            ? `objective '${String(loaded.meta.objective)}' (this call: '${objective.name}')`
            : undefined;
    if (mismatch !== undefined) {
      disposeState(state);
      throw new CheckpointError(
        `Cannot resume from checkpoint step ${loaded.step} in ${checkpoint!.store.description}: it was written with ${mismatch}. ` +
          'Resume with the same key, batchSize and objective, or start a fresh run in an empty store.',
      );
    }
    step = loaded.step;
  } else {
    state = objective.init(model, initKey);
  }

  const save = (): Promise<void> =>
    saveCheckpoint(checkpoint!.store, { step, key, model, optimizer, objectiveState: state, meta, keep: checkpoint!.keep ?? 2 });
  const losses: number[] = [];
  const metrics: Readonly<Record<string, number>>[] = [];
  const start = performance.now();
  let savedStep = step;
  let stopped: FitResult<S>['stopped'] = 'completed';
  try {
    await assertOptimizerFits(optimizer, [...model.variables, ...(objective.variables?.(state) ?? [])]);
    while (step < totalSteps) {
      if (signal?.aborted) {
        stopped = 'aborted';
        break;
      }
      const batch = batches.batch(step);
      const stepKey = foldIn(objectiveKey, step);
      if (objective.prepare !== undefined) {
        let prepared: S;
        try {
          prepared = await objective.prepare(model, batch, state, stepKey);
        } catch (error) {
          batch.dispose();
          throw error;
        }
        disposeReplaced(state, prepared);
        state = prepared;
      }
      const result = runStep(model, objective, batch, state, stepKey, losses.length === 0);
      const { [LOSS_FIELD]: loss, ...stepMetrics } = await readScalars({ ...result.metrics, [LOSS_FIELD]: result.loss });
      if (!Number.isFinite(loss)) {
        tf.dispose([result.loss, ...Object.values(result.grads), ...Object.values(result.metrics)]);
        disposeReplaced(result.state, state);
        const last =
          checkpoint === undefined ? '' : savedStep > 0 ? ` The last checkpoint (step ${savedStep}) is untouched.` : ' No checkpoint was written yet.';
        const nonFinite = Object.entries(stepMetrics).filter(([, v]) => !Number.isFinite(v));
        const culprits = nonFinite.length > 0 ? ` Non-finite metrics: ${nonFinite.map(([k, v]) => `${k} = ${v}`).join(', ')}.` : '';
        throw new NonFiniteError(
          'loss',
          `is ${loss} at step ${step + 1} (objective '${objective.name}').${culprits} Lower the learning rate (or a sampler's step size), ` +
            `or check the data for outliers and its scale (standardise it).${last}`,
        );
      }
      const variables = [...model.variables, ...(objective.variables?.(result.state) ?? [])];
      try {
        optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: gradientOf(result, v, objective.name) })));
      } catch (error) {
        disposeReplaced(result.state, state);
        throw error;
      } finally {
        tf.dispose([result.loss, ...Object.values(result.grads), ...Object.values(result.metrics)]);
      }
      disposeReplaced(state, result.state);
      state = result.state;
      step += 1;
      losses.push(loss!);
      metrics.push(stepMetrics);
      await onStep?.({
        step,
        totalSteps,
        epoch: batches.epochOf(step - 1),
        loss: loss!,
        metrics: stepMetrics,
        elapsedSeconds: (performance.now() - start) / 1000,
      });
      if (checkpoint !== undefined && step % checkpoint.every === 0) {
        await save();
        savedStep = step;
      }
      // Let timers, I/O and abort signals run between steps.
      await yieldToEventLoop();
    }
    if (checkpoint !== undefined && savedStep !== step) await save();
  } catch (error) {
    disposeState(state);
    throw error;
  }
  return { step, losses, metrics, state, stopped };
}

/** Runs one objective step on `batch` (and disposes it), turning a model/data shape mismatch on the first batch into a clear `ShapeError` on `data`. */
function runStep<S>(model: EnergyModel, objective: Objective<S>, batch: tf.Tensor, state: S, key: Key, first: boolean): ObjectiveStep<S> {
  try {
    return objective.gradients(model, batch, state, key);
  } catch (error) {
    if (first && error instanceof ShapeError && error.argument !== 'data') {
      throw new ShapeError(
        'data',
        `rows of shape [${batch.shape.slice(1).join(', ')}] do not fit the model: ${error.message}. ` +
          'Pass data of shape [N, ...] whose rows have the shape the model was built for.',
      );
    }
    throw error;
  } finally {
    batch.dispose();
  }
}

function gradientOf<S>(result: ObjectiveStep<S>, variable: tf.Variable, objectiveName: string): tf.Tensor {
  const gradient = result.grads[variable.name];
  if (gradient === undefined) {
    throw new InvalidArgumentError(
      'objective',
      `'${objectiveName}' returned no gradient for variable '${variable.name}'. An objective must return a gradient ` +
        'for every model variable and every variable it lists in variables(state) (zeros when the loss does not depend on it).',
    );
  }
  return gradient;
}

/**
 * Resolves on the next macrotask: setImmediate in Node, a MessageChannel message in browsers and
 * workers (a chain of zero timeouts is clamped to 4 ms each after five, which would cost a fast
 * training loop a fifth of its speed).
 */
function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (immediate) return new Promise((resolve) => immediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
