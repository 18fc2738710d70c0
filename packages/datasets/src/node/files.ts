/**
 * The Node-only loaders of `@ebm/datasets/node`: the digits and IDX files read from a path on
 * disk. Decoding is shared with the browser loaders of `@ebm/datasets`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@ebm/core';
import { assertNode } from '@ebm/core/node';
import { gunzipIfCompressed, sourceName } from '../bytes.js';
import { type Digits, decodeDigits } from '../digits.js';
import { idxTensor } from '../idx.js';

/** Options of {@link loadDigits} (Node). */
export interface LoadDigitsFileOptions {
  /** Divide pixels by 16 so they lie in [0, 1] (default true); false keeps 0..16. */
  readonly scale?: boolean;
  /** Path of a digits CSV (gzipped or plain); default: the copy shipped in this package. */
  readonly path?: string;
}

/**
 * Loads the 1,797 8x8 digits shipped with this package (or the CSV at `path`) from disk. Pixels
 * are scaled to [0, 1] by default. An empty, truncated or malformed file throws an
 * `InvalidArgumentError` on `path` (or `text`, for a bad line) that names the file. In a browser,
 * use `loadDigits({ source })` from `@ebm/datasets`.
 *
 * @example
 * import { loadDigits } from '@ebm/datasets/node';
 * const { images, labels } = await loadDigits();   // images [1797, 64] in [0, 1]
 */
export async function loadDigits(options: LoadDigitsFileOptions = {}): Promise<Digits> {
  assertNode('loadDigits from @ebm/datasets/node', "use loadDigits({ source: url }) from '@ebm/datasets'");
  const path = options.path ?? bundledDigitsPath();
  const bytes = await gunzipIfCompressed(await readFile(path), 'path', path);
  return decodeDigits(bytes, options.scale ?? true, 'path', path);
}

/**
 * Reads an IDX (MNIST-format) file from a path, or from bytes, gunzipping `.gz` input, as a tensor
 * of the declared shape (`int32` for integer types, `float32` for float32/float64). An empty,
 * truncated or corrupt file (gzip stream or IDX contents) throws an `InvalidArgumentError` that
 * names the file. In a browser,
 * use `readIdx(urlOrBytes)` from `@ebm/datasets`. The caller owns the tensor.
 *
 * @example
 * import { readIdx } from '@ebm/datasets/node';
 * const images = await readIdx('/usr/share/fashion-mnist/train-images-idx3-ubyte.gz'); // int32 [60000, 28, 28]
 */
export async function readIdx(source: string | Uint8Array | ArrayBuffer): Promise<tf.Tensor> {
  assertNode('readIdx from @ebm/datasets/node', "use readIdx(urlOrBytes) from '@ebm/datasets'");
  let bytes: Uint8Array;
  if (typeof source === 'string') bytes = await readFile(source);
  else if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else throw new InvalidArgumentError('source', `must be a file path, a Uint8Array or an ArrayBuffer, got ${typeof source}.`);
  const name = sourceName(source);
  return idxTensor(await gunzipIfCompressed(bytes, 'source', name), name);
}

/** `data/digits.csv.gz` of this package: two levels up from this module (`src/node/` or `dist/node/`). */
function bundledDigitsPath(): string {
  // The CommonJS build has no import.meta.url; it has __filename instead.
  const here = typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url;
  return fileURLToPath(new URL('../../data/digits.csv.gz', here));
}
