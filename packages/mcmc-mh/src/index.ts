/**
 * `@ebm/mcmc-mh`: Metropolis-Hastings samplers for energy-based models: Gaussian random walk,
 * bit flip for binary states, and user-written proposals, all on one generic MH kernel.
 */
export {
  type LogProposalRatio,
  type MetropolisHastingsInfo,
  type MetropolisHastingsOptions,
  type MetropolisHastingsState,
  type Proposal,
  metropolisHastings,
} from './metropolis-hastings.js';
export { type RandomWalkMetropolis, type RandomWalkMetropolisOptions, randomWalkMetropolis } from './random-walk.js';
export { type BitFlipOptions, bitFlip } from './bit-flip.js';
