/**
 * The entry of a chain worker thread (built to `dist/chain-worker.js`; the pool starts it by URL).
 * It selects its own tfjs backend, builds the energy model and the sampler from their module
 * specifiers, then runs the blocks of chains it is sent, one message at a time, and posts back
 * their positions, kept samples and mean step infos. Any error goes back to the pool as a message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type EnergyModel,
  InvalidArgumentError,
  type Sampler,
  ShapeError,
  assertSampler,
  disposeState,
  foldIn,
  readScalarsSync,
  runChain,
  sampleChain,
  useBackend,
} from '@ebm/core';
import * as tf from '@tensorflow/tfjs';
import type { BlockRequest, BlockResult, ModuleSpec, RunRequest, TensorData, WorkerReply, WorkerSetup } from '../protocol.js';
import { transferList } from '../protocol.js';
import { serializeError } from '../worker-error.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;

/** `(await import(spec.module))[spec.export](spec.options)`, with errors that name the option to fix. */
async function construct(spec: ModuleSpec, what: 'model' | 'sampler'): Promise<unknown> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(spec.module)) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidArgumentError(
      `${what}.module`,
      `cannot import '${spec.module}' in a worker thread: ${(error as Error).message}. Pass a file URL or absolute path ` +
        `(e.g. import.meta.resolve('your-package') from your module), or a package @ebm/workers itself depends on.`,
    );
  }
  const factory = loaded[spec.export];
  if (typeof factory !== 'function') {
    throw new InvalidArgumentError(`${what}.export`, `'${spec.export}' is not a function exported by '${spec.module}'. Name the factory that builds the ${what}.`);
  }
  return await (factory as (options: unknown) => unknown)(spec.options);
}

function assertModel(model: unknown): asserts model is EnergyModel {
  const candidate = model as EnergyModel | undefined;
  if (typeof candidate?.energy !== 'function' || !Array.isArray(candidate.variables)) {
    throw new InvalidArgumentError('model.export', `'${setup.model.export}' must return an EnergyModel ({ energy, variables }).`);
  }
}

function toTensorData(tensor: tf.Tensor): TensorData {
  // A copy: on cpu, dataSync returns the backend's own array, which must not be moved to another thread.
  return { values: tensor.dataSync().slice() as TensorData['values'], shape: tensor.shape, dtype: tensor.dtype };
}

/** Sets the model's variables to the pool's values, matched by position (the contract's fixed order). */
function assignWeights(model: EnergyModel, weights: readonly TensorData[]): void {
  if (weights.length !== model.variables.length) {
    throw new ShapeError('model', `has ${weights.length} variables in the calling thread but ${model.variables.length} in the worker: build both from the same factory and options.`);
  }
  model.variables.forEach((variable, i) => {
    const { values, shape, dtype } = weights[i]!;
    if (shape.join() !== variable.shape.join()) {
      throw new ShapeError(
        'model',
        `variable ${i} ('${variable.name}') has shape [${variable.shape.join(', ')}] in the worker but [${shape.join(', ')}] in the calling thread: build both from the same factory and options.`,
      );
    }
    tf.tidy(() => variable.assign(tf.tensor(values, shape, dtype)));
  });
}

/** One block: its own sampler call from its start, with key `foldIn(key, block.index)`. */
function runBlock(model: EnergyModel, sampler: Sampler, request: RunRequest, block: BlockRequest): BlockResult {
  const key = foldIn(request.key, block.index);
  const init = tf.tensor(block.start.values, block.start.shape, block.start.dtype);
  try {
    if (request.mode === 'chains') {
      const started = sampler.init(init, model.energy, { check: false });
      const { state, meanInfo } = runChain(sampler, started, { energy: model.energy, key, numSteps: request.numSteps });
      try {
        return { index: block.index, position: toTensorData(state.position), meanInfo: readScalarsSync(meanInfo) };
      } finally {
        disposeState([state, meanInfo]);
      }
    }
    const { numSteps, burnIn, thin, collect } = request;
    // The pool computes the diagnostics over every block's draws; a block's own would be thrown away.
    const result = sampleChain(sampler, { energy: model.energy, init, key, numSteps, burnIn, thin, collect, diagnostics: false });
    try {
      const samples = result.samples === undefined ? undefined : toTensorData(result.samples);
      return { index: block.index, position: toTensorData(result.finalState.position), meanInfo: result.meanInfo, ...(samples ? { samples } : {}) };
    } finally {
      disposeState([result.finalState, result.samples]);
    }
  } finally {
    init.dispose();
  }
}

async function main(): Promise<void> {
  let model: EnergyModel;
  let sampler: Sampler;
  try {
    await useBackend(setup.backend);
    const built = await construct(setup.model, 'model');
    assertModel(built);
    model = built;
    const kernel = await construct(setup.sampler, 'sampler');
    assertSampler('sampler.export', kernel);
    sampler = kernel;
  } catch (error) {
    port.postMessage({ type: 'error', error: serializeError(error) } satisfies WorkerReply);
    return;
  }
  port.on('message', (request: RunRequest) => {
    let reply: WorkerReply;
    try {
      if (request.weights !== undefined) assignWeights(model, request.weights);
      reply = { type: 'result', id: request.id, blocks: request.blocks.map((block) => runBlock(model, sampler, request, block)) };
    } catch (error) {
      port.postMessage({ type: 'error', id: request.id, error: serializeError(error) } satisfies WorkerReply);
      return;
    }
    port.postMessage(reply, transferList(reply.blocks.flatMap((b) => [b.position, b.samples])));
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}

await main();
