/**
 * `@ebm/workers` (Node only): Markov chains of any `@ebm` sampler sharded over Node worker threads,
 * each with its own tfjs backend, so sampling and chain-running objectives (contrastive divergence)
 * use every core. Results depend on the number of blocks the chains are split into, not on the
 * number of workers. In a browser, `workerChains` throws core's `EnvironmentError`.
 */
export { type ChainBlock, chainBlocks } from './chain-blocks.js';
export {
  type ModuleExport,
  type WorkerChains,
  type WorkerChainsOptions,
  type WorkerSampleChainOptions,
  type WorkerSampleChainResult,
  workerChains,
} from './worker-chains.js';
export { WorkerError } from './worker-error.js';
