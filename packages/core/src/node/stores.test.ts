import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
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

describe('file checkpoint store repairs', () => {
  const files = (value: number) => ({ 'manifest.json': bytes(value), 'tensors.bin': bytes(value, value) });

  it('cleanUp puts back a checkpoint moved aside for a re-save that was interrupted, and removes other leftovers', async () => {
    const dir = join(root, 'repair-aside');
    const store = fileCheckpointStore(dir);
    await store.write(4, files(4));
    await store.write(8, files(8));
    // What a kill between "move the old copy aside" and "rename the new copy in" leaves behind:
    // step-000008 under its aside name, and the complete new copy under its temp name.
    await rename(join(dir, 'step-000008'), join(dir, '.tmp-old-step-000008-999-1-0'));
    await mkdir(join(dir, '.tmp-step-000008-999-1-1'));
    await writeFile(join(dir, '.tmp-latest.json-999-1-2'), '{"st');
    expect(await store.list()).toEqual([4]);
    expect(await store.cleanUp()).toEqual([
      'restored step-000008 from .tmp-old-step-000008-999-1-0 (its replacement was interrupted)',
      'removed .tmp-latest.json-999-1-2 (left by an interrupted write)',
      'removed .tmp-step-000008-999-1-1 (left by an interrupted write)',
    ]);
    expect(await store.list()).toEqual([4, 8]);
    expect(Array.from((await store.read(8))['tensors.bin']!)).toEqual([8, 8]);
    expect((await readdir(dir)).sort()).toEqual(['latest.json', 'step-000004', 'step-000008']);
    expect(await store.cleanUp()).toEqual([]);
  });

  it('cleanUp drops an aside copy whose replacement landed', async () => {
    const dir = join(root, 'repair-landed');
    const store = fileCheckpointStore(dir);
    await store.write(4, files(4));
    await mkdir(join(dir, '.tmp-old-step-000004-999-1-0'));
    expect(await store.cleanUp()).toEqual(['removed .tmp-old-step-000004-999-1-0 (left by an interrupted write)']);
    expect(Array.from((await store.read(4))['tensors.bin']!)).toEqual([4, 4]);
  });

  it('remove renames the checkpoint away before deleting it, so it is never listed half-deleted', async () => {
    const dir = join(root, 'remove-atomic');
    const store = fileCheckpointStore(dir);
    await store.write(4, files(4));
    await store.write(8, files(8));
    // A removal interrupted after its rename: the checkpoint is gone from the list, only a leftover remains.
    await rename(join(dir, 'step-000004'), join(dir, '.tmp-removed-step-000004-999-1-0'));
    expect(await store.list()).toEqual([8]);
    await store.remove(8);
    expect(await store.list()).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['.tmp-removed-step-000004-999-1-0', 'latest.json']);
  });

  it('setLatest points latest at a saved step, and refuses a step that is not saved', async () => {
    const dir = join(root, 'set-latest');
    const store = fileCheckpointStore(dir);
    await store.write(4, files(4));
    await store.write(8, files(8));
    await rm(join(dir, 'latest.json'));
    expect(await store.latest()).toBeUndefined();
    await store.setLatest(4);
    expect(await store.latest()).toBe(4);
    await expect(store.setLatest(5)).rejects.toThrow(/Cannot point latest at checkpoint step 5: it is not in directory .* \(saved steps: \[4, 8\]\)/);
    expect((await readdir(dir)).sort()).toEqual(['latest.json', 'step-000004', 'step-000008']);
  });
});
