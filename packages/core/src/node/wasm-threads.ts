/**
 * tfjs's threaded SIMD wasm build in Node: every wasm kernel that XNNPACK parallelises (matMul,
 * conv) splits its work over `threads` threads (emscripten pthreads on Node worker threads).
 *
 * tfjs 4.22 never picks that build in Node (its `WASM_HAS_MULTITHREAD_SUPPORT` flag is false when
 * `IS_NODE`, tfjs issue #3830), and forcing the flag is not enough: the backend hands emscripten
 * its pthread script as a `blob:` URL, which Node's `worker_threads.Worker` refuses
 * (ERR_WORKER_PATH), and the C++ side caps the thread count at `os.cpus().length / 2` (it assumes
 * two hyper-threads per core: 1 on a 2-core machine). While the backend starts, and only then,
 * {@link useWasmThreads} runs that script with `eval: true` (its `importScripts` replaced by a
 * `require` of the threaded build's factory) and reports `2 x threads` cores; afterwards it unrefs
 * the pthread workers, so they do not keep the process alive.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import workerThreads from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { BACKEND_PACKAGES, useBackend } from '../backend.js';
import { BackendError, EnvironmentError } from '../errors.js';
import { isNode } from '../runtime.js';
import { assertInRange, assertInteger } from '../validate.js';

/** The most threads tfjs's threaded wasm build starts (its pthread pool holds 8 workers). */
export const MAX_WASM_THREADS = 8;

const WASM_PACKAGE = BACKEND_PACKAGES.wasm!;
/** The registration priority the wasm package itself uses. */
const WASM_PRIORITY = 2;
/** The threaded build's emscripten factory and its pthread script, inside the wasm package. */
const THREADED_FACTORY = 'wasm-out/tfjs-backend-wasm-threaded-simd.js';
const THREADED_WORKER = 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';

/** The parts of `@tensorflow/tfjs-backend-wasm` used here. */
interface WasmPackage {
  setThreadsCount(threads: number): void;
  getThreadsCount(): number;
}

/** The emscripten module of a wasm backend: its pthread workers (threaded build only). */
interface WasmBackendModule {
  readonly wasm?: { readonly PThread?: { readonly runningWorkers: readonly Unrefable[]; readonly unusedWorkers: readonly Unrefable[] } };
}
interface Unrefable {
  unref(): void;
}

/** A `require` that resolves from this module (the CommonJS build has `__filename`, the ESM one `import.meta.url`). */
function localRequire(): NodeJS.Require {
  return createRequire(typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url);
}

/** The pthread script (with an `importScripts` that loads the factory by `require`), or a BackendError when the package's layout differs. */
function pthreadScript(): string {
  const require = localRequire();
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${WASM_PACKAGE}/package.json`));
  } catch {
    throw new BackendError(`Wasm threads need the package ${WASM_PACKAGE}, which is not installed. Install it with \`npm install ${WASM_PACKAGE}@${tf.version_core}\`.`);
  }
  const factory = path.join(dir, THREADED_FACTORY);
  let contents: unknown;
  try {
    require.resolve(factory);
    contents = (require(path.join(dir, THREADED_WORKER)) as { wasmWorkerContents?: unknown }).wasmWorkerContents;
  } catch {
    contents = undefined;
  }
  if (typeof contents !== 'string' || !contents.includes('importScripts')) {
    throw new BackendError(
      `This ${WASM_PACKAGE} has no threaded SIMD build laid out as in 4.22 (${THREADED_FACTORY}, ${THREADED_WORKER}), which wasm threads in Node rely on. ` +
        `Install ${WASM_PACKAGE}@4.22.0, or use one thread (useBackend('wasm')).`,
    );
  }
  // tfjs escapes newlines the same way before it wraps the script in a Blob.
  return `${contents.replace(/\n/g, '\\n')};global.importScripts=function(){global.WasmBackendModuleThreadedSimd=require(${JSON.stringify(factory)})};`;
}

