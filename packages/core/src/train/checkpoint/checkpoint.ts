import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from '../../errors.js';
import { type Key, keyData, keyFromData } from '../../key.js';
import { collectTensors } from '../../state.js';
import type { EnergyModel, Objective } from '../../types.js';
import { assertInteger } from '../../validate.js';
import { ITERATIONS_WEIGHT, sameShape, slotsFit } from '../optimizer-slots.js';
import { crc32 } from './crc32.js';
import { type JsonValue, decodeState, encodeState } from './state-codec.js';
import type { CheckpointStore } from './store.js';

/** The `format` field of every checkpoint manifest. */
export const CHECKPOINT_FORMAT = 'ebm-checkpoint';
/** The manifest layout this version writes and reads. Bump it when the layout changes. */
export const CHECKPOINT_FORMAT_VERSION = 1;
/** The JSON description of a checkpoint. */
export const MANIFEST_FILE = 'manifest.json';
/** The concatenated raw tensor bytes (little-endian, as typed arrays hold them). */
export const TENSORS_FILE = 'tensors.bin';
/** Tensor byte offsets in `tensors.bin` are multiples of 8, so every dtype's view is aligned. */
const ALIGNMENT = 8;

/** A tensor with the name an optimizer's getWeights/setWeights gives it. */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** The tensor dtypes a checkpoint stores (tfjs's numeric and boolean dtypes). */
export type StoredDtype = 'float32' | 'int32' | 'bool';
const BYTES_PER_ELEMENT: Readonly<Record<StoredDtype, number>> = { float32: 4, int32: 4, bool: 1 };

/** One tensor in `tensors.bin`. */
export interface CheckpointTensorEntry {
  /** Where the tensor came from, e.g. `model/gaussian/mean` or `objectiveState.chains`. */
  readonly name: string;
  readonly shape: number[];
  readonly dtype: StoredDtype;
  readonly byteOffset: number;
  readonly byteLength: number;
}

/** `manifest.json`: everything but the tensor bytes. Tensors are referred to by index into `tensors`. */
export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly formatVersion: number;
  /** Training steps completed when the checkpoint was written. */
  readonly step: number;
  /** The run's key words (`keyData`). */
  readonly key: [number, number];
  /** Size and CRC-32 of `tensors.bin`, checked on load. */
  readonly tensorsFile: { readonly byteLength: number; readonly crc32: number };
  readonly tensors: CheckpointTensorEntry[];
  /** Model variables in `model.variables` order. Names are informative only: tfjs makes them unique per process. */
  readonly model: { readonly variables: { readonly name: string; readonly tensor: number }[] };
  /**
   * `getClassName()`, the `getWeights()` list (iteration count first), and `slots`: variables the
   * optimizer holds outside `getWeights` (Adam's running `beta^t` products), so that a restored
   * optimizer continues bit for bit rather than recomputing them with `pow`.
   */
  readonly optimizer: {
    readonly className: string;
    readonly weights: { readonly name: string; readonly tensor: number }[];
    readonly slots: { readonly field: string; readonly tensor: number }[];
  } | null;
  /** The objective state, encoded as described in `encodeState`. */
  readonly objectiveState: JsonValue;
  /** Caller data, e.g. `{ objective: 'cd', batchSize: 128 }`. */
  readonly meta: { readonly [field: string]: JsonValue };
}

/** What {@link saveCheckpoint} writes. */
export interface SaveCheckpointOptions<S = unknown> {
  /** Training steps completed (an integer >= 0); the checkpoint's id in the store. */
  readonly step: number;
  /** The run's key, restored by `loadCheckpoint`. */
  readonly key: Key;
  readonly model: EnergyModel;
  /** Its moments and iteration count are saved (any tfjs optimizer with `getWeights`, i.e. all but Adamax). */
  readonly optimizer?: tf.Optimizer;
  /** The objective state: tensors, variables, keys, numbers, strings, booleans, null, arrays and plain objects. */
  readonly objectiveState?: S;
  /** JSON-serialisable caller data stored in the manifest. */
  readonly meta?: { readonly [field: string]: JsonValue };
  /** After saving, delete all but the `keep` most recent checkpoints (default: delete none). */
  readonly keep?: number;
}

