/**
 * `@ebm/workers/node` (Node only): the worker pool, `workerChains`. In a browser it throws core's
 * `EnvironmentError`.
 */
export {
  type ModuleExport,
  type WorkerChains,
  type WorkerChainsOptions,
  type WorkerSampleChainOptions,
  type WorkerSampleChainResult,
  workerChains,
} from './worker-chains.js';
