import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from '../../errors.js';
import { keyData, prngKey } from '../../key.js';
import { gaussianEnergy } from '../../models/gaussian.js';
import { mlpEnergy } from '../../models/mlp.js';
import { disposeState } from '../../state.js';
import { describeBackends } from '../../testing/index.js';
import { CHECKPOINT_FORMAT_VERSION, MANIFEST_FILE, TENSORS_FILE, loadCheckpoint, pruneCheckpoints, saveCheckpoint } from './checkpoint.js';
import { crc32 } from './crc32.js';
import { fileCheckpointStore, stepDirName } from '../../node/file-store.js';
import type { CheckpointStore } from './store.js';

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ebm-checkpoint-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
const freshDir = () => join(root, `run-${counter++}`);

/** A model trained a few Adam steps, so the optimizer has moments and a non-trivial iteration count. */
function trainedSetup(mean = [0.5, -1]) {
  const model = gaussianEnergy({ dim: 2, mean });
  const optimizer = tf.train.adam(0.1);
  const x = tf.tensor2d([[1, 2], [0, -1], [2, 0]]);
  for (let i = 0; i < 3; i++) {
    optimizer.minimize(() => tf.mean(model.energy(x)) as tf.Scalar, false, [...model.variables]);
  }
  x.dispose();
  return { model, optimizer };
}

const values = (tensors: readonly tf.Tensor[]) => tensors.map((t) => t.arraySync());

