/**
 * `@ebm/core`: the contract shared by every `@ebm` package (energies, samplers, objectives,
 * distributions) and the parts samplers and objectives are built from: PRNG keys, backends,
 * validation, the Metropolis-Hastings step, the leapfrog integrator, chain runners, schedules.
 *
 * Subpaths: `@ebm/core/models` (energy models), `@ebm/core/train` (fit, optimizers,
 * checkpoints), `@ebm/core/node` (Node-only: the file checkpoint store), `@ebm/core/math`
 * (float64 linear algebra and log-sum-exp), `@ebm/core/testing` (test kit for plugins).
 */
export type {
  AdaptableSampler,
  ChainRunner,
  ChainRunnerOptions,
  ChainRunnerResult,
  ChainState,
  Distribution,
  EnergyAndGradient,
  EnergyFn,
  EnergyModel,
  Metrics,
  Objective,
  ObjectiveStep,
  ParameterVjp,
  Sampler,
  SamplerInitOptions,
  StepInfo,
  TunableSampler,
} from './types.js';
export { BackendError, CheckpointError, EbmError, EnvironmentError, InvalidArgumentError, NonFiniteError, ShapeError } from './errors.js';
export { type Key, foldIn, prngKey, randomUint32, seedOf, split } from './key.js';
export { bernoulli, normal, permutation, uniform } from './random.js';
export { randomIndices } from './random-indices.js';
export { BACKEND_NAMES, type BackendName, useBackend } from './backend.js';
export {
  assertBatch,
  assertEnergyShape,
  assertEventShape,
  assertFinite,
  assertFiniteAsync,
  assertInRange,
  assertInteger,
  assertNonNegative,
  assertOneOf,
  assertPositive,
  assertSampler,
} from './validate.js';
export { disposeReplaced, disposeState } from './state.js';
export { readScalars, readScalarsSync } from './read-scalars.js';
export { countDeviceReads } from './device-reads.js';
export { energyAndGradient } from './energy-gradient.js';
export { type LossWithAux, variableGradients } from './variable-gradients.js';
export { type NceGradients, type NceGradientsInput, type NceLossInput, type NceLossTerms, nceGradients, nceLoss } from './nce-loss.js';
export { contrastiveGradients } from './contrastive-gradients.js';
export {
  type CosineDecayOptions,
  type ExponentialDecayOptions,
  type PolynomialDecayOptions,
  type ScalarOrSchedule,
  type Schedule,
  type WarmupOptions,
  constantSchedule,
  cosineDecay,
  exponentialDecay,
  polynomialDecay,
  scheduleAt,
  toSchedule,
  warmup,
} from './schedule.js';
export { assertDistribution } from './distributions/validate-distribution.js';
export { type NormalDistribution, type NormalDistributionOptions, normalDistribution } from './distributions/normal.js';
export { type UniformDistribution, type UniformDistributionOptions, uniformDistribution } from './distributions/uniform.js';
export { type ChainStateFields, assertChainState } from './mcmc/chain-state.js';
export { initChainState, startCheckEnabled } from './mcmc/init-chain-state.js';
export { type MetropolisInfo, acceptReject, selectChains, selectState } from './mcmc/accept-reject.js';
export { type MetropolisFields, type MetropolisProposal, metropolisHastingsStep } from './mcmc/metropolis-hastings-step.js';
export {
  type LogProposalRatio,
  type MetropolisHastingsOptions,
  type MetropolisHastingsState,
  type Proposal,
  metropolisHastings,
} from './mcmc/metropolis-hastings.js';
export { type LeapfrogOptions, type PhasePoint, leapfrog } from './mcmc/leapfrog.js';
export { type AdaptableSamplerSpec, type MetricChainState, adaptableSampler } from './mcmc/adaptable-sampler.js';
export {
  type DenseMetric,
  type DiagonalMetric,
  type IdentityMetric,
  type InverseMass,
  type Metric,
  assertInverseMass,
  assertMetric,
  cloneMetric,
  createMetric,
  dotPerChain,
  initChainStateWithMetric,
  kineticEnergy,
  massQuadraticForm,
  preconditionedNoise,
  sampleMomentum,
  velocity,
} from './mcmc/metric.js';
export { type RunChainOptions, type RunChainResult, runChain } from './mcmc/run-chain.js';
export {
  type ChainDiagnostics,
  type SampleChainOptions,
  type SampleChainResult,
  sampleChain,
  sampleChainAsync,
  traceDiagnostics,
} from './mcmc/sample-chain.js';
export { type ScalarTrace, effectiveSampleSize, splitRhat } from './mcmc/diagnostics.js';
export {
  type DualAveragingInfo,
  type DualAveragingOptions,
  type DualAveragingSampler,
  type DualAveragingState,
  dualAveraging,
} from './mcmc/dual-averaging.js';
export { MASS_ADAPTATIONS, type MassAdaptation, type WindowAdaptationOptions, type WindowAdaptationResult, windowAdaptation } from './mcmc/window-adaptation.js';
