/**
 * Labelled image data sets held as raw pixel levels on the host (a byte per pixel: MNIST's
 * 60,000 training images take 47 MB, a quarter of their float32 tensor), turned into tensors by
 * `imagesToTensor` in whatever form a model wants.
 */
import { InvalidArgumentError } from '@ebm/core';
import { DIGITS_MAX_VALUE, DIGITS_PIXELS } from './digits.js';

/** One split (train or test) of an image data set. */
export interface ImageSplit {
  /** Pixel levels `0..maxValue`, image after image, row-major `[count, height, width, channels]`. */
  readonly pixels: Uint8Array;
  /** The class of each image, `0..classes.length - 1`. */
  readonly labels: Int32Array;
  readonly count: number;
}

/** An image data set: train and test splits of one image shape and pixel range. */
export interface ImageDataset {
  readonly name: string;
  /** `[height, width, channels]`. */
  readonly imageShape: readonly [number, number, number];
  /** The largest pixel level (255 for MNIST, 16 for the 8x8 digits); level / maxValue is the intensity. */
  readonly maxValue: number;
  /** Class names by label. */
  readonly classes: readonly string[];
  readonly train: ImageSplit;
  readonly test: ImageSplit;
}

/** The digit classes `'0'..'9'` (MNIST and the 8x8 digits). */
export const DIGIT_CLASSES: readonly string[] = Array.from({ length: 10 }, (_, i) => String(i));

/** Every `DIGITS_TEST_EVERY`-th digit (index mod 5 = 4) is held out: 359 test and 1,438 training images. */
export const DIGITS_TEST_EVERY = 5;

/**
 * The bundled 8x8 digits (`parseDigitsCsv` output: levels 0..16 and labels) as an
 * {@link ImageDataset} `[8, 8, 1]` with a fixed split: image `i` is a test image when
 * `i mod 5 = 4`. The file is ordered by writer, not by class, so both splits hold every class
 * in about equal shares.
 *
 * @example
 * const { pixels, labels } = parseDigitsCsv(text);
 * const digits = digitsImageDataset({ pixels, labels }); // train.count 1438, test.count 359
 */
export function digitsImageDataset(parsed: { readonly pixels: Float32Array; readonly labels: Int32Array }): ImageDataset {
  const count = parsed.labels.length;
  if (parsed.pixels.length !== count * DIGITS_PIXELS) {
    throw new InvalidArgumentError('parsed', `must hold ${DIGITS_PIXELS} pixels per label (parseDigitsCsv output), got ${parsed.pixels.length} pixels for ${count} labels.`);
  }
  const split = (test: boolean): ImageSplit => {
    const indices = Array.from({ length: count }, (_, i) => i).filter((i) => (i % DIGITS_TEST_EVERY === DIGITS_TEST_EVERY - 1) === test);
    const pixels = new Uint8Array(indices.length * DIGITS_PIXELS);
    indices.forEach((i, row) => pixels.set(parsed.pixels.subarray(i * DIGITS_PIXELS, (i + 1) * DIGITS_PIXELS), row * DIGITS_PIXELS));
    return { pixels, labels: Int32Array.from(indices, (i) => parsed.labels[i]!), count: indices.length };
  };
  return { name: 'digits', imageShape: [8, 8, 1], maxValue: DIGITS_MAX_VALUE, classes: DIGIT_CLASSES, train: split(false), test: split(true) };
}
