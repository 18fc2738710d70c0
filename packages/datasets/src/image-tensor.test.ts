import * as tf from '@tensorflow/tfjs';
import { prngKey } from '@ebm/core';
import { describeBackends, expectWithinStandardErrors } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { type ImageDataset, digitsImageDataset } from './image-dataset.js';
import { imagesToTensor } from './image-tensor.js';
import { parseDigitsCsv } from './digits.js';

/** Four 2x2 images with levels 0, 64, 128, 255 in every pixel of image i = 0..3 (maxValue 255). */
function levels(): ImageDataset {
  const split = { pixels: Uint8Array.from([0, 64, 128, 255].flatMap((v) => [v, v, v, v])), labels: Int32Array.of(0, 1, 2, 3), count: 4 };
  return { name: 'levels', imageShape: [2, 2, 1], maxValue: 255, classes: ['a', 'b', 'c', 'd'], train: split, test: split };
}

const firstPixels = (t: tf.Tensor) => Array.from(tf.tidy(() => tf.reshape(tf.slice(tf.reshape(t, [t.shape[0]!, -1]), [0, 0], [-1, 1]), [-1]).dataSync()));

describeBackends('imagesToTensor', () => {
  it('scales levels to [0, 1] and [-1, 1], and slices by start and count', () => {
    const data = levels();
    const unit = imagesToTensor(data, data.train);
    expect(unit.shape).toEqual([4, 2, 2, 1]);
    firstPixels(unit).forEach((v, i) => expect(v).toBeCloseTo([0, 64, 128, 255][i]! / 255, 6));
    const signed = imagesToTensor(data, data.train, { range: '-1,1', start: 2, count: 2 });
    expect(signed.shape).toEqual([2, 2, 2, 1]);
    firstPixels(signed).forEach((v, i) => expect(v).toBeCloseTo((2 * [128, 255][i]!) / 255 - 1, 6));
    tf.dispose([unit, signed]);
  });

  it('dequantises: (v + u) / 256 lies in [v / 256, (v + 1) / 256) with u uniform (mean 1/2, variance 1/12)', () => {
    const data = levels();
    const many = { pixels: new Uint8Array(4000).fill(128), labels: new Int32Array(1000), count: 1000 };
    const x = imagesToTensor(data, many, { dequantize: prngKey(3) });
    const u = tf.tidy(() => tf.sub(tf.mul(x, 256), 128));
    const values = Float64Array.from(u.dataSync());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    // 4,000 independent U[0, 1) draws: the mean has standard error sqrt(1/12 / 4000).
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expectWithinStandardErrors(mean, 0.5, Math.sqrt(1 / 12 / values.length));
    const again = imagesToTensor(data, many, { dequantize: prngKey(3) });
    expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, u, again]);
  });

  it('binarises at a threshold, and stochastically with P(1) = intensity', () => {
    const data = levels();
    const fixed = imagesToTensor(data, data.train, { binarize: 'threshold' });
    expect(firstPixels(fixed)).toEqual([0, 0, 1, 1]);
    const low = imagesToTensor(data, data.train, { binarize: 'threshold', threshold: 0.2 });
    expect(firstPixels(low)).toEqual([0, 1, 1, 1]);
    const many = { pixels: new Uint8Array(8000).fill(64), labels: new Int32Array(2000), count: 2000 };
    const coins = imagesToTensor(data, many, { binarize: 'stochastic', key: prngKey(5) });
    const values = Float64Array.from(coins.dataSync());
    expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    const p = 64 / 255;
    const frequency = values.reduce((s, v) => s + v, 0) / values.length;
    expectWithinStandardErrors(frequency, p, Math.sqrt((p * (1 - p)) / values.length));
    tf.dispose([fixed, low, coins]);
  });

  it('rejects bad options naming the argument', () => {
    const data = levels();
    expect(() => imagesToTensor(data, data.train, { count: 5 })).toThrow(/count: \(5\) from start 0 runs past/);
    expect(() => imagesToTensor(data, data.train, { range: '0,255' as never })).toThrow(/range/);
    expect(() => imagesToTensor(data, data.train, { binarize: 'stochastic' })).toThrow(/key: is required/);
    expect(() => imagesToTensor(data, data.train, { binarize: 'threshold', threshold: 1 })).toThrow(/threshold/);
  });
});

describeBackends('digitsImageDataset', () => {
  it('splits the bundled digits 1438 / 359 with every class in both splits', async () => {
    const { readFile } = await import('node:fs/promises');
    const { gunzipSync } = await import('node:zlib');
    const text = gunzipSync(await readFile(new URL('../data/digits.csv.gz', import.meta.url))).toString('utf8');
    const digits = digitsImageDataset(parseDigitsCsv(text));
    expect([digits.train.count, digits.test.count]).toEqual([1438, 359]);
    expect(digits.imageShape).toEqual([8, 8, 1]);
    for (const split of [digits.train, digits.test]) expect(new Set(split.labels).size).toBe(10);
    const x = imagesToTensor(digits, digits.test, { count: 3 });
    expect(x.shape).toEqual([3, 8, 8, 1]);
    expect(tf.tidy(() => tf.max(x).dataSync()[0])).toBeLessThanOrEqual(1);
    x.dispose();
    expect(() => digitsImageDataset({ pixels: new Float32Array(10), labels: new Int32Array(1) })).toThrow(/parsed: must hold 64 pixels per label/);
  });
});
