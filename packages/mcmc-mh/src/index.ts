/**
 * `@ebm/mcmc-mh`: Metropolis-Hastings samplers for energy-based models: Gaussian random walk and
 * bit flip for binary states, both on core's generic `metropolisHastings` kernel (which is where a
 * user-written proposal goes).
 */
export { RWM_TARGET_ACCEPTANCE, type RandomWalkMetropolis, type RandomWalkMetropolisOptions, type RandomWalkState, randomWalkMetropolis } from './random-walk.js';
export { type BitFlipOptions, bitFlip } from './bit-flip.js';
