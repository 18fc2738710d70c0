/**
 * The 8x8 handwritten digits bundled with this package (`data/digits.csv.gz`): the test set of
 * the UCI "Optical Recognition of Handwritten Digits" data (E. Alpaydin and C. Kaynak, 1998,
 * CC BY 4.0), in the copy scikit-learn ships as `sklearn/datasets/data/digits.csv.gz`.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@ebm/core';
import { type DataSource, readSource, sourceName } from './bytes.js';

/** Number of images in the bundled file. */
export const DIGITS_COUNT = 1797;
/** Pixels per image: 8 x 8. */
export const DIGITS_PIXELS = 64;
/** Pixel values are integers 0..16 (counts of set pixels in 4x4 blocks of a 32x32 bitmap). */
export const DIGITS_MAX_VALUE = 16;

/** Options of {@link loadDigits}. */
export interface LoadDigitsOptions {
  /**
   * The digits CSV (gzipped or plain): its bytes, or a URL to fetch it from. The copy shipped with
   * this package is `@ebm/datasets/data/digits.csv.gz` (with Vite:
   * `import url from '@ebm/datasets/data/digits.csv.gz?url'`).
   */
  readonly source: DataSource;
  /** Divide pixels by {@link DIGITS_MAX_VALUE} so they lie in [0, 1] (default true); false keeps 0..16. */
  readonly scale?: boolean;
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
 * naming `text` and the line when a row is malformed.
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
 * The digits from the (uncompressed) bytes of their CSV, as tensors. Pixels are scaled to [0, 1]
 * unless `scale` is false. An empty file throws an `InvalidArgumentError` on `argument` naming
 * `name`, the file the bytes came from; a malformed line names it too.
 */
export function decodeDigits(bytes: Uint8Array, scale: boolean, argument: string, name: string): Digits {
  const { pixels, labels } = parseDigitsCsv(new TextDecoder().decode(bytes), name);
  if (labels.length === 0) {
    throw new InvalidArgumentError(argument, `${name} holds no digits (the file is empty). Pass the digits CSV, or the shipped copy.`);
  }
  const images = tf.tidy(() => {
    const t = tf.tensor2d(pixels, [labels.length, DIGITS_PIXELS]);
    return scale ? tf.div<tf.Tensor2D>(t, DIGITS_MAX_VALUE) : t;
  });
  return { images, labels, imageShape: [8, 8] };
}

/**
 * Loads the 8x8 digits from `source`: the CSV's bytes or a URL to fetch (browsers, workers and
 * Node). Pixels are scaled to [0, 1] by default, the form scikit-learn's BernoulliRBM example
 * trains on. In Node, `loadDigits()` from `@ebm/datasets/node` reads the copy shipped with this
 * package from disk.
 *
 * @example
 * import digitsUrl from '@ebm/datasets/data/digits.csv.gz?url';   // Vite; any URL of the file works
 * const { images, labels } = await loadDigits({ source: digitsUrl });   // images [1797, 64] in [0, 1]
 */
export async function loadDigits(options: LoadDigitsOptions): Promise<Digits> {
  if (options?.source === undefined) {
    throw new InvalidArgumentError(
      'source',
      "is required: pass the digits CSV's bytes or URL (the shipped copy is '@ebm/datasets/data/digits.csv.gz'). " +
        "In Node, loadDigits() from '@ebm/datasets/node' reads the shipped copy without one.",
    );
  }
  const bytes = await readSource(options.source, 'source', 'loadDigits');
  return decodeDigits(bytes, options.scale ?? true, 'source', sourceName(options.source));
}