describeBackends('checkpoints', () => {
  it('round-trips model, optimizer, objective state and key into a fresh process-like setup', async () => {
    const store = fileCheckpointStore(freshDir());
    const { model, optimizer } = trainedSetup();
    const shared = tf.tensor2d([[1, 2], [3, 4]]);
    const logZ = tf.variable(tf.scalar(1.5), true, `ckpt-test-logZ-${counter}`);
    const state = {
      chains: shared,
      again: shared,
      logZ,
      key: prngKey(9),
      mask: tf.tensor1d([true, false], 'bool'),
      counts: tf.tensor1d([3, 4], 'int32'),
      nested: [{ a: 1, b: 'two', c: null, d: true, e: Number.NaN, f: Number.NEGATIVE_INFINITY, g: undefined }],
    };
    await saveCheckpoint(store, { step: 7, key: prngKey(5), model, optimizer, objectiveState: state, meta: { note: 'x' } });

    const fresh = gaussianEnergy({ dim: 2 });
    const freshOptimizer = tf.train.adam(0.1);
    const loaded = await loadCheckpoint<typeof state>(store, { model: fresh, optimizer: freshOptimizer });
    expect(loaded.step).toBe(7);
    expect(keyData(loaded.key)).toEqual(keyData(prngKey(5)));
    expect(loaded.meta).toEqual({ note: 'x' });
    expect(values(fresh.variables)).toEqual(values(model.variables));
    const [before, after] = [await optimizer.getWeights(), await freshOptimizer.getWeights()];
    expect(after.map((w) => w.name)).toEqual(before.map((w) => w.name));
    expect(values(after.map((w) => w.tensor))).toEqual(values(before.map((w) => w.tensor)));
    tf.dispose([before[0]!.tensor, after[0]!.tensor]);

    const s = loaded.objectiveState;
    expect(s.chains.arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(s.again).toBe(s.chains);
    expect(s.logZ).toBeInstanceOf(tf.Variable);
    expect(s.logZ.trainable).toBe(true);
    expect(s.logZ.arraySync()).toBeCloseTo(1.5, 6);
    expect(keyData(s.key)).toEqual(keyData(prngKey(9)));
    expect(s.mask.dtype).toBe('bool');
    expect(s.mask.arraySync()).toEqual([1, 0]);
    expect(s.counts.dtype).toBe('int32');
    expect(s.counts.arraySync()).toEqual([3, 4]);
    expect(s.nested[0]!.e).toBeNaN();
    expect(s.nested[0]!.f).toBe(Number.NEGATIVE_INFINITY);
    expect(s.nested[0]).toMatchObject({ a: 1, b: 'two', c: null, d: true });
    expect('g' in s.nested[0]!).toBe(true);

    // The two Adam runs now continue identically (moments, iteration count and beta powers restored).
    const x = tf.tensor2d([[0.5, 0.5]]);
    optimizer.minimize(() => tf.mean(model.energy(x)) as tf.Scalar, false, [...model.variables]);
    freshOptimizer.minimize(() => tf.mean(fresh.energy(x)) as tf.Scalar, false, [...fresh.variables]);
    expect(values(fresh.variables)).toEqual(values(model.variables));
    tf.dispose([x, ...model.variables, ...fresh.variables]);
    disposeState(state);
    disposeState(s);
    optimizer.dispose();
    freshOptimizer.dispose();
  });

  it('loading leaks nothing and frees the slots a used optimizer held', async () => {
    const store = fileCheckpointStore(freshDir());
    const { model, optimizer } = trainedSetup();
    await saveCheckpoint(store, { step: 1, key: prngKey(0), model, optimizer });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await loadCheckpoint(store, { model, optimizer });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...model.variables]);
    optimizer.dispose();
  });

  it('keeps the newest `keep` checkpoints and moves latest forward', async () => {
    const store = fileCheckpointStore(freshDir());
    const { model, optimizer } = trainedSetup();
    for (const step of [1, 2, 3, 4]) await saveCheckpoint(store, { step, key: prngKey(0), model, optimizer, keep: 2 });
    expect(await store.list()).toEqual([3, 4]);
    expect(await store.latest()).toBe(4);
    // Re-saving an existing step replaces it.
    await saveCheckpoint(store, { step: 4, key: prngKey(1), model, optimizer, keep: 2 });
    expect(keyData((await loadCheckpoint(store, { model })).key)).toEqual(keyData(prngKey(1)));
    tf.dispose([...model.variables]);
    optimizer.dispose();
  });

  it('pruneCheckpoints keeps the latest and the keep - 1 newest others (what a crash between save and prune leaves undone)', async () => {
    const store = fileCheckpointStore(freshDir());
    const { model, optimizer } = trainedSetup();
    for (const step of [3, 6, 9, 12]) await saveCheckpoint(store, { step, key: prngKey(0), model, optimizer });
    await pruneCheckpoints(store, { keep: 2, latest: 9 });
    expect(await store.list()).toEqual([9, 12]);
    await pruneCheckpoints(store, { keep: 1, latest: 12 });
    expect(await store.list()).toEqual([12]);
    await expect(pruneCheckpoints(store, { keep: 0, latest: 12 })).rejects.toThrow(/^keep: must be an integer >= 1/);
    tf.dispose([...model.variables]);
    optimizer.dispose();
  });

  it('a save that fails midway leaves the previous checkpoint loadable', async () => {
    const dir = freshDir();
    const store = fileCheckpointStore(dir);
    const { model, optimizer } = trainedSetup([1, 1]);
    await saveCheckpoint(store, { step: 5, key: prngKey(0), model, optimizer });
    const saved = values(model.variables);

    // The file store itself fails midway: the second file cannot be created.
    const failed = await store.write(6, { [MANIFEST_FILE]: new Uint8Array([1]), 'missing-dir/tensors.bin': new Uint8Array([2]) }).then(() => undefined, (e: unknown) => e);
    expect(failed).toBeInstanceOf(CheckpointError);
    // The file-system error is kept as the cause (a command line can say what to do about it).
    expect(((failed as Error).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    // A store whose write throws after part of the work (e.g. the disk fills up).
    const failing: CheckpointStore = { ...store, write: async () => Promise.reject(new CheckpointError('disk full')) };
    model.variables[0]!.assign(tf.tensor1d([9, 9]));
    await expect(saveCheckpoint(failing, { step: 6, key: prngKey(0), model, optimizer })).rejects.toThrow(/disk full/);
    // A crash left a temp directory behind.
    await writeFile(join(dir, '.tmp-step-000007-crash'), 'partial');

    expect(await store.list()).toEqual([5]);
    expect(await store.latest()).toBe(5);
    const fresh = gaussianEnergy({ dim: 2 });
    expect((await loadCheckpoint(store, { model: fresh, optimizer: tf.train.adam(0.1) })).step).toBe(5);
    expect(values(fresh.variables)).toEqual(saved);
    tf.dispose([...model.variables, ...fresh.variables]);
    optimizer.dispose();
  });

  it('rejects corrupt, incomplete and foreign checkpoints with CheckpointError naming the file', async () => {
    const dir = freshDir();
    const store = fileCheckpointStore(dir);
    const { model, optimizer } = trainedSetup();
    const load = () => loadCheckpoint(store, { model, optimizer: tf.train.adam(0.1) });
    await expect(load()).rejects.toThrow(/There is no checkpoint in directory/);
    await saveCheckpoint(store, { step: 3, key: prngKey(0), model, optimizer });
    const stepDir = join(dir, stepDirName(3));
    const bin = new Uint8Array(await readFile(join(stepDir, TENSORS_FILE)));
    const manifestText = await readFile(join(stepDir, MANIFEST_FILE), 'utf8');
    const manifest = JSON.parse(manifestText) as Record<string, unknown>;
    const expectError = async (pattern: RegExp) => {
      const error = await load().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as Error).message).toMatch(pattern);
    };

    const flipped = bin.slice();
    flipped[5] = flipped[5]! ^ 0xff;
    await writeFile(join(stepDir, TENSORS_FILE), flipped);
    await expectError(/tensors\.bin of checkpoint step 3 .* is corrupt: its CRC-32 is 0x[0-9a-f]{8}/);

    await writeFile(join(stepDir, TENSORS_FILE), bin.subarray(0, bin.length - 4));
    await expectError(/tensors\.bin .* has \d+ bytes but manifest\.json says \d+: .*truncated/);

    await rm(join(stepDir, TENSORS_FILE));
    await expectError(/tensors\.bin is missing from checkpoint step 3/);
    await writeFile(join(stepDir, TENSORS_FILE), bin);

    await writeFile(join(stepDir, MANIFEST_FILE), '{"format": "ebm-checkpoint", ');
    await expectError(/manifest\.json of checkpoint step 3 .* is not valid JSON/);
    await writeFile(join(stepDir, MANIFEST_FILE), JSON.stringify({ ...manifest, formatVersion: CHECKPOINT_FORMAT_VERSION + 1 }));
    await expectError(/has formatVersion 2, but this @ebm\/core reads version 1/);
    await writeFile(join(stepDir, MANIFEST_FILE), JSON.stringify({ ...manifest, format: 'keras' }));
    await expectError(/is not an @ebm checkpoint: format is "keras"/);
    // A negative dimension whose product still matches the byte length reaches no tfjs op.
    const tensors = manifest.tensors as { shape: number[] }[];
    const [first, ...rest] = tensors;
    const negative = { ...first, shape: first!.shape.length === 2 ? [-first!.shape[0]!, -first!.shape[1]!] : [-1, -first!.shape[0]!] };
    await writeFile(join(stepDir, MANIFEST_FILE), JSON.stringify({ ...manifest, tensors: [negative, ...rest] }));
    await expectError(/manifest\.json of checkpoint step 3 .*: tensor 0 .* has an invalid dtype, shape or byte range/);
    // A checkpoint folder whose manifest says another step (copied or renamed by hand).
    await writeFile(join(stepDir, MANIFEST_FILE), JSON.stringify({ ...manifest, step: 30 }));
    await expectError(/manifest\.json of checkpoint step 3 in directory .* says it holds step 30: the checkpoint and its place in the store disagree/);
    await writeFile(join(stepDir, MANIFEST_FILE), manifestText);

    await writeFile(join(dir, 'latest.json'), '{"step": 99}');
    await expectError(/Checkpoint step 99 is missing: no directory .*step-000099.* Saved steps .*: \[3\]/);
    await writeFile(join(dir, 'latest.json'), 'garbage');
    await expectError(/latest\.json is corrupt/);
    await writeFile(join(dir, 'latest.json'), '{"step": 3}');
    expect((await load()).step).toBe(3);
    tf.dispose([...model.variables]);
    optimizer.dispose();
  });

  it('rejects a checkpoint that does not fit the model or the optimizer, and modifies nothing', async () => {
    const store = fileCheckpointStore(freshDir());
    const { model, optimizer } = trainedSetup();
    await saveCheckpoint(store, { step: 2, key: prngKey(0), model, optimizer });

    const wide = gaussianEnergy({ dim: 3 });
    const wideBefore = values(wide.variables);
    await expect(loadCheckpoint(store, { model: wide })).rejects.toThrow(
      /Model variable 0 \('.*mean'\) is float32 \[3\] but checkpoint step 2 .* saved variable 0 \('.*mean'\) as float32 \[2\]\. Build the model with the same architecture/,
    );
    expect(values(wide.variables)).toEqual(wideBefore);
    const mlp = mlpEnergy({ inputShape: [2], hidden: [4], key: prngKey(0) });
    await expect(loadCheckpoint(store, { model: mlp })).rejects.toThrow(/holds 2 model variables but the model has \d+/);
    await expect(loadCheckpoint(store, { model, optimizer: tf.train.sgd(0.1) })).rejects.toThrow(
      /holds the state of a Adam optimizer but optimizer is SGD\. Create the same kind of optimizer/,
    );
    // Adam slots for 2 variables do not fit 3 trained variables (an objective variable more).
    const extra = tf.variable(tf.scalar(0));
    await expect(
      loadCheckpoint(store, { model, optimizer: tf.train.adam(0.1), objective: { variables: () => [extra] } }),
    ).rejects.toThrow(/optimizer state .* does not fit the 3 variables being trained/);
    await expect(loadCheckpoint(store, { model: wide })).rejects.toBeInstanceOf(CheckpointError);
    tf.dispose([...model.variables, ...wide.variables, ...mlp.variables, extra]);
    optimizer.dispose();
  });

  it('refuses to save what it cannot restore, naming the path in the state', async () => {
    const store = fileCheckpointStore(freshDir());
    const model = gaussianEnergy({ dim: 2 });
    class Buffer2 {}
    await expect(saveCheckpoint(store, { step: 1, key: prngKey(0), model, objectiveState: { a: [1, { f: () => 1 }] } })).rejects.toThrow(
      /Cannot save objectiveState\.a\[1\]\.f: it is a function/,
    );
    await expect(saveCheckpoint(store, { step: 1, key: prngKey(0), model, objectiveState: { buffer: new Buffer2() } })).rejects.toThrow(
      /Cannot save objectiveState\.buffer: it is a Buffer2/,
    );
    await expect(saveCheckpoint(store, { step: 1, key: prngKey(0), model, optimizer: tf.train.adamax(0.1) })).rejects.toThrow(
      /Cannot save optimizer Adamax/,
    );
    expect(await store.list()).toEqual([]);
    tf.dispose([...model.variables]);
  });
});

it('crc32 gives the standard check value', () => {
  expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
});
