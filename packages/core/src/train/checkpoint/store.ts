/** The files of one checkpoint by name: `manifest.json` and `tensors.bin`. */
export type CheckpointFiles = Readonly<Record<string, Uint8Array>>;

/**
 * Where checkpoints live: a directory in Node (`fileCheckpointStore` from `@ebm/core/node`), an IndexedDB
 * database in the browser ({@link indexedDbCheckpointStore}), or anything else that implements
 * these five operations (a cloud bucket, an in-memory map for tests).
 *
 * Contract: `write` is atomic. When it resolves, the checkpoint is complete and `latest()`
 * returns its step; when it fails or the process dies midway, the previously saved checkpoints
 * and the `latest` pointer are untouched. Steps are non-negative integers.
 */
export interface CheckpointStore {
  /** Where the checkpoints are, for error messages (e.g. `directory /runs/a`). */
  readonly description: string;
  /** Steps of the complete checkpoints in the store, ascending. */
  list(): Promise<number[]>;
  /** Saves the files of checkpoint `step` atomically, then points `latest` at it. */
  write(step: number, files: CheckpointFiles): Promise<void>;
  /** The files of checkpoint `step`; throws a `CheckpointError` when it is not in the store. */
  read(step: number): Promise<CheckpointFiles>;
  /** Deletes checkpoint `step` (no-op when absent). */
  remove(step: number): Promise<void>;
  /** The step of the most recent complete write, or `undefined` when the store is empty. */
  latest(): Promise<number | undefined>;
}
