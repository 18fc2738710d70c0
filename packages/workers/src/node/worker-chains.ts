import {
  type BackendName,
  type ChainDiagnostics,
  type ChainRunner,
  type ChainRunnerOptions,
  type ChainRunnerResult,
  type ChainState,
  type EnergyModel,
  InvalidArgumentError,
  type SampleChainOptions,
  type StepInfo,
  assertBatch,
  assertInteger,
  traceDiagnostics,
} from '@ebm/core';
import { assertNode } from '@ebm/core/node';
import * as tf from '@tensorflow/tfjs';
import { type ChainBlock, chainBlocks, weightedMeans } from '../chain-blocks.js';
import type { BlockResult, ModuleSpec, RunRequest, TensorData, WorkerReply, WorkerSetup } from '../protocol.js';
import { transferList } from '../protocol.js';
import { WorkerError, errorFromWorker } from '../worker-error.js';

type NodeWorker = import('node:worker_threads').Worker;

/**
 * A factory a worker thread imports and calls to build its own copy of a model or sampler,
 * `(await import(module))[export](options)` (functions cannot cross threads; module specifiers can).
 */
export interface ModuleExport {
  /**
   * A `file:` URL (e.g. `import.meta.resolve('my-package')` or `new URL('./model.js', import.meta.url)`),
   * an absolute path, or a package that @ebm/workers itself can import (`'@ebm/core/models'`).
   */
  readonly module: string | URL;
  /** The exported factory's name, e.g. `'mlpEnergy'` or `'langevin'`. */
  readonly export: string;
  /** Its one argument, copied to the worker with the structured clone algorithm (PRNG keys cross as they are). */
  readonly options?: unknown;
}

/** Options of {@link workerChains}. */
export interface WorkerChainsOptions {
  /** Worker threads (default 2, one per core of a 2-core machine). Results do not depend on it. */
  readonly workers?: number;
  /**
   * Blocks the chains are split into (default 2): block b runs as its own sampler call with key
   * `foldIn(key, b)`, so results depend on `blocks` (and the keys), not on `workers`. Use a
   * multiple of `workers` to keep every worker equally busy.
   */
  readonly blocks?: number;
  /** The tfjs backend each worker selects (default `'wasm'`; `'cpu'` also works). */
  readonly backend?: BackendName;
  /** The energy model each worker builds; its variables get the calling thread's values (see `runChains`). */
  readonly model: ModuleExport;
  /** The sampler each worker builds. */
  readonly sampler: ModuleExport;
}

/**
 * Options of {@link WorkerChains.sampleChain}: core `sampleChain`'s `init` (stays the caller's),
 * `key` (block b runs core `sampleChain` with `foldIn(key, b)`), `numSteps`, `burnIn`, `thin` and
 * `collect`, with their defaults, and the model whose weights to use.
 */
export interface WorkerSampleChainOptions extends Pick<SampleChainOptions<ChainState, StepInfo>, 'init' | 'key' | 'numSteps' | 'burnIn' | 'thin' | 'collect'> {
  /** Send this model's current variable values to the workers first (default: the workers keep the weights they have). */
  readonly model?: EnergyModel;
}

/** What {@link WorkerChains.sampleChain} returns; the caller owns `samples` and `finalPosition`. */
export interface WorkerSampleChainResult {
  /** Kept positions `[numKept, numChains, ...event]`, blocks in order along axis 1; undefined when `collect` is false. */
  readonly samples: tf.Tensor | undefined;
  /** The chains' last positions `[numChains, ...event]` (only positions cross threads, not a sampler's cached state). */
  readonly finalPosition: tf.Tensor;
  /** The chain-weighted mean over blocks of every scalar step info's post-burn-in mean. */
  readonly meanInfo: Readonly<Record<string, number>>;
  /** `meanInfo.acceptanceRate`, when the sampler reports one. */
  readonly acceptanceRate: number | undefined;
  /** ESS and split R-hat of all kept draws (needs at least 4 kept draws and `collect`). */
  readonly diagnostics: ChainDiagnostics | undefined;
}

/**
 * A pool of worker threads that run chains (see {@link workerChains}). It is a core
 * `ChainRunner`, so `contrastiveDivergence({ ..., runner: pool })` runs its negative chains here.
 */
