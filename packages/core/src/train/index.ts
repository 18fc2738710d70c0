/**
 * `@ebm/core/train`: the training loop and what it needs: `fit` (key-driven minibatches, one
 * device read per step, checkpoints, resume, abort), optimizers with learning-rate schedules,
 * minibatches for custom loops, and checkpoints (format, save/load, the IndexedDB store; the file
 * store is Node-only, in `@ebm/core/node`).
 */
export { type FitCheckpointOptions, type FitOptions, type FitProgress, type FitResult, fit } from './fit.js';
export {
  type AdamOptions,
  type MomentumOptions,
  type RmsPropOptions,
  type SgdOptions,
  adam,
  momentum,
  rmsprop,
  sgd,
} from './optimizers.js';
export { type Minibatches, minibatches } from './minibatch.js';
export type { CheckpointFiles, CheckpointStore } from './checkpoint/store.js';
export { type IndexedDbCheckpointStoreOptions, indexedDbCheckpointStore } from './checkpoint/indexeddb-store.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointTensorEntry,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  MANIFEST_FILE,
  type SaveCheckpointOptions,
  type StoredDtype,
  TENSORS_FILE,
  loadCheckpoint,
  pruneCheckpoints,
  saveCheckpoint,
} from './checkpoint/checkpoint.js';
export { type JsonValue } from './checkpoint/state-codec.js';