/**
 * Saves model variables, optimizer state, objective state and the key as checkpoint `step`:
 * `manifest.json` (format `ebm-checkpoint`, version {@link CHECKPOINT_FORMAT_VERSION}, shapes,
 * dtypes and byte offsets of every tensor, CRC-32 of the tensor bytes) and `tensors.bin` (the raw
 * little-endian tensor bytes, each at an 8-byte-aligned offset). The store writes both atomically,
 * so a failed save never damages the previous checkpoint. Reads the tensors asynchronously; does
 * not modify or dispose anything it is given.
 *
 * @example
 * await saveCheckpoint(fileCheckpointStore('./run'), { step: 500, key, model, optimizer, objectiveState: state });
 */
export async function saveCheckpoint<S>(store: CheckpointStore, options: SaveCheckpointOptions<S>): Promise<void> {
  const { step, key, model, optimizer, objectiveState, meta = {}, keep } = options;
  assertInteger('step', step, 0);
  if (keep !== undefined) assertInteger('keep', keep, 1);

  const entries: CheckpointTensorEntry[] = [];
  const sources: tf.Tensor[] = [];
  const indexOf = new Map<tf.Tensor, number>();
  const addTensor = (tensor: tf.Tensor, name: string): number => {
    const known = indexOf.get(tensor);
    if (known !== undefined) return known;
    if (tensor.isDisposed) throw new CheckpointError(`Cannot save ${name}: the tensor was already disposed.`);
    if (!(tensor.dtype in BYTES_PER_ELEMENT)) {
      throw new CheckpointError(`Cannot save ${name}: dtype '${tensor.dtype}' is not supported (use float32, int32 or bool).`);
    }
    const dtype = tensor.dtype as StoredDtype;
    entries.push({ name, shape: [...tensor.shape], dtype, byteOffset: 0, byteLength: tensor.size * BYTES_PER_ELEMENT[dtype] });
    sources.push(tensor);
    indexOf.set(tensor, entries.length - 1);
    return entries.length - 1;
  };

  const modelEntries = model.variables.map((v) => ({ name: v.name, tensor: addTensor(v, `model/${v.name}`) }));
  let weights: NamedTensor[] = [];
  let optimizerEntry: CheckpointManifest['optimizer'] = null;
  try {
    if (optimizer !== undefined) {
      const className = optimizer.getClassName();
      try {
        weights = await optimizer.getWeights();
      } catch (error) {
        throw new CheckpointError(
          `Cannot save optimizer ${className}: ${(error as Error).message} ` +
            'Use an optimizer whose state tfjs can export: tf.train.adam, sgd, momentum, rmsprop, adagrad or adadelta.',
        );
      }
      const slots = Object.entries(optimizer)
        .filter((entry): entry is [string, tf.Variable] => entry[1] instanceof tf.Variable)
        .map(([field, variable]) => ({ field, tensor: addTensor(variable, `optimizer/${field}`) }));
      optimizerEntry = {
        className,
        weights: weights.map((w) => ({ name: w.name, tensor: addTensor(w.tensor, `optimizer/${w.name}`) })),
        slots,
      };
    }
    const stateJson = encodeState(objectiveState ?? null, addTensor);

    let byteLength = 0;
    const placed = entries.map((entry) => {
      const byteOffset = Math.ceil(byteLength / ALIGNMENT) * ALIGNMENT;
      byteLength = byteOffset + entry.byteLength;
      return { ...entry, byteOffset };
    });
    const bin = new Uint8Array(byteLength);
    const data = await Promise.all(sources.map((t) => t.data()));
    data.forEach((values, i) => bin.set(new Uint8Array(values.buffer, values.byteOffset, placed[i]!.byteLength), placed[i]!.byteOffset));

    const manifest: CheckpointManifest = {
      format: CHECKPOINT_FORMAT,
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      step,
      key: keyData(key),
      tensorsFile: { byteLength, crc32: crc32(bin) },
      tensors: placed,
      model: { variables: modelEntries },
      optimizer: optimizerEntry,
      objectiveState: stateJson,
      meta,
    };
    await store.write(step, { [MANIFEST_FILE]: new TextEncoder().encode(JSON.stringify(manifest, null, 1)), [TENSORS_FILE]: bin });
  } finally {
    // getWeights returns the optimizer's own variables plus a fresh iteration-count scalar: free the latter.
    tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  }

  if (keep !== undefined) await pruneCheckpoints(store, { keep, latest: step });
}

