/**
 * Sizes that cannot work, refused before anything is built or written: a minibatch larger than
 * the data, or a run whose tensors cannot fit in the backend's memory (the wasm backend addresses
 * at most 4 GiB; the others at most the machine's memory) or whose data cannot fit in Node's
 * JavaScript heap. Without this check such runs die minutes in, by an out-of-memory abort or a
 * RangeError, or fail with a misleading message from deep inside tfjs. One check,
 * {@link checkRunFits}, over a {@link RunSize}: {@link pointRunSize} for 2-D (and conditional)
 * runs, {@link imageRunSize} for image runs.
 */
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { DEFAULT_CHUNK_SIZE } from '@ebm/eval';
import type { BackendName } from '@ebm/core';
import { DIGITS_COUNT } from '@ebm/datasets';
import { DIGITS_TEST_FRACTION } from './conditional-session.js';
import { ConfigError, type TrainConfig, flagOf } from './config.js';
import type { ImageConfig } from './image-config.js';

/**
 * Peak tensor bytes per data row (training and test), measured: the wasm heap of a run with
 * `--hidden 8` grew by 80 bytes per row from 1M to 16M rows (the `[N, 2]` data is 8 bytes a row;
 * the data set's sampler and the noise fit hold several copies while they work).
 */
const TENSOR_BYTES_PER_ROW = 80;
/** JavaScript heap bytes per data row: the key-driven permutations of the minibatches and samplers (one double per row, several live at once). */
const HEAP_BYTES_PER_ROW = 24;
/** Bytes per model parameter: the value, its gradient, Adam's two moments and the copies a step makes, in float32. */
const BYTES_PER_PARAMETER = 24;
/**
 * Bytes per row and hidden unit of one energy evaluation: forward and backward activations and
 * the activation's intermediates (swish keeps `sigmoid(x)` and the product). Measured with the
 * wasm heap of `--hidden 2048,2048` (537 MB at 4096 rows per grid chunk, 32 bytes a unit).
 */
const BYTES_PER_ACTIVATION = 32;
/**
 * Bytes per image pixel of the image data (training and test): a float32 value (4 B), with up to
 * four copies alive while the images are dequantised or binarised (tidy keeps the intermediates of
 * `imagesToTensor` until it returns). Counted from the ops, not measured.
 */
const BYTES_PER_IMAGE_PIXEL = 16;
/** Bytes per replay-buffer pixel: the float32 buffer and the copy its update writes. Counted from the ops, not measured. */
const BYTES_PER_BUFFER_PIXEL = 8;
/** Test images an image run restores at its final evaluation (image-evaluation.ts's RESTORE_IMAGES). */
const RESTORED_IMAGES = 64;
/** Training digits of a jem or classifier run: the 1,797 digits less the held-out fifth (conditional-session.ts). */
export const DIGITS_TRAIN_COUNT = DIGITS_COUNT - Math.round(DIGITS_TEST_FRACTION * DIGITS_COUNT);
/** The most memory the wasm backend can address: 65535 pages of 64 KiB (wasm32). */
const WASM_MEMORY_LIMIT = 65535 * 65536;

/** Parameters of the config's MLP energy on 2-D inputs: weights and biases of every layer, and the scalar output layer. */
export function parameterCount(hidden: readonly number[]): number {
  const widths = [2, ...hidden, 1];
  return widths.slice(1).reduce((sum, width, i) => sum + widths[i]! * width + width, 0);
}

/** One part of a run's peak memory, in bytes, with the config keys (flags) that set it. */
export interface MemoryPart {
  readonly what: string;
  readonly flags: readonly string[];
  readonly bytes: number;
}

/** What {@link checkRunFits} checks of a run, built by {@link pointRunSize} or {@link imageRunSize}. */
export interface RunSize {
  /** The config: the values printed next to the flags. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly backend: BackendName;
  readonly batchSize: number;
  /** The training rows a minibatch draws from, how the message names them, and the key that raises them (absent when nothing can). */
  readonly rows: { readonly count: number; readonly what: string; readonly raise?: string };
  /** The parts of the peak tensor memory. */
  readonly parts: readonly MemoryPart[];
  /** JavaScript heap the run needs, with the key that sets it (2-D runs: the data's key-driven permutations). */
  readonly heap?: { readonly bytes: number; readonly key: string };
}

