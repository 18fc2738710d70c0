/**
 * `@ebm/core/testing`: helpers for testing samplers, objectives and plugins.
 * Needs `vitest` (for `describeBackends`).
 */
export { type BackendName } from '../backend.js';
export { TEST_BACKENDS, describeBackends } from './describe-backends.js';
export { type LeakCheckOptions, expectNoLeaks, expectNoLeaksAsync, expectObjectiveNoLeaks, expectSamplerNoLeaks } from './leaks.js';
export {
  DEFAULT_Z,
  type StatisticalOptions,
  type Trace,
  expectCovariance,
  expectMeans,
  expectProbability,
  expectWithinStandardErrors,
  monteCarloEstimate,
  toTrace,
} from './statistics.js';
export {
  type ObjectiveContractOptions,
  type SamplerContractOptions,
  expectObjectiveContract,
  expectSamplerContract,
} from './contract.js';
export { expectAllClose, expectSameObjectiveStep } from './all-close.js';
export { type GaussianRecoveryOptions, expectGaussianRecovery } from './gaussian-recovery.js';
export { type TunedChainOptions, sampleTunedChain } from './adaptation.js';
export { CORRELATED_GAUSSIAN_2D, type GaussianMixture1d, countingEnergy, gaussianMixture1d, illConditionedGaussian, normalCdf } from './targets.js';