export interface WorkerChains extends ChainRunner {
  readonly workers: number;
  readonly blocks: number;
  /**
   * Runs `numSteps` steps from `start` (stays the caller's) on `model`'s energy at its current
   * weights; block b steps with `foldIn(key, b)` (core `runChain` on the block, no start check).
   * Returns the last positions and the chain-weighted mean step infos as device scalars.
   */
  runChains(model: EnergyModel, start: tf.Tensor, options: ChainRunnerOptions): Promise<ChainRunnerResult>;
  /** Core `sampleChain` on every block (key `foldIn(key, b)`), the blocks' results joined. */
  sampleChain(options: WorkerSampleChainOptions): Promise<WorkerSampleChainResult>;
  /** Terminates the workers (pending calls reject). Idempotent. */
  close(): Promise<void>;
}

/** Diagnostics need at least this many kept draws (as in core's sampleChain). */
const MIN_DRAWS_FOR_DIAGNOSTICS = 4;

/** One worker thread and the bookkeeping the pool keeps for it. */
interface PoolWorker {
  readonly index: number;
  readonly thread: NodeWorker;
  /** The weights version this worker holds (-1: the ones its factory built). */
  weightsVersion: number;
  readonly pending: Map<number, { resolve: (blocks: readonly BlockResult[]) => void; reject: (error: Error) => void }>;
}

/** A module specifier as a worker can import it: URLs as strings, absolute paths as `file:` URLs. */
async function specOf(spec: ModuleExport, what: 'model' | 'sampler'): Promise<ModuleSpec> {
  if (spec === undefined || spec === null || typeof spec.export !== 'string' || !(typeof spec.module === 'string' || spec.module instanceof URL)) {
    throw new InvalidArgumentError(what, "must be { module, export, options }, e.g. { module: '@ebm/core/models', export: 'mlpEnergy', options: {...} }.");
  }
  const { isAbsolute } = await import('node:path');
  const { pathToFileURL } = await import('node:url');
  const module = spec.module instanceof URL ? spec.module.href : isAbsolute(spec.module) ? pathToFileURL(spec.module).href : spec.module;
  return { module, export: spec.export, options: spec.options };
}

function tensorData(values: TensorData['values'], tensor: tf.Tensor): TensorData {
  return { values, shape: tensor.shape, dtype: tensor.dtype };
}

/**
 * Starts a pool of Node worker threads that run Markov chains of one sampler on one energy model,
 * each worker with its own tfjs backend, so chains use more than the one core tfjs's wasm backend
 * runs on in Node. Functions cannot cross threads, so each worker builds the model and the sampler
 * from module specifiers; `runChains` and `sampleChain` send the model's current variable values
 * (when they changed) with the starts.
 *
 * Determinism: the N chains are split into `blocks` contiguous blocks ({@link chainBlocks}); block
 * b runs as its own sampler call with key `foldIn(key, b)` on worker `b mod workers`. The results
 * therefore depend on `blocks`, never on `workers`, and equal running each block in one thread
 * with core `runChain` / `sampleChain` on the same backend.
 *
 * Errors: an error in a worker (a module that cannot be imported, a model that throws, a non-finite
 * start) rejects the call with the worker's message (the same core error class when it was one, a
 * {@link WorkerError} otherwise) and closes the pool. Always `close()` the pool: live workers keep
 * Node running.
 *
 * @example
 * const pool = await workerChains({
 *   workers: 2, blocks: 2, backend: 'wasm',
 *   model: { module: '@ebm/core/models', export: 'mlpEnergy', options: { inputShape: [2], hidden: [256, 256], key: prngKey(0) } },
 *   sampler: { module: import.meta.resolve('@ebm/mcmc-langevin'), export: 'langevin', options: { stepSize: 0.01 } },
 * });
 * try {
 *   const { samples, finalPosition } = await pool.sampleChain({ init, key: prngKey(1), numSteps: 100, model });
 * } finally {
 *   await pool.close();
 * }
 */
