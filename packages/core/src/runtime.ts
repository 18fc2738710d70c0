/**
 * Where the code runs: Node (file system, packages loaded by name) or a browser / worker (only
 * what the application bundled), and whether the active tfjs backend computes on a GPU.
 */
import * as tf from '@tensorflow/tfjs';
import { EnvironmentError } from './errors.js';

/** True in Node (and runtimes that emulate it: Bun, Deno, Electron with Node integration). */
export function isNode(): boolean {
  const processLike = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof processLike?.versions?.node === 'string';
}

/**
 * Throws an {@link EnvironmentError} unless the code runs in Node, naming the function that needs
 * Node and what to use in a browser instead.
 *
 * @example
 * assertNode('fileCheckpointStore', "use indexedDbCheckpointStore from '@ebm/core/train'");
 */
export function assertNode(feature: string, browserAlternative: string): void {
  if (!isNode()) {
    throw new EnvironmentError(`${feature} needs Node (it reads or writes files) and cannot run in a browser or worker: ${browserAlternative}.`);
  }
}

/** The tfjs backends that compute on a GPU, where a synchronous read stalls the queue (webgl) or is unreliable (webgpu). */
const GPU_BACKENDS: readonly string[] = ['webgl', 'webgpu'];

/**
 * True when the active tfjs backend runs on a GPU (webgl, webgpu). There, validation reads
 * asynchronously or not at all: `dataSync` blocks the page until the GPU queue drains on webgl,
 * and on webgpu it goes through a canvas and can return wrong values.
 */
export function onGpuBackend(): boolean {
  return GPU_BACKENDS.includes(tf.getBackend());
}
