/**
 * The messages between a {@link WorkerChains} pool and its chain workers. Everything here crosses
 * a thread with the structured clone algorithm: plain objects, numbers, strings, typed arrays
 * (moved, not copied, when listed for transfer) and PRNG keys (plain `{ kind, data }` records).
 */
import type { Key } from '@ebm/core';
import type * as tf from '@tensorflow/tfjs';

/** A factory a worker imports and calls: `(await import(module))[exportName](options)`. */
export interface ModuleSpec {
  /** A file URL, or a specifier the worker can import (resolved from @ebm/workers' own folder). */
  readonly module: string;
  readonly export: string;
  readonly options: unknown;
}

/** What a worker is started with (its `workerData`). */
export interface WorkerSetup {
  readonly index: number;
  readonly backend: string;
  readonly model: ModuleSpec;
  readonly sampler: ModuleSpec;
}

/** A tensor's values and shape. */
export interface TensorData {
  readonly values: Float32Array | Int32Array | Uint8Array;
  readonly shape: number[];
  readonly dtype: tf.DataType;
}

/** One block of chains to run: its index (for its key, `foldIn(key, index)`) and start positions. */
export interface BlockRequest {
  readonly index: number;
  readonly start: TensorData;
}

/** A run on some of a pool's blocks: `'chains'` runs `numSteps` steps (runChain), `'sample'` runs core's sampleChain. */
export interface RunRequest {
  readonly type: 'run';
  readonly id: number;
  readonly mode: 'chains' | 'sample';
  readonly key: Key;
  readonly blocks: readonly BlockRequest[];
  readonly numSteps: number;
  readonly burnIn: number;
  readonly thin: number;
  readonly collect: boolean;
  /** New values for the model's variables, in `model.variables` order (absent: keep the current ones). */
  readonly weights?: readonly TensorData[];
}

/** One block's outcome: the last positions, the kept samples (`'sample'` with collect) and the mean step info. */
export interface BlockResult {
  readonly index: number;
  readonly position: TensorData;
  readonly samples?: TensorData;
  readonly meanInfo: Readonly<Record<string, number>>;
}

/** An error as it crosses the thread (class name, message, the `argument` of an InvalidArgumentError). */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly argument?: string;
  readonly stack?: string;
}

/** What a worker posts: ready after set-up, a run's results, or an error (of set-up when `id` is absent). */
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly blocks: readonly BlockResult[] }
  | { readonly type: 'error'; readonly id?: number; readonly error: SerializedError };

/** The typed arrays to transfer (move) with a message holding these tensors. */
export function transferList(tensors: readonly (TensorData | undefined)[]): ArrayBuffer[] {
  return tensors.filter((t): t is TensorData => t !== undefined).map((t) => t.values.buffer as ArrayBuffer);
}