export async function workerChains(options: WorkerChainsOptions): Promise<WorkerChains> {
  assertNode('workerChains from @ebm/workers/node', 'run the chains in the main thread with sampleChain from @ebm/core');
  const workers = options.workers ?? 2;
  const blocks = options.blocks ?? 2;
  assertInteger('workers', workers, 1);
  assertInteger('blocks', blocks, 1);
  const backend = options.backend ?? 'wasm';
  const model = await specOf(options.model, 'model');
  const sampler = await specOf(options.sampler, 'sampler');
  const { Worker } = await import('node:worker_threads');
  const entry = new URL('../../dist/chain-worker.js', import.meta.url);
  const { existsSync } = await import('node:fs');
  if (!existsSync(entry)) {
    throw new WorkerError(`the worker entry ${entry.href} is missing: build @ebm/workers first (pnpm build).`, -1);
  }

  let closed = false;
  let nextId = 0;
  /** The latest variable values sent, their version (-1: none yet) and the tensor data they came from. */
  let weights: TensorData[] | undefined;
  let weightsVersion = -1;
  let weightDataIds: readonly object[] = [];
  const pool: PoolWorker[] = [];

  /** Rejects every pending call with `error` and terminates the workers. */
  const fail = (error: Error): void => {
    if (closed) return;
    closed = true;
    for (const worker of pool) {
      for (const { reject } of worker.pending.values()) reject(error);
      worker.pending.clear();
      void worker.thread.terminate();
    }
  };

  const start = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const setup: WorkerSetup = { index, backend, model, sampler };
      const thread = new Worker(entry, { workerData: setup });
      const worker: PoolWorker = { index, thread, weightsVersion: -1, pending: new Map() };
      pool.push(worker);
      thread.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') resolve();
        else if (reply.type === 'error' && reply.id === undefined) reject(errorFromWorker(reply.error, index));
        else if (reply.type === 'error') fail(errorFromWorker(reply.error, index));
        else {
          worker.pending.get(reply.id)?.resolve(reply.blocks);
          worker.pending.delete(reply.id);
        }
      });
      thread.on('error', (error) => {
        const converted = new WorkerError(`${error.name}: ${error.message} (raised in chain worker ${index})`, index, error.stack);
        reject(converted);
        fail(converted);
      });
      thread.on('exit', (code) => {
        const exited = new WorkerError(`chain worker ${index} exited (code ${code}) while the pool was open.`, index);
        reject(exited);
        fail(exited);
      });
    });

  try {
    await Promise.all(Array.from({ length: workers }, (_, index) => start(index)));
  } catch (error) {
    fail(error as Error);
    await Promise.all(pool.map((w) => w.thread.terminate()));
    throw error;
  }

  /**
   * Reads the model's variables when they changed since the last call, and bumps the version.
   * A change is detected by tensor data identity: `Variable.assign` (what optimizers call)
   * replaces a variable's data.
   */
  const syncWeights = async (current: EnergyModel | undefined): Promise<void> => {
    if (current === undefined) return;
    const dataIds = current.variables.map((v) => (v as unknown as { dataId: object }).dataId);
    if (dataIds.length === weightDataIds.length && dataIds.every((id, i) => id === weightDataIds[i])) return;
    const values = await Promise.all(current.variables.map((v) => v.data()));
    weights = values.map((v, i) => tensorData(v as TensorData['values'], current.variables[i]!));
    weightDataIds = dataIds;
    weightsVersion += 1;
  };

  const assertOpen = (): void => {
    if (closed) throw new WorkerError('the pool is closed (close() was called, or a worker failed): start a new one with workerChains.', -1);
  };

  const run = async (
    mode: RunRequest['mode'],
    current: EnergyModel | undefined,
    init: tf.Tensor,
    params: Pick<RunRequest, 'key' | 'numSteps' | 'burnIn' | 'thin' | 'collect'>,
  ): Promise<{ readonly blocks: readonly ChainBlock[]; readonly results: readonly BlockResult[] }> => {
    assertOpen();
    assertBatch(mode === 'chains' ? 'start' : 'init', init, 1);
    const split = chainBlocks(init.shape[0]!, blocks);
    await syncWeights(current);
    const values = (await init.data()) as TensorData['values'];
    // The pool may have failed or closed while this call read from the device.
    assertOpen();
    const eventSize = init.size / init.shape[0]!;
    const id = nextId++;
    const calls = pool.map((worker) => {
      const mine = split.filter((block) => block.index % workers === worker.index);
      if (mine.length === 0) return Promise.resolve<readonly BlockResult[]>([]);
      // Each worker that lacks this version gets its own copy (moved to it, not shared).
      const copies =
        weights !== undefined && worker.weightsVersion !== weightsVersion
          ? weights.map((t) => ({ ...t, values: t.values.slice() as TensorData['values'] }))
          : undefined;
      const request: RunRequest = {
        type: 'run',
        id,
        mode,
        ...params,
        blocks: mine.map((block) => ({
          index: block.index,
          start: {
            values: values.slice(block.begin * eventSize, (block.begin + block.size) * eventSize) as TensorData['values'],
            shape: [block.size, ...init.shape.slice(1)],
            dtype: init.dtype,
          },
        })),
        ...(copies ? { weights: copies } : {}),
      };
      worker.weightsVersion = weightsVersion;
      return new Promise<readonly BlockResult[]>((resolve, reject) => {
        worker.pending.set(id, { resolve, reject });
        worker.thread.postMessage(request, transferList([...request.blocks.map((b) => b.start), ...(copies ?? [])]));
      });
    });
    const results = (await Promise.all(calls)).flat().sort((a, b) => a.index - b.index);
    return { blocks: split, results };
  };

  const runChains = async (current: EnergyModel, init: tf.Tensor, { key, numSteps }: ChainRunnerOptions): Promise<ChainRunnerResult> => {
    assertInteger('numSteps', numSteps, 0);
    const { blocks: split, results } = await run('chains', current, init, { key, numSteps, burnIn: 0, thin: 1, collect: false });
    const meanInfo = weightedMeans(results.map((r, i) => ({ size: split[i]!.size, means: r.meanInfo })));
    return {
      position: joinRows(results.map((r) => r.position), init),
      meanInfo: Object.fromEntries(Object.entries(meanInfo).map(([field, value]) => [field, tf.scalar(value)])),
    };
  };

  const sampleChain = async (sampleOptions: WorkerSampleChainOptions): Promise<WorkerSampleChainResult> => {
    const { init, key, numSteps = 1000, burnIn = 0, thin = 1, collect = true } = sampleOptions;
    assertInteger('numSteps', numSteps, 0);
    assertInteger('burnIn', burnIn, 0);
    assertInteger('thin', thin, 1);
    const { blocks: split, results } = await run('sample', sampleOptions.model, init, { key, numSteps, burnIn, thin, collect });
    const meanInfo = weightedMeans(results.map((r, i) => ({ size: split[i]!.size, means: r.meanInfo })));
    const finalPosition = joinRows(results.map((r) => r.position), init);
    const samples = collect ? joinChains(results.map((r) => r.samples!), init) : undefined;
    const diagnostics = samples !== undefined && samples.shape[0]! >= MIN_DRAWS_FOR_DIAGNOSTICS ? traceDiagnostics(samples) : undefined;
    return { samples, finalPosition, meanInfo, acceptanceRate: meanInfo.acceptanceRate, diagnostics };
  };

  const close = async (): Promise<void> => {
    const closing = new WorkerError('the pool was closed while this call ran.', -1);
    const threads = pool.map((w) => w.thread);
    for (const w of pool) w.thread.removeAllListeners('exit');
    fail(closing);
    await Promise.all(threads.map((t) => t.terminate()));
  };

  return { name: `workerChains(${workers} workers, ${blocks} blocks, ${backend})`, workers, blocks, runChains, sampleChain, close };
}

