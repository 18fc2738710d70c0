import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { prngKey } from '../key.js';
import { minibatches } from './minibatch.js';
import { describeBackends, expectNoLeaks } from '../testing/index.js';

const rows = (n: number) => tf.tensor2d(Array.from({ length: n }, (_, i) => [i, -i]));

describeBackends('minibatches', () => {
  it('is deterministic given the key, and another key shuffles differently', () => {
    const data = rows(20);
    const a = minibatches(data, { key: prngKey(3), batchSize: 5 });
    const b = minibatches(data, { key: prngKey(3), batchSize: 5 });
    const c = minibatches(data, { key: prngKey(4), batchSize: 5 });
    for (let step = 0; step < 12; step++) expect(Array.from(a.indices(step))).toEqual(Array.from(b.indices(step)));
    const firstEpoch = (m: typeof a) => [0, 1, 2, 3].flatMap((s) => Array.from(m.indices(s)));
    expect(firstEpoch(a)).not.toEqual(firstEpoch(c));
    data.dispose();
  });

  it('visits every row exactly once per epoch and reshuffles each epoch', () => {
    const data = rows(12);
    const batches = minibatches(data, { key: prngKey(0), batchSize: 4 });
    expect(batches.stepsPerEpoch).toBe(3);
    const epoch = (e: number) => [0, 1, 2].flatMap((s) => Array.from(batches.indices(e * 3 + s)));
    for (const e of [0, 1, 2]) expect([...epoch(e)].sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(epoch(0)).not.toEqual(epoch(1));
    expect(batches.epochOf(5)).toBe(1);
    data.dispose();
  });

  it('uses full batches only: floor(N / B) steps per epoch, rows never repeat within an epoch', () => {
    const data = rows(10);
    const batches = minibatches(data, { key: prngKey(1), batchSize: 3 });
    expect(batches.stepsPerEpoch).toBe(3);
    const seen = [0, 1, 2].flatMap((s) => Array.from(batches.indices(s)));
    expect(new Set(seen).size).toBe(9);
    data.dispose();
  });

  it('gathers the indexed rows', () => {
    const data = rows(9);
    const batches = minibatches(data, { key: prngKey(2), batchSize: 3 });
    const batch = batches.batch(4);
    expect(batch.shape).toEqual([3, 2]);
    expect((batch.arraySync() as number[][]).map((r) => r[0])).toEqual(Array.from(batches.indices(4)));
    batch.dispose();
    data.dispose();
  });

  it('leaks no tensor over 1000 batches', () => {
    const data = rows(16);
    const batches = minibatches(data, { key: prngKey(0), batchSize: 4 });
    expectNoLeaks((i) => batches.batch(i).dispose(), 1000);
    data.dispose();
  });

  it('rejects a batch size <= 0, > N or fractional, and data without a batch axis', () => {
    const data = rows(8);
    for (const batchSize of [0, -1, 9, 2.5]) {
      expect(() => minibatches(data, { key: prngKey(0), batchSize })).toThrow(InvalidArgumentError);
      expect(() => minibatches(data, { key: prngKey(0), batchSize })).toThrow(/batchSize/);
    }
    const scalar = tf.scalar(1);
    expect(() => minibatches(scalar, { key: prngKey(0), batchSize: 1 })).toThrow(ShapeError);
    scalar.dispose();
    data.dispose();
  });
});