/**
 * Deletes all but the `keep` most recent checkpoints, counting `latest` (always kept) and the
 * `keep - 1` newest others: what `saveCheckpoint({ keep })` does after each save, and what a run
 * resumed after a crash between a save and its pruning finishes. Deletes the oldest first.
 *
 * @example
 * await pruneCheckpoints(store, { keep: 2, latest: (await store.latest())! });
 */
export async function pruneCheckpoints(store: CheckpointStore, options: { readonly keep: number; readonly latest: number }): Promise<void> {
  assertInteger('keep', options.keep, 1);
  const older = (await store.list()).filter((s) => s !== options.latest);
  for (const s of older.slice(0, Math.max(0, older.length - (options.keep - 1)))) await store.remove(s);
}

/** Options of {@link loadCheckpoint}: where the restored values go. */
export interface LoadCheckpointOptions {
  /** Receives the saved variables (assigned in place, by position; shapes must match). */
  readonly model: EnergyModel;
  /** Receives the saved optimizer state; must be the same kind as the saved one. Best fresh (its old slots are freed). */
  readonly optimizer?: tf.Optimizer;
  /**
   * The objective, whose `variables(state)` the optimizer trains besides the model's: lets the
   * optimizer slots be checked against every trained variable (without it they are checked only
   * when the state holds no variable).
   */
  readonly objective?: Pick<Objective<never>, 'variables'>;
  /** Which checkpoint (default: the store's latest). */
  readonly step?: number;
}

/** What {@link loadCheckpoint} returns; the caller owns `objectiveState`. */
export interface LoadedCheckpoint<S = unknown> {
  readonly step: number;
  readonly key: Key;
  /** The restored objective state: fresh tensors the caller owns. */
  readonly objectiveState: S;
  readonly meta: { readonly [field: string]: JsonValue };
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint}: assigns the model variables in place, restores
 * the optimizer state, and returns the step, key, objective state and meta. Everything is checked
 * before anything is modified, so a failed load leaves model and optimizer as they were.
 *
 * Throws a `CheckpointError` naming the file or field and the fix when the store is empty, a
 * file is missing, the bytes are corrupt (size or CRC-32 mismatch, a shape that is not a list of
 * integers >= 0), the format or version is unknown, the manifest's step is not the step it is
 * stored under, or the checkpoint does not fit the model (variable count, shape, dtype) or the
 * optimizer (class, number or shapes of its weights).
 *
 * @example
 * const model = gaussianEnergy({ dim: 2 });
 * const optimizer = tf.train.adam(0.01);
 * const { step, objectiveState } = await loadCheckpoint(fileCheckpointStore('./run'), { model, optimizer });
 */
