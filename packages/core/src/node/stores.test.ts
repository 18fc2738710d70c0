import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from '../errors.js';
import { prngKey } from '../key.js';
import { gaussianEnergy } from '../models/gaussian.js';
import { describeBackends } from '../testing/index.js';
import { loadCheckpoint, saveCheckpoint } from '../train/checkpoint/checkpoint.js';
import { fileCheckpointStore } from './file-store.js';
import { indexedDbCheckpointStore } from '../train/checkpoint/indexeddb-store.js';
import type { CheckpointStore } from '../train/checkpoint/store.js';

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ebm-stores-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const kinds: Record<string, () => CheckpointStore> = {
  file: () => fileCheckpointStore(join(root, `store-${counter++}`)),
  indexedDB: () => indexedDbCheckpointStore(`ebm-test-${counter++}`, { indexedDB: new IDBFactory() }),
};
const bytes = (...values: number[]) => new Uint8Array(values);

for (const [kind, makeStore] of Object.entries(kinds)) {
  describe(`${kind} checkpoint store`, () => {
    it('is empty at first, then lists, reads, points at the latest write and removes', async () => {
      const store = makeStore();
      expect(await store.list()).toEqual([]);
      expect(await store.latest()).toBeUndefined();
      await store.write(20, { 'a.bin': bytes(1, 2, 3) });
      await store.write(3, { 'a.bin': bytes(4), 'b.json': bytes(5, 6) });
      expect(await store.list()).toEqual([3, 20]);
      expect(await store.latest()).toBe(3);
      const files = await store.read(3);
      expect(Object.keys(files).sort()).toEqual(['a.bin', 'b.json']);
      expect(Array.from(files['b.json']!)).toEqual([5, 6]);
      expect(Array.from((await store.read(20))['a.bin']!)).toEqual([1, 2, 3]);
      await store.remove(20);
      await store.remove(20);
      expect(await store.list()).toEqual([3]);
      await expect(store.read(20)).rejects.toThrow(CheckpointError);
      await expect(store.read(20)).rejects.toThrow(/step 20 is missing.*\[3\]/);
    });

    describeBackends(`saveCheckpoint/loadCheckpoint through the ${kind} store`, () => {
      it('round-trips a model', async () => {
        const store = makeStore();
        const model = gaussianEnergy({ dim: 2, mean: [3, -2] });
        await saveCheckpoint(store, { step: 4, key: prngKey(1), model, optimizer: tf.train.sgd(0.1), objectiveState: { t: tf.ones([2]) } });
        const fresh = gaussianEnergy({ dim: 2 });
        const loaded = await loadCheckpoint<{ t: tf.Tensor }>(store, { model: fresh, optimizer: tf.train.sgd(0.1) });
        expect(fresh.mean.arraySync()).toEqual([3, -2]);
        expect(loaded.objectiveState.t.arraySync()).toEqual([1, 1]);
        tf.dispose([...model.variables, ...fresh.variables, loaded.objectiveState.t]);
      });
    });
  });
}

describe('file checkpoint store layout', () => {
  it('writes step-000123/ and latest.json and leaves no temp files after a write', async () => {
    const dir = join(root, 'layout');
    const store = fileCheckpointStore(dir);
    await store.write(123, { 'x.bin': bytes(1) });
    expect((await readdir(dir)).sort()).toEqual(['latest.json', 'step-000123']);
  });
});

describe('indexedDB checkpoint store', () => {
  it('closes its connection when another deletes the database, and starts empty afterwards', async () => {
    const factory = new IDBFactory();
    const store = indexedDbCheckpointStore('deleted', { indexedDB: factory });
    await store.write(5, { 'a.bin': bytes(1) });
    expect(await store.latest()).toBe(5);
    await new Promise<void>((resolve, reject) => {
      const request = factory.deleteDatabase('deleted');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('deleteDatabase is blocked by the open store'));
    });
    expect(await store.latest()).toBeUndefined();
    expect(await store.list()).toEqual([]);
  });

  it('explains what to do when IndexedDB is missing', async () => {
    const store = indexedDbCheckpointStore('nowhere');
    await expect(store.list()).rejects.toThrow(/IndexedDB is not available here.*fileCheckpointStore/);
  });

  it('commits nothing when the save transaction fails', async () => {
    const store = indexedDbCheckpointStore('atomic', { indexedDB: new IDBFactory() });
    await store.write(1, { 'a.bin': bytes(1) });
    // A value IndexedDB cannot clone makes the put throw inside the transaction.
    await expect(store.write(2, { 'a.bin': (() => 1) as unknown as Uint8Array })).rejects.toThrow(/Could not write checkpoint step 2/);
    expect(await store.list()).toEqual([1]);
    expect(await store.latest()).toBe(1);
  });
});
