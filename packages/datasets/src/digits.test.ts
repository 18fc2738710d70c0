import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@ebm/core';
import { describeBackends } from '@ebm/core/testing';
import { expect, it } from 'vitest';
import { DIGITS_COUNT, loadDigits, parseDigitsCsv } from './digits.js';

/** Images per class in the UCI digits test set (as scikit-learn's load_digits reports them). */
const CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];

describeBackends('loadDigits', () => {
  it('loads 1797 8x8 images scaled to [0, 1] with labels 0..9 in the known class counts', async () => {
    const { images, labels, imageShape } = await loadDigits();
    expect(images.shape).toEqual([DIGITS_COUNT, 64]);
    expect(imageShape).toEqual([8, 8]);
    const [min, max] = [tf.min(images), tf.max(images)];
    expect(min.dataSync()[0]).toBe(0);
    expect(max.dataSync()[0]).toBe(1);
    const counts = new Array<number>(10).fill(0);
    for (const label of labels) counts[label]! += 1;
    expect(counts).toEqual(CLASS_COUNTS);
    tf.dispose([images, min, max]);
  });

  it('keeps the raw 0..16 counts with scale: false; the first image is the UCI zero', async () => {
    const { images, labels } = await loadDigits({ scale: false });
    const first = images.arraySync()[0]!;
    expect(first.slice(0, 8)).toEqual([0, 0, 5, 13, 9, 1, 0, 0]);
    expect(labels[0]).toBe(0);
    images.dispose();
  });
});

it('parseDigitsCsv names the bad line', () => {
  const good = `${new Array(64).fill(3).join(',')},7`;
  expect(parseDigitsCsv(`${good}\n`).labels).toEqual(Int32Array.from([7]));
  const bad = `${new Array(64).fill(17).join(',')},7`;
  expect(() => parseDigitsCsv(`${good}\n${bad}`)).toThrow(InvalidArgumentError);
  expect(() => parseDigitsCsv(`${good}\n${bad}`)).toThrow(/text: line 2/);
});

describeBackends('loadDigits on damaged files', () => {
  it('names the file of a truncated .gz, an empty file and a malformed line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ebm-digits-damaged-'));
    const bundled = await readFile(fileURLToPath(new URL('../data/digits.csv.gz', import.meta.url)));
    const cases = [
      ['cut.csv.gz', bundled.subarray(0, bundled.length >> 1), /^path: .*cut\.csv\.gz is a truncated or corrupt gzip file \(unexpected end of file\)/],
      ['empty.csv', new Uint8Array(0), /^path: .*empty\.csv holds no digits \(the file is empty\)/],
      ['bad.csv', new TextEncoder().encode('1,2,3\n'), /^text: line 1 of .*bad\.csv is not 64 integers/],
    ] as const;
    const before = tf.memory().numTensors;
    for (const [name, bytes, message] of cases) {
      await writeFile(join(dir, name), bytes);
      const error = await loadDigits({ path: join(dir, name) }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(message);
    }
    expect(tf.memory().numTensors).toBe(before);
    await rm(dir, { recursive: true, force: true });
  });
});