export async function loadCheckpoint<S = unknown>(store: CheckpointStore, options: LoadCheckpointOptions): Promise<LoadedCheckpoint<S>> {
  const { model, optimizer, objective } = options;
  const step = options.step ?? (await store.latest());
  if (step === undefined) {
    throw new CheckpointError(`There is no checkpoint in ${store.description}. Save one first, or train without resume.`);
  }
  const where = `checkpoint step ${step} in ${store.description}`;
  const files = await store.read(step);
  const fileOf = (name: string): Uint8Array => {
    const bytes = files[name];
    if (bytes === undefined) {
      throw new CheckpointError(
        `${name} is missing from ${where}: the checkpoint is incomplete. Load an earlier step (store.list()) or start a fresh run.`,
      );
    }
    return bytes;
  };
  const manifest = parseManifest(fileOf(MANIFEST_FILE), where);
  if (manifest.step !== step) {
    throw new CheckpointError(
      `${MANIFEST_FILE} of ${where} says it holds step ${manifest.step}: the checkpoint and its place in the store disagree ` +
        '(a checkpoint folder copied or renamed by hand?). Put it back under its own step, or remove it and load another step (store.list()).',
    );
  }
  const bin = fileOf(TENSORS_FILE);
  checkBytes(manifest, bin, where);

  const tensorAt = (index: number): tf.Tensor => {
    const entry = manifest.tensors[index];
    if (entry === undefined) throw new CheckpointError(`${MANIFEST_FILE} of ${where} refers to tensor ${index}, which it does not list: the checkpoint is corrupt.`);
    const copy = new Uint8Array(entry.byteLength);
    copy.set(bin.subarray(entry.byteOffset, entry.byteOffset + entry.byteLength));
    const values =
      entry.dtype === 'float32' ? new Float32Array(copy.buffer) : entry.dtype === 'int32' ? new Int32Array(copy.buffer) : copy;
    return tf.tensor(values, entry.shape, entry.dtype);
  };

  // 1. Model: same number of variables, same shapes and dtypes, by position.
  const saved = manifest.model.variables;
  if (saved.length !== model.variables.length) {
    throw new CheckpointError(
      `${where} holds ${saved.length} model variables but the model has ${model.variables.length}. ` +
        'Build the model with the same architecture (dims, layer sizes) as the one that was saved.',
    );
  }
  model.variables.forEach((v, i) => {
    const entry = manifest.tensors[saved[i]!.tensor];
    if (entry === undefined || !sameShape(entry.shape, v.shape) || entry.dtype !== v.dtype) {
      throw new CheckpointError(
        `Model variable ${i} ('${v.name}') is ${v.dtype} [${v.shape.join(', ')}] but ${where} saved variable ${i} ` +
          `('${saved[i]!.name}') as ${entry?.dtype} [${entry?.shape.join(', ')}]. ` +
          'Build the model with the same architecture (dims, layer sizes) as the one that was saved.',
      );
    }
  });

  // 2. Optimizer kind.
  const savedOptimizer = manifest.optimizer;
  if (optimizer !== undefined) {
    if (savedOptimizer === null) {
      throw new CheckpointError(`${where} holds no optimizer state. Load it without the optimizer option, or save one with the optimizer.`);
    }
    if (savedOptimizer.className !== optimizer.getClassName()) {
      throw new CheckpointError(
        `${where} holds the state of a ${savedOptimizer.className} optimizer but optimizer is ${optimizer.getClassName()}. ` +
          `Create the same kind of optimizer as the saved run (e.g. tf.train.${savedOptimizer.className.toLowerCase()}(...)) before loading.`,
      );
    }
  }

  // 3. Objective state (creates tensors: free them if a later check fails).
  const created: tf.Tensor[] = [];
  let objectiveState: S;
  const weightTensors: NamedTensor[] = [];
  try {
    objectiveState = decodeState(manifest.objectiveState, tensorAt, created) as S;
    if (optimizer !== undefined && savedOptimizer !== null) {
      // Which variables the optimizer trains is known when the objective is given, or when the state holds none.
      const stateHasVariables = collectTensors(objectiveState).some((t) => t instanceof tf.Variable);
      if (objective !== undefined || !stateHasVariables) {
        const trained = [...model.variables, ...(objective?.variables?.(objectiveState as never) ?? [])];
        checkOptimizerWeights(savedOptimizer, manifest.tensors, trained, where);
      }
      for (const slot of savedOptimizer.slots) {
        const target = (optimizer as unknown as Record<string, unknown>)[slot.field];
        const entry = manifest.tensors[slot.tensor];
        if (!(target instanceof tf.Variable) || entry === undefined || !sameShape(target.shape, entry.shape)) {
          throw new CheckpointError(
            `${where}: optimizer field '${slot.field}' does not match this ${optimizer.getClassName()} optimizer. ` +
              'Load with the same tfjs version and optimizer kind that saved the checkpoint.',
          );
        }
      }
      for (const w of savedOptimizer.weights) weightTensors.push({ name: w.name, tensor: tensorAt(w.tensor) });
    }
  } catch (error) {
    tf.dispose(created);
    tf.dispose(weightTensors.map((w) => w.tensor));
    throw error;
  }

  // 4. Everything fits: modify model and optimizer.
  model.variables.forEach((v, i) => {
    const value = tensorAt(saved[i]!.tensor);
    v.assign(value);
    value.dispose();
  });
  if (optimizer !== undefined && savedOptimizer !== null) {
    // The weights the optimizer holds now are replaced by setWeights: free them afterwards.
    const previous = await optimizer.getWeights();
    await optimizer.setWeights(weightTensors);
    tf.dispose(previous.map((w) => w.tensor));
    tf.dispose(weightTensors.map((w) => w.tensor));
    for (const slot of savedOptimizer.slots) {
      const value = tensorAt(slot.tensor);
      ((optimizer as unknown as Record<string, tf.Variable>)[slot.field]!).assign(value);
      value.dispose();
    }
  }
  return { step: manifest.step, key: keyFromData(manifest.key), objectiveState: objectiveState!, meta: manifest.meta };
}

