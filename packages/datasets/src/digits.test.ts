import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@ebm/core';
import { describeBackends } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { DIGITS_COUNT, loadDigits, parseDigitsCsv } from './digits.js';

/** The shipped file, read here only to hand its bytes and a URL of it to the browser loader. */
const shipped = () => readFile(new URL('../data/digits.csv.gz', import.meta.url));

describeBackends('loadDigits (bytes or URL)', () => {
  it('decodes the gzipped CSV bytes and a plain-text copy to the same 1797 images', async () => {
    const gz = await shipped();
    const fromGzip = await loadDigits({ source: gz });
    expect(fromGzip.images.shape).toEqual([DIGITS_COUNT, 64]);
    expect(fromGzip.imageShape).toEqual([8, 8]);
    const { gunzipSync } = await import('node:zlib');
    const plain = new Uint8Array(gunzipSync(gz));
    const fromPlain = await loadDigits({ source: plain.buffer as ArrayBuffer, scale: false });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.mul(fromGzip.images, 16), fromPlain.images))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    expect(Array.from(fromPlain.labels)).toEqual(Array.from(fromGzip.labels));
    tf.dispose([fromGzip.images, fromPlain.images]);
  });

  it('fetches a URL (here a data: URL of the shipped file)', async () => {
    const url = `data:application/gzip;base64,${(await shipped()).toString('base64')}`;
    const { images, labels } = await loadDigits({ source: url, scale: false });
    expect(images.arraySync()[0]!.slice(0, 8)).toEqual([0, 0, 5, 13, 9, 1, 0, 0]);
    expect(labels[0]).toBe(0);
    images.dispose();
  });
});

it('loadDigits without a source says what to pass, and points Node users to @ebm/datasets/node', async () => {
  await expect(loadDigits(undefined as never)).rejects.toThrow(InvalidArgumentError);
  await expect(loadDigits({} as never)).rejects.toThrow(/^source: is required.*loadDigits\(\) from '@ebm\/datasets\/node'/);
});

it('loadDigits names the source when a fetch fails, with the Node alternative for paths', async () => {
  await expect(loadDigits({ source: 'data/digits.csv.gz' })).rejects.toThrow(
    /^source: could not fetch data\/digits\.csv\.gz: .*use loadDigits from '@ebm\/datasets\/node'/,
  );
});

it('parseDigitsCsv names the bad line', () => {
  const good = `${new Array(64).fill(3).join(',')},7`;
  expect(parseDigitsCsv(`${good}\n`).labels).toEqual(Int32Array.from([7]));
  const bad = `${new Array(64).fill(17).join(',')},7`;
  expect(() => parseDigitsCsv(`${good}\n${bad}`)).toThrow(InvalidArgumentError);
  expect(() => parseDigitsCsv(`${good}\n${bad}`)).toThrow(/text: line 2/);
});
