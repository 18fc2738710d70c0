/**
 * `@ebm/workers`: Markov chains of any `@ebm` sampler sharded over Node worker threads, each with
 * its own tfjs backend, so sampling and chain-running objectives (contrastive divergence) use every
 * core. Results depend on the number of blocks the chains are split into, not on the number of
 * workers. This entry is browser-safe (the block split and the error class); the pool itself,
 * `workerChains`, is Node-only and lives at `@ebm/workers/node`.
 */
export { type ChainBlock, chainBlocks } from './chain-blocks.js';
export { WorkerError } from './worker-error.js';
