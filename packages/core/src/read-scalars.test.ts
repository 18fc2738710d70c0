import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { countDeviceReads } from './device-reads.js';
import { readScalars, readScalarsSync } from './read-scalars.js';
import { describeBackends } from './testing/index.js';

describeBackends('readScalars', () => {
  it('reads every scalar field in one device read, skipping other fields, without disposing them', async () => {
    const record = { loss: tf.scalar(1.5), accepted: tf.scalar(true, 'bool'), count: tf.scalar(7, 'int32'), perChain: tf.ones([3]), label: 'x' };
    let values: Record<string, number> = {};
    expect(await countDeviceReads(async () => { values = await readScalars(record); })).toBe(1);
    expect(values).toEqual({ loss: 1.5, accepted: 1, count: 7 });
    expect(await countDeviceReads(() => { values = readScalarsSync(record); })).toBe(1);
    expect(values).toEqual({ loss: 1.5, accepted: 1, count: 7 });
    expect(await countDeviceReads(() => readScalarsSync({ perChain: record.perChain }))).toBe(0);
    expect(readScalarsSync({})).toEqual({});
    const before = tf.memory().numTensors;
    await readScalars(record);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([record.loss, record.accepted, record.count, record.perChain]);
  });
});