/** The parts of a 2-D run's peak memory, in bytes, with the flags that set each. */
export function memoryEstimate(config: TrainConfig): MemoryPart[] {
  const rows = config.dataSize + config.testSize;
  const evaluationRows = Math.max(DEFAULT_CHUNK_SIZE, config.batchSize, config.sampleSize);
  const units = config.hidden.reduce((a, b) => a + b, 0);
  return [
    { what: 'the data', flags: ['dataSize', 'testSize'], bytes: rows * TENSOR_BYTES_PER_ROW },
    { what: 'the model and its optimizer state', flags: ['hidden'], bytes: parameterCount(config.hidden) * BYTES_PER_PARAMETER },
    { what: 'the activations of one energy evaluation', flags: ['hidden', 'batchSize', 'sampleSize'], bytes: evaluationRows * units * BYTES_PER_ACTIVATION },
  ];
}

/**
 * The size of a 2-D (or conditional) run: `--data-size` rows ({@link DIGITS_TRAIN_COUNT} fixed rows
 * for the digits of jem and classifier runs, which ignore `--data-size`), {@link memoryEstimate},
 * and 24 B of heap per data row.
 */
export function pointRunSize(config: TrainConfig): RunSize {
  const rows =
    config.dataset === 'digits'
      ? { count: DIGITS_TRAIN_COUNT, what: `the ${DIGITS_TRAIN_COUNT} training digits of --dataset digits` }
      : { count: config.dataSize, what: `${flagOf('dataSize')} ${config.dataSize}`, raise: 'dataSize' };
  return {
    config,
    backend: config.backend,
    batchSize: config.batchSize,
    rows,
    parts: memoryEstimate(config),
    heap: { bytes: (config.dataSize + config.testSize) * HEAP_BYTES_PER_ROW, key: 'dataSize' },
  };
}

/** The shape and counts of an image data set, as loaded (`ImageDataset` of @ebm/datasets). */
export interface ImageDataShape {
  readonly imageShape: readonly [number, number, number];
  readonly train: { readonly count: number };
  readonly test: { readonly count: number };
}

/**
 * Parameters and activation units per image of an image model: a conv energy's 3x3 stride-2
 * convs (`ceil(H / 2)` rows and columns out, each position also holding its `9 C_in` patch) and
 * dense head; an MLP on the `D` pixels; an RBM's `D x hidden` weights and biases (units: both layers).
 */
export function imageModelSize(config: ImageConfig, imageShape: readonly [number, number, number]): { readonly parameters: number; readonly units: number } {
  const [height, width, depth] = imageShape;
  const pixels = height * width * depth;
  if (config.model === 'rbm') return { parameters: pixels * config.rbmHidden + pixels + config.rbmHidden, units: pixels + config.rbmHidden };
  const dense = (inputs: number): number => [inputs, ...config.hidden, 1].slice(1).reduce((sum, w, i) => sum + [inputs, ...config.hidden][i]! * w + w, 0);
  const hiddenUnits = config.hidden.reduce((a, b) => a + b, 0);
  if (config.model === 'mlp') return { parameters: dense(pixels), units: pixels + hiddenUnits };
  let [h, w, c, parameters, units] = [height, width, depth, 0, pixels];
  for (const channels of config.channels) {
    [h, w] = [Math.ceil(h / 2), Math.ceil(w / 2)];
    parameters += 9 * c * channels + channels;
    units += h * w * (9 * c + channels);
    c = channels;
  }
  return { parameters: parameters + dense(h * w * c), units: units + hiddenUnits };
}

/**
 * The size of an image run on `dataset`: its training images (`--train-size`, 0 = all), the
 * images (16 B a pixel), the replay buffer (8 B a pixel), the model and its optimizer state
 * (24 B a parameter) and one energy evaluation (32 B per image and unit, over the larger of a
 * positive-and-negative minibatch, the model samples and the restored images).
 */
