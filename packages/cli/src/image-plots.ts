/**
 * Image pictures of a run: grids of images (model samples, the replay buffer, RBM filters,
 * restorations) written as PNG with pngjs, one grey square per image pixel, and the loss curve.
 */
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import type { ImageEvidence } from './image-evaluation.js';
import type { ImageSession } from './image-session.js';
import { lossSpec, renderPng } from './plots.js';
import { RUN_FILES, type RunFolder, type RunPicture } from './run-folder.js';

/** Options of {@link imageGridPng}. */
export interface ImageGridOptions {
  /** Images per row of the grid (default: the ceiling of the square root of the count). */
  readonly columns?: number;
  /** Screen pixels per image pixel (default: enough for about 56 screen pixels per image side). */
  readonly scale?: number;
  /** Intensity mapped to black and to white (default `[0, 1]`; values outside are clipped). */
  readonly range?: readonly [number, number];
  /** Map each image's own min..max to black..white instead of `range` (RBM filters, whose weights have no fixed range). */
  readonly normalizeEach?: boolean;
}

/** Screen pixels between images, drawn in mid grey. */
const GAP = 2;
/** Target side of one magnified image in screen pixels. */
const TARGET_SIDE = 56;

/**
 * A grid of `count` grey-scale images `[count, height, width]` (row-major in `values`, e.g. a
 * tensor's `dataSync()`; one channel) as PNG bytes: white is high intensity, black low.
 *
 * @example
 * const png = imageGridPng(await samples.data(), 64, 28, 28, { columns: 8 });
 */
export function imageGridPng(values: ArrayLike<number>, count: number, height: number, width: number, options: ImageGridOptions = {}): Uint8Array {
  const columns = options.columns ?? Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);
  const scale = options.scale ?? Math.max(1, Math.round(TARGET_SIDE / Math.max(height, width)));
  const [lo, hi] = options.range ?? [0, 1];
  const [cellH, cellW] = [height * scale + GAP, width * scale + GAP];
  const png = new PNG({ width: columns * cellW + GAP, height: rows * cellH + GAP });
  png.data.fill(128);
  for (let k = 3; k < png.data.length; k += 4) png.data[k] = 255;
  const pixels = height * width;
  for (let n = 0; n < count; n++) {
    let [min, max] = [lo, hi];
    if (options.normalizeEach) {
      [min, max] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
      for (let p = 0; p < pixels; p++) [min, max] = [Math.min(min, values[n * pixels + p]!), Math.max(max, values[n * pixels + p]!)];
      if (!(max > min)) max = min + 1;
    }
    const [top, left] = [Math.floor(n / columns) * cellH + GAP, (n % columns) * cellW + GAP];
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        const v = (values[n * pixels + i * width + j]! - min) / (max - min);
        const grey = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
        for (let di = 0; di < scale; di++) {
          for (let dj = 0; dj < scale; dj++) {
            const k = 4 * ((top + i * scale + di) * png.width + left + j * scale + dj);
            png.data[k] = png.data[k + 1] = png.data[k + 2] = grey;
          }
        }
      }
    }
  }
  return PNG.sync.write(png);
}

/** Images shown per picture (an 8 x 8 grid). */
const SHOWN = 64;

/** The first `SHOWN` images of `x` (any shape with images on axis 0, one channel) as a grid PNG. */
async function gridOf(x: tf.Tensor, height: number, width: number, options: ImageGridOptions = {}): Promise<Uint8Array> {
  const count = Math.min(SHOWN, x.shape[0]!);
  const shown = tf.slice(x, 0, count);
  const values = await shown.data();
  shown.dispose();
  return imageGridPng(values, count, height, width, { columns: 8, ...options });
}

/**
 * Writes the pictures of an image run: `samples.png` (the model samples: replay-buffer rows
 * continued, when the run has a buffer), `fresh-samples.png` (then: fresh chains from noise) and
 * `buffer.png` (8 x 8 grids), for an RBM
 * `filters.png` (the weights into the first 64 hidden units, each scaled to its own range), for
 * conv and mlp `restoration.png` (rows of 8: clean, noisy, denoised, masked, inpainted test
 * images), and `loss.png` (the loss curve).
 */
export async function writeImagePictures(session: ImageSession, folder: RunFolder, evidence: ImageEvidence): Promise<string[]> {
  const [height, width] = session.dataset.imageShape;
  const written: string[] = [];
  const write = async (name: RunPicture, png: Uint8Array): Promise<void> => {
    await folder.writePicture(name, png);
    written.push(RUN_FILES[name]);
  };
  await write('samples', await gridOf(evidence.samples.images, height, width));
  if (evidence.freshSamples !== undefined) await write('freshSamples', await gridOf(evidence.freshSamples.images, height, width));
  if (evidence.buffer !== undefined) await write('buffer', await gridOf(evidence.buffer, height, width));
  if (session.rbm !== undefined) {
    const filters = tf.transpose(session.rbm.weights); // [hidden, visible]: one image per hidden unit
    await write('filters', await gridOf(filters, height, width, { normalizeEach: true }));
    filters.dispose();
  }
  const { restorations } = evidence;
  if (restorations !== undefined) {
    const rows = tf.tidy(() =>
      tf.concat([restorations.clean, restorations.noisy, restorations.denoised, restorations.masked, restorations.inpainted].map((t) => tf.slice(t, 0, Math.min(8, t.shape[0]!))), 0),
    );
    await write('restoration', await gridOf(rows, height, width));
    rows.dispose();
  }
  const { config } = session;
  await write('loss', await renderPng(lossSpec(folder.readMetrics().lines, `${config.dataset} · ${config.model} · ${config.steps} steps`)));
  return written;
}
