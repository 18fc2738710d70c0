/**
 * `@ebm/core/node`: the parts of @ebm/core that need Node's file system: the checkpoint store
 * that writes checkpoints to a folder (atomically: temp folder, fsync, rename), and the atomic
 * file writes it is built on, for applications that keep other files next to their checkpoints.
 * Browser code uses `indexedDbCheckpointStore` from `@ebm/core/train` instead. `isNode` and
 * `assertNode` let other packages' Node-only functions fail in a browser with an
 * `EnvironmentError` that names the browser alternative. `useWasmThreads` starts tfjs's threaded
 * wasm build in Node (its kernels' matMuls split over several threads).
 */
export { assertNode, isNode } from '../runtime.js';
export { type FileCheckpointStore, LATEST_FILE, fileCheckpointStore, stepDirName } from './file-store.js';
export { TEMP_PREFIX, removeTemporaryFiles, writeFileAtomic } from './durable-file.js';
export { MAX_WASM_THREADS, useWasmThreads } from './wasm-threads.js';
