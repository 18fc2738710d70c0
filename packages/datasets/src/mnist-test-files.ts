/** Small MNIST-format files for tests: a few random 28x28 images and their labels. */
import type { MnistFileRole } from './mnist.js';

/** An IDX ubyte file: magic 0x00 0x00 0x08 rank, big-endian sizes, then one byte per element. */
export function ubyteIdx(shape: readonly number[], values: ArrayLike<number>): Uint8Array {
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + values.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(Array.from(values), header);
  return out;
}

/** The four files of a tiny MNIST-format set: `train` and `test` images with pixel `(7 i + 3 j) mod 256` of image i and labels `i mod 10`. */
export function tinyMnistFiles(train = 12, test = 5): Record<MnistFileRole, Uint8Array> {
  const images = (n: number, offset: number) => ubyteIdx([n, 28, 28], Array.from({ length: n * 784 }, (_, k) => (7 * (Math.floor(k / 784) + offset) + 3 * (k % 784)) % 256));
  const labels = (n: number, offset: number) => ubyteIdx([n], Array.from({ length: n }, (_, i) => (i + offset) % 10));
  return { trainImages: images(train, 0), trainLabels: labels(train, 0), testImages: images(test, train), testLabels: labels(test, train) };
}

