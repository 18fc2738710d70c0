/**
 * Sizes that cannot work, refused before anything is built or written: a minibatch larger than
 * the data, or a run whose tensors cannot fit in the backend's memory (the wasm backend addresses
 * at most 4 GiB; the others at most the machine's memory) or whose data cannot fit in Node's
 * JavaScript heap. Without this check such runs die minutes in, by an out-of-memory abort or a
 * RangeError, or fail with a misleading message from deep inside tfjs.
 */
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { DEFAULT_CHUNK_SIZE } from '@ebm/eval';
import { ConfigError, type TrainConfig, flagOf } from './config.js';

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
/** The most memory the wasm backend can address: 65535 pages of 64 KiB (wasm32). */
const WASM_MEMORY_LIMIT = 65535 * 65536;

/** Parameters of the config's MLP energy on 2-D inputs: weights and biases of every layer, and the scalar output layer. */
export function parameterCount(hidden: readonly number[]): number {
  const widths = [2, ...hidden, 1];
  return widths.slice(1).reduce((sum, width, i) => sum + widths[i]! * width + width, 0);
}

/** The parts of a run's peak memory, in bytes, with the flags that set each. */
export function memoryEstimate(config: TrainConfig): { readonly what: string; readonly flags: readonly (keyof TrainConfig)[]; readonly bytes: number }[] {
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
 * Throws a {@link ConfigError} naming the flags to lower when the config cannot run: a batch
 * larger than the data set, or an estimated peak (data `80 B/row`, model `24 B/parameter`,
 * activations `32 B/row/unit`) above the backend's memory, or data above Node's heap limit.
 * The estimate is conservative where measured (see the constants); sizes near the limit may
 * still run out of memory, which the command then reports as such.
 *
 * @example
 * checkRunFits(validateConfig({ dataSize: 2e9 })); // throws: ... --data-size ...
 */
export function checkRunFits(config: TrainConfig, limits = memoryLimits(config.backend)): void {
  if (config.batchSize > config.dataSize) {
    throw new ConfigError(
      `${flagOf('batchSize')} ${config.batchSize} is larger than ${flagOf('dataSize')} ${config.dataSize}: a minibatch draws rows from the training data without replacement. ` +
        `Lower ${flagOf('batchSize')} or raise ${flagOf('dataSize')}.`,
    );
  }
  const parts = memoryEstimate(config);
  const total = parts.reduce((sum, part) => sum + part.bytes, 0);
  if (total > limits.tensorBytes) {
    const largest = parts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const flags = largest.flags.map((key) => `${flagOf(key)} ${String(config[key])}`).join(', ');
    throw new ConfigError(
      `The run needs about ${formatBytes(total)} of memory, more than ${limits.tensorWhat} (${formatBytes(limits.tensorBytes)}); ` +
        `${largest.what} alone takes about ${formatBytes(largest.bytes)} (${flags}). Lower ${largest.flags.map(flagOf).join(' or ')}.`,
    );
  }
  const heap = (config.dataSize + config.testSize) * HEAP_BYTES_PER_ROW;
  if (heap > limits.heapBytes) {
    throw new ConfigError(
      `${flagOf('dataSize')} ${config.dataSize} needs about ${formatBytes(heap)} of JavaScript heap, more than Node's limit (${formatBytes(limits.heapBytes)}). ` +
        `Lower ${flagOf('dataSize')}, or raise the limit with NODE_OPTIONS=--max-old-space-size=<MiB>.`,
    );
  }
}

/** The memory a run may use on `backend`: tensors (wasm: its 4 GiB address space; others: the machine's memory) and Node's heap limit. */
export function memoryLimits(backend: TrainConfig['backend']): { readonly tensorBytes: number; readonly tensorWhat: string; readonly heapBytes: number } {
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
