import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { EnvironmentError, InvalidArgumentError } from '@ebm/core';
import { describeBackends } from '@ebm/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DIGITS_COUNT } from '../digits.js';
import { loadDigits, readIdx } from './files.js';

/** Images per class in the UCI digits test set (as scikit-learn's load_digits reports them). */
const CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];

describeBackends('loadDigits (Node, from disk)', () => {
  it('loads the shipped 1797 8x8 images scaled to [0, 1] with labels 0..9 in the known class counts', async () => {
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

describeBackends('readIdx (Node, from a path)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ebm-idx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a ubyte file from disk, plain and gzipped, and from bytes', async () => {
    const bytes = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 255]);
    for (const [name, content] of [['a-idx2-ubyte', bytes], ['a-idx2-ubyte.gz', gzipSync(bytes)]] as const) {
      const path = join(dir, name);
      await writeFile(path, content);
      for (const source of [path, new Uint8Array(content), new Uint8Array(content).buffer as ArrayBuffer]) {
        const t = await readIdx(source);
        expect(t.shape).toEqual([2, 2]);
        expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 255]);
        t.dispose();
      }
    }
  });
});

describeBackends('the Node loaders on damaged files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ebm-damaged-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes each file, loads it, and checks the error names the file and says what is wrong; no tensor is left behind. */
  async function expectNamedErrors(load: (path: string) => Promise<unknown>, cases: readonly (readonly [string, Uint8Array, RegExp])[]) {
    const before = tf.memory().numTensors;
    for (const [name, bytes, message] of cases) {
      await writeFile(join(dir, name), bytes);
      const error = await load(join(dir, name)).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(message);
    }
    expect(tf.memory().numTensors).toBe(before);
  }

  it('loadDigits names the file of a truncated .gz, an empty file and a malformed line', async () => {
    const shipped = await readFile(new URL('../../data/digits.csv.gz', import.meta.url));
    await expectNamedErrors((path) => loadDigits({ path }), [
      ['cut.csv.gz', shipped.subarray(0, shipped.length >> 1), /^path: .*cut\.csv\.gz is a truncated or corrupt gzip file \(.+\)\. Download it again/],
      ['empty.csv', new Uint8Array(0), /^path: .*empty\.csv holds no digits \(the file is empty\)/],
      ['bad.csv', new TextEncoder().encode('1,2,3\n'), /^text: line 1 of .*bad\.csv is not 64 integers/],
    ]);
  });

  it('readIdx names the file of a truncated .gz, an empty file and a truncated IDX', async () => {
    const idx = new Uint8Array([0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, ...Array.from({ length: 12 }, (_, i) => i)]);
    const gz = gzipSync(idx);
    await expectNamedErrors(readIdx, [
      ['cut.idx.gz', gz.subarray(0, gz.length - 10), /^source: .*cut\.idx\.gz is a truncated or corrupt gzip file/],
      ['empty.idx', new Uint8Array(0), /^source: .*empty\.idx is not a valid IDX file: 0 bytes is shorter than the 4-byte magic number/],
      ['short.idx', idx.subarray(0, 10), /^source: .*short\.idx is not a valid IDX file: the header declares rank 3/],
    ]);
    await expect(readIdx(gz.subarray(0, 20))).rejects.toThrow(/^source: the buffer is a truncated or corrupt gzip file/);
  });
});

it('the Node loaders throw an EnvironmentError naming the browser loader when process is absent', async () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'process')!;
  Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
  try {
    await expect(loadDigits()).rejects.toThrow(EnvironmentError);
    await expect(loadDigits()).rejects.toThrow(/use loadDigits\(\{ source: url \}\) from '@ebm\/datasets'/);
    await expect(readIdx('x')).rejects.toThrow(/use readIdx\(urlOrBytes\) from '@ebm\/datasets'/);
  } finally {
    Object.defineProperty(globalThis, 'process', saved);
  }
});