/** Runs `start` with Node's Worker and os.cpus adjusted so that emscripten can start `threads` pthreads; restores both after. */
async function withPthreadsInNode<T>(threads: number, start: () => Promise<T>): Promise<T> {
  const script = pthreadScript();
  const [NodeWorker, cpus] = [workerThreads.Worker, os.cpus];
  class PthreadWorker extends NodeWorker {
    constructor(file: string | URL, options?: workerThreads.WorkerOptions) {
      if (typeof file === 'string' && file.startsWith('blob:')) super(script, { ...options, eval: true });
      else super(file, options);
    }
  }
  const mutable = workerThreads as { Worker: typeof NodeWorker };
  mutable.Worker = PthreadWorker;
  os.cpus = () => Array.from({ length: 2 * threads }, () => cpus()[0]!);
  try {
    return await start();
  } finally {
    mutable.Worker = NodeWorker;
    os.cpus = cpus;
  }
}

/** Registers the wasm backend anew, so that the next `setBackend('wasm')` starts a fresh module (disposing the old backend's tensors). */
function reRegisterWasm(): void {
  const factory = tf.findBackendFactory('wasm')!;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, WASM_PRIORITY);
}

/**
 * Starts tfjs's wasm backend in Node with `threads` threads (1 to {@link MAX_WASM_THREADS}) and
 * makes it the active backend: tfjs's threaded SIMD build, whose XNNPACK kernels (matMul, conv)
 * split each call over the threads, with the same results as one thread (every output element is
 * computed the same way; the tests check it bit for bit). `threads = 1` goes back to the
 * single-threaded SIMD build that `useBackend('wasm')` starts. Restarting the backend disposes
 * every tensor that lives on it, so call it before building models. Elementwise kernels stay
 * single-threaded, and the pthreads only pay on problems large enough for a matMul to dominate
 * (batch 4096 x 256 hidden units, not batch 128 x 64). It relies on the file layout of
 * `@tensorflow/tfjs-backend-wasm` 4.22 (see the module comment). Worker-thread chains are the
 * other way to use several cores.
 *
 * Throws an `EnvironmentError` outside Node (in a browser the wasm backend picks the threaded
 * build itself when the page is cross-origin isolated), an `InvalidArgumentError` for a thread
 * count that is not an integer in [1, 8], and a `BackendError` when the wasm package is missing
 * or laid out differently, or the threaded build fails to start (the single-threaded backend is
 * then restored).
 *
 * @returns the thread count the backend reports.
 * @example
 * import { useWasmThreads } from '@ebm/core/node';
 * await useWasmThreads(2);   // before building models
 * const model = mlpEnergy({ inputShape: [2], hidden: [256, 256] });
 */
export async function useWasmThreads(threads: number): Promise<number> {
  if (!isNode()) {
    throw new EnvironmentError(
      "useWasmThreads needs Node. In a browser tfjs's wasm backend starts its threaded build itself when the page is cross-origin isolated (COOP/COEP headers).",
    );
  }
  assertInteger('threads', threads, 1);
  assertInRange('threads', threads, 1, MAX_WASM_THREADS);
  await useBackend('wasm'); // imports the package by name, with useBackend's errors when it is missing
  const wasm = (await import(/* webpackIgnore: true */ /* @vite-ignore */ WASM_PACKAGE)) as WasmPackage;
  if (wasm.getThreadsCount() === threads) return threads;
  const start = async (count: number): Promise<void> => {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', count > 1);
    wasm.setThreadsCount(count);
    reRegisterWasm();
    if (!(await tf.setBackend('wasm'))) throw new Error(`tf.setBackend('wasm') returned false`);
  };
  try {
    if (threads === 1) await start(1);
    else await withPthreadsInNode(threads, () => start(threads));
  } catch (error) {
    await start(1);
    throw new BackendError(`The wasm backend failed to start with ${threads} threads: ${(error as Error).message}. The single-threaded wasm backend is active.`);
  }
  const pthreads = (tf.backend() as WasmBackendModule).wasm?.PThread;
  for (const worker of [...(pthreads?.runningWorkers ?? []), ...(pthreads?.unusedWorkers ?? [])]) worker.unref();
  return wasm.getThreadsCount();
}
