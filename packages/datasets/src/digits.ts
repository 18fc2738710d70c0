/**
 * The 8x8 handwritten digits bundled with this package (`data/digits.csv.gz`): the test set of
 * the UCI "Optical Recognition of Handwritten Digits" data (E. Alpaydin and C. Kaynak, 1998,
 * CC BY 4.0), in the copy scikit-learn ships as `sklearn/datasets/data/digits.csv.gz`.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@ebm/core';
import { gunzipIfCompressed } from './gzip.js';

/** Number of images in the bundled file. */
export const DIGITS_COUNT = 1797;
/** Pixels per image: 8 x 8. */
export const DIGITS_PIXELS = 64;
/** Pixel values are integers 0..16 (counts of set pixels in 4x4 blocks of a 32x32 bitmap). */
export const DIGITS_MAX_VALUE = 16;

/** Options of {@link loadDigits}. */
export interface LoadDigitsOptions {
  /** Divide pixels by {@link DIGITS_MAX_VALUE} so they lie in [0, 1] (default true); false keeps 0..16. */
  readonly scale?: boolean;
  /** Path of a digits CSV (gzipped or plain); default: the copy shipped in this package. */
  readonly path?: string;
}

/** The digits: images as rows, labels as integers. */
export interface Digits {
  /** `[1797, 64]` float32, row-major 8x8 images; in [0, 1] unless `scale: false`. The caller disposes it. */
  readonly images: tf.Tensor2D;
  /** The digit 0..9 shown by each image. */
  readonly labels: Int32Array;
  /** The image shape, `[8, 8]`. */
  readonly imageShape: readonly [8, 8];
}

/**
 * Parses the digits CSV text: one image per line, 64 pixel values 0..16 then the label 0..9,
 * comma separated, no header. Returns pixel values unscaled. Throws an `InvalidArgumentError`
 * naming `text` and the line (and `source`, the file the text came from, when given) when a row
 * is malformed.
 */
export function parseDigitsCsv(text: string, source?: string): { pixels: Float32Array; labels: Int32Array } {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const pixels = new Float32Array(lines.length * DIGITS_PIXELS);
  const labels = new Int32Array(lines.length);
  lines.forEach((line, row) => {
    const fields = line.split(',').map(Number);
    const label = fields[DIGITS_PIXELS]!;
    const pixelsOk = fields.slice(0, DIGITS_PIXELS).every((v) => Number.isInteger(v) && v >= 0 && v <= DIGITS_MAX_VALUE);
    if (fields.length !== DIGITS_PIXELS + 1 || !pixelsOk || !(Number.isInteger(label) && label >= 0 && label <= 9)) {
      throw new InvalidArgumentError(
        'text',
        `line ${row + 1}${source === undefined ? '' : ` of ${source}`} is not 64 integers in 0..16 followed by a label 0..9 (got ${fields.length} fields). Is this the digits CSV?`,
      );
    }
    pixels.set(fields.slice(0, DIGITS_PIXELS), row * DIGITS_PIXELS);
    labels[row] = label;
  });
  return { pixels, labels };
}

/**
 * Loads the 1,797 8x8 digits shipped with this package (Node only: `node:fs` and `node:zlib` are
 * imported lazily). Pixels are scaled to [0, 1] by default, the form scikit-learn's BernoulliRBM
 * example trains on. An empty, truncated or malformed file throws an `InvalidArgumentError` on
 * `path` (or `text`, for a bad line) that names the file.
 *
 * @example
 * const { images, labels } = await loadDigits();   // images [1797, 64] in [0, 1]
 * const firstImage = tf.reshape(tf.slice(images, [0, 0], [1, 64]), [8, 8]);
 */
export async function loadDigits(options: LoadDigitsOptions = {}): Promise<Digits> {
  const { readFile } = await import('node:fs/promises');
  const path = options.path ?? (await bundledPath());
  const bytes = await gunzipIfCompressed('path', path, new Uint8Array(await readFile(path)));
  const { pixels, labels } = parseDigitsCsv(new TextDecoder().decode(bytes), path);
  if (labels.length === 0) {
    throw new InvalidArgumentError('path', `${path} holds no digits (the file is empty). Pass the digits CSV, or leave path out for the bundled copy.`);
  }
  const images = tf.tidy(() => {
    const t = tf.tensor2d(pixels, [labels.length, DIGITS_PIXELS]);
    return options.scale === false ? t : tf.div<tf.Tensor2D>(t, DIGITS_MAX_VALUE);
  });
  return { images, labels, imageShape: [8, 8] };
}

/** `data/digits.csv.gz` next to `src/` (sources) or `dist/` (builds): one level up from this module. */
async function bundledPath(): Promise<string> {
  const { fileURLToPath, pathToFileURL } = await import('node:url');
  // The CommonJS build has no import.meta.url; it has __filename instead.
  const here = typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url;
  return fileURLToPath(new URL('../data/digits.csv.gz', here));
}