function parseManifest(bytes: Uint8Array, where: string): CheckpointManifest {
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes)) as CheckpointManifest;
  } catch (error) {
    throw new CheckpointError(`${MANIFEST_FILE} of ${where} is not valid JSON (${(error as Error).message}): the file is corrupt. Load an earlier step.`);
  }
  if (manifest === null || typeof manifest !== 'object' || manifest.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(
      `${MANIFEST_FILE} of ${where} is not an @ebm checkpoint: format is ${JSON.stringify((manifest as { format?: unknown })?.format)}, expected '${CHECKPOINT_FORMAT}'.`,
    );
  }
  if (manifest.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      `${MANIFEST_FILE} of ${where} has formatVersion ${JSON.stringify(manifest.formatVersion)}, but this @ebm/core reads ` +
        `version ${CHECKPOINT_FORMAT_VERSION}. Load it with the @ebm/core version that wrote it, or retrain.`,
    );
  }
  const valid =
    Number.isInteger(manifest.step) &&
    Array.isArray(manifest.key) &&
    Array.isArray(manifest.tensors) &&
    Array.isArray(manifest.model?.variables) &&
    typeof manifest.tensorsFile?.byteLength === 'number' &&
    typeof manifest.tensorsFile?.crc32 === 'number';
  if (!valid) {
    throw new CheckpointError(`${MANIFEST_FILE} of ${where} lacks required fields (step, key, tensors, model, tensorsFile): the file is corrupt.`);
  }
  return manifest;
}

function checkBytes(manifest: CheckpointManifest, bin: Uint8Array, where: string): void {
  if (bin.byteLength !== manifest.tensorsFile.byteLength) {
    throw new CheckpointError(
      `${TENSORS_FILE} of ${where} has ${bin.byteLength} bytes but ${MANIFEST_FILE} says ${manifest.tensorsFile.byteLength}: ` +
        'the file is truncated or corrupt. Load an earlier step (store.list()).',
    );
  }
  const actual = crc32(bin);
  if (actual !== manifest.tensorsFile.crc32) {
    throw new CheckpointError(
      `${TENSORS_FILE} of ${where} is corrupt: its CRC-32 is ${hex(actual)} but ${MANIFEST_FILE} records ${hex(manifest.tensorsFile.crc32)}. ` +
        'Load an earlier step (store.list()).',
    );
  }
  manifest.tensors.forEach((entry, i) => {
    const validShape = Array.isArray(entry.shape) && entry.shape.every((d) => Number.isSafeInteger(d) && d >= 0);
    const size = validShape ? entry.shape.reduce((a, b) => a * b, 1) : NaN;
    const perElement = BYTES_PER_ELEMENT[entry.dtype];
    if (perElement === undefined || entry.byteLength !== size * perElement || entry.byteOffset % ALIGNMENT !== 0 || entry.byteOffset + entry.byteLength > bin.byteLength) {
      throw new CheckpointError(`${MANIFEST_FILE} of ${where}: tensor ${i} ('${entry.name}') has an invalid dtype, shape or byte range: the checkpoint is corrupt.`);
    }
  });
}

/**
 * tfjs optimizers keep their slots by position: after the iteration count, `k` groups of one
 * tensor per trained variable (Adam: all first moments, then all second moments). Each saved
 * slot must have the shape of the variable at its position.
 */
function checkOptimizerWeights(
  saved: NonNullable<CheckpointManifest['optimizer']>,
  tensors: readonly CheckpointTensorEntry[],
  variables: readonly tf.Variable[],
  where: string,
): void {
  const slots = saved.weights.filter((w) => w.name !== ITERATIONS_WEIGHT);
  const entries = slots.map((w) => tensors[w.tensor]);
  const fits =
    entries.every((entry) => entry !== undefined) &&
    slotsFit(
      entries.map((entry) => entry!.shape),
      variables.map((v) => v.shape),
    );
  if (!fits) {
    throw new CheckpointError(
      `The ${saved.className} optimizer state in ${where} (${slots.length} slot tensors: ${slots.map((w) => w.name).join(', ')}) ` +
        `does not fit the ${variables.length} variables being trained (${variables.map((v) => `[${v.shape.join(', ')}]`).join(', ')}). ` +
        'Load into the same model and objective that were saved.',
    );
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
