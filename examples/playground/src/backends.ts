/**
 * The optional tfjs backends, registered by importing their packages (as @ebm asks an application
 * to), and the wasm binaries, served as Vite assets. `setWasmPaths` maps each binary's file name
 * to its URL: the plain, SIMD and threaded-SIMD builds; tfjs picks the threaded one when the page
 * is cross-origin isolated (COOP/COEP headers) so SharedArrayBuffer exists. Its thread pool has
 * half the logical cores (at least 1, at most 4).
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { useBackend } from '@ebm/core';
import type { PlaygroundBackend } from './settings.js';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

/** Selects `backend`, first importing the WebGPU backend package when it is asked for (it is large). */
export async function selectBackend(backend: PlaygroundBackend): Promise<void> {
  if (backend === 'webgpu' && tf.findBackendFactory('webgpu') === null) await import('@tensorflow/tfjs-backend-webgpu');
  await useBackend(backend);
}

/** wasm threads in use once the wasm backend has started (1 when the page is not cross-origin isolated). */
export function wasmThreads(): number {
  return tf.findBackend('wasm') ? getThreadsCount() : 1;
}
