import { CheckpointError } from '../../errors.js';
import type { CheckpointFiles, CheckpointStore } from './store.js';

/** Options of {@link indexedDbCheckpointStore}. */
export interface IndexedDbCheckpointStoreOptions {
  /** The IndexedDB implementation (default `globalThis.indexedDB`; pass `fake-indexeddb`'s in Node tests). */
  readonly indexedDB?: IDBFactory;
}

/** Object store holding one record `{ files }` per checkpoint, keyed by step. */
const CHECKPOINTS = 'checkpoints';
/** Object store holding the `latest` pointer (a step). */
const POINTERS = 'pointers';
/** Schema version of the database (bump when the object stores change). */
const DB_VERSION = 1;

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function transactionDone(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error('transaction aborted'));
  });
}

/**
 * A {@link CheckpointStore} in an IndexedDB database of the browser. Each save is one
 * read-write transaction that puts the checkpoint's files and moves the `latest` pointer, so it
 * is atomic: a failed save (quota exceeded, tab closed) commits nothing.
 *
 * @example
 * const store = indexedDbCheckpointStore('ebm-run-1');
 * await fit(model, objective, data, { optimizer, steps: 1000, key, checkpoint: { store, every: 100 }, resume: true });
 */
export function indexedDbCheckpointStore(dbName: string, options: IndexedDbCheckpointStoreOptions = {}): CheckpointStore {
  const description = `IndexedDB database '${dbName}'`;
  let database: Promise<IDBDatabase> | undefined;
  const open = (): Promise<IDBDatabase> => {
    database ??= (async () => {
      const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
      if (factory === undefined) {
        throw new CheckpointError(
          `IndexedDB is not available here, so ${description} cannot be opened. ` +
            'In Node use fileCheckpointStore(dir), or pass options.indexedDB (e.g. from fake-indexeddb).',
        );
      }
      const request = factory.open(dbName, DB_VERSION);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(CHECKPOINTS);
        request.result.createObjectStore(POINTERS);
      };
      const db = await requestResult(request);
      // Let another connection delete or upgrade the database (a "reset" button, another tab):
      // close this one when asked, and reopen on the next use.
      db.onversionchange = () => {
        db.close();
        database = undefined;
      };
      return db;
    })();
    return database;
  };
  const run = async <T>(mode: IDBTransactionMode, body: (tx: IDBTransaction) => IDBRequest<T> | undefined): Promise<T> => {
    const tx = (await open()).transaction([CHECKPOINTS, POINTERS], mode);
    let request: IDBRequest<T> | undefined;
    try {
      request = body(tx);
    } catch (error) {
      tx.abort(); // roll back whatever the body already put
      throw error;
    }
    const [result] = await Promise.all([request ? requestResult(request) : Promise.resolve(undefined as T), transactionDone(tx)]);
    return result;
  };

  const list = async (): Promise<number[]> => {
    const keys = await run('readonly', (tx) => tx.objectStore(CHECKPOINTS).getAllKeys());
    return (keys as number[]).sort((a, b) => a - b);
  };

  return {
    description,
    list,

    async write(step, files) {
      try {
        await run('readwrite', (tx) => {
          tx.objectStore(CHECKPOINTS).put({ files: { ...files } }, step);
          tx.objectStore(POINTERS).put(step, 'latest');
          return undefined;
        });
      } catch (error) {
        throw new CheckpointError(
          `Could not write checkpoint step ${step} to ${description}: ${(error as Error)?.message ?? String(error)}. ` +
            'Free some storage (quota) and retry; the previous checkpoints are untouched.',
        );
      }
    },

    async read(step) {
      const record = (await run('readonly', (tx) => tx.objectStore(CHECKPOINTS).get(step))) as
        | { files: CheckpointFiles }
        | undefined;
      if (record === undefined) {
        const saved = await list();
        throw new CheckpointError(`Checkpoint step ${step} is missing from ${description}. Saved steps: [${saved.join(', ')}].`);
      }
      return record.files;
    },

    async remove(step) {
      await run('readwrite', (tx) => tx.objectStore(CHECKPOINTS).delete(step));
    },

    async latest() {
      const step = await run('readonly', (tx) => tx.objectStore(POINTERS).get('latest'));
      return step === undefined ? undefined : (step as number);
    },
  };
}