export function imageRunSize(config: ImageConfig, dataset: ImageDataShape): RunSize {
  const pixels = dataset.imageShape.reduce((a, b) => a * b, 1);
  const train = config.trainSize === 0 ? dataset.train.count : Math.min(config.trainSize, dataset.train.count);
  const model = imageModelSize(config, dataset.imageShape);
  const widthKeys = config.model === 'rbm' ? ['rbmHidden'] : config.model === 'conv' ? ['channels', 'hidden'] : ['hidden'];
  const evaluationRows = Math.max(2 * config.batchSize, config.sampleSize, RESTORED_IMAGES);
  const replay = config.model !== 'rbm' && config.objective === 'replay';
  return {
    config,
    backend: config.backend,
    batchSize: config.batchSize,
    rows:
      config.trainSize === 0 || train < config.trainSize
        ? { count: train, what: `the ${train} training images of ${config.dataset}` }
        : { count: train, what: `${flagOf('trainSize')} ${train}`, raise: 'trainSize' },
    parts: [
      { what: 'the images', flags: ['trainSize'], bytes: (train + dataset.test.count) * pixels * BYTES_PER_IMAGE_PIXEL },
      ...(replay ? [{ what: 'the replay buffer', flags: ['bufferSize'], bytes: config.bufferSize * pixels * BYTES_PER_BUFFER_PIXEL }] : []),
      { what: 'the model and its optimizer state', flags: widthKeys, bytes: model.parameters * BYTES_PER_PARAMETER },
      { what: 'the activations of one energy evaluation', flags: [...widthKeys, 'batchSize', 'sampleSize'], bytes: evaluationRows * model.units * BYTES_PER_ACTIVATION },
    ],
  };
}

/**
 * Throws a {@link ConfigError} naming the flags to lower when the run cannot fit: a batch larger
 * than its training rows, or an estimated peak (the sum of `size.parts`; 2-D runs: data `80
 * B/row`, model `24 B/parameter`, activations `32 B/row/unit`) above the backend's memory, or a
 * heap above Node's limit. The 2-D estimate is conservative where measured (see the constants);
 * sizes near the limit may still run out of memory, which the command then reports as such.
 *
 * @example
 * checkRunFits(pointRunSize(validateConfig({ dataSize: 2e9 }))); // throws: ... --data-size ...
 */
export function checkRunFits(size: RunSize, limits = memoryLimits(size.backend)): void {
  const { rows } = size;
  if (size.batchSize > rows.count) {
    throw new ConfigError(
      `${flagOf('batchSize')} ${size.batchSize} is larger than ${rows.what}: a minibatch draws rows from the training data without replacement. ` +
        `Lower ${flagOf('batchSize')}${rows.raise === undefined ? '' : ` or raise ${flagOf(rows.raise)}`}.`,
    );
  }
  const total = size.parts.reduce((sum, part) => sum + part.bytes, 0);
  if (total > limits.tensorBytes) {
    const largest = size.parts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const flags = largest.flags.map((key) => `${flagOf(key)} ${String(size.config[key])}`).join(', ');
    throw new ConfigError(
      `The run needs about ${formatBytes(total)} of memory, more than ${limits.tensorWhat} (${formatBytes(limits.tensorBytes)}); ` +
        `${largest.what} alone takes about ${formatBytes(largest.bytes)} (${flags}). Lower ${largest.flags.map(flagOf).join(' or ')}.`,
    );
  }
  if (size.heap !== undefined && size.heap.bytes > limits.heapBytes) {
    const flag = flagOf(size.heap.key);
    throw new ConfigError(
      `${flag} ${String(size.config[size.heap.key])} needs about ${formatBytes(size.heap.bytes)} of JavaScript heap, more than Node's limit (${formatBytes(limits.heapBytes)}). ` +
        `Lower ${flag}, or raise the limit with NODE_OPTIONS=--max-old-space-size=<MiB>.`,
    );
  }
}

/** The memory a run may use on `backend`: tensors (wasm: its 4 GiB address space; others: the machine's memory) and Node's heap limit. */
export function memoryLimits(backend: BackendName): { readonly tensorBytes: number; readonly tensorWhat: string; readonly heapBytes: number } {
  const machine = totalmem();
  const [tensorBytes, tensorWhat] =
    backend === 'wasm' && WASM_MEMORY_LIMIT < machine ? [WASM_MEMORY_LIMIT, 'the wasm backend can address'] : [machine, "this machine's memory"];
  return { tensorBytes, tensorWhat, heapBytes: getHeapStatistics().heap_size_limit };
}

/** `1536` -> `1.5 KB`, `9.6e11` -> `960 GB`: decimal units, at least two significant digits. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 ? Math.round(value) : Number(value.toPrecision(2))} ${units[unit]}`;
}
