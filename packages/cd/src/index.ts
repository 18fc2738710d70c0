/**
 * `@ebm/cd`: contrastive divergence for energy-based models: CD-k from the data, persistent CD and
 * replay-buffer CD, with any `Sampler` from the `@ebm` plugins.
 */
export {
  CHAIN_INITS,
  type ChainInit,
  type ContrastiveDivergenceOptions,
  type ContrastiveDivergenceState,
  type PreparedNegatives,
  PERSISTENT_STARTS,
  type PersistentStart,
  contrastiveDivergence,
} from './contrastive-divergence.js';
export {
  type ReplayBufferState,
  type ReplayDraw,
  createReplayBuffer,
  drawFromReplayBuffer,
  pushToReplayBuffer,
  replayBufferFill,
} from './replay-buffer.js';