/** The blocks' rows joined along axis 0, as one tensor of the start's shape and dtype. */
function joinRows(parts: readonly TensorData[], like: tf.Tensor): tf.Tensor {
  const values = new (parts[0]!.values.constructor as Float32ArrayConstructor)(like.size);
  let offset = 0;
  for (const part of parts) {
    values.set(part.values as Float32Array, offset);
    offset += part.values.length;
  }
  return tf.tensor(values, like.shape, parts[0]!.dtype);
}

/** The blocks' kept samples `[numKept, size_b, ...event]` joined along axis 1 (chains): `[numKept, N, ...event]`. */
function joinChains(parts: readonly TensorData[], init: tf.Tensor): tf.Tensor {
  const numKept = parts[0]!.shape[0]!;
  const eventSize = init.size / init.shape[0]!;
  const values = new (parts[0]!.values.constructor as Float32ArrayConstructor)(numKept * init.size);
  let offset = 0;
  for (let t = 0; t < numKept; t++) {
    for (const part of parts) {
      const rows = part.shape[1]! * eventSize;
      values.set((part.values as Float32Array).subarray(t * rows, (t + 1) * rows), offset);
      offset += rows;
    }
  }
  return tf.tensor(values, [numKept, ...init.shape], parts[0]!.dtype);
}
