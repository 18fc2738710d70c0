/**
 * `@ebm/core`: the contract shared by every @ebm package (energies, samplers, objectives), PRNG
 * keys, backend selection, energy models, `sampleChain`, `fit` and checkpoints.
 */
export type {
  ChainState,
  EnergyAndGradient,
  EnergyFn,
  EnergyModel,
  Metrics,
  Objective,
  ObjectiveStep,
  Sampler,
  StepInfo,
  TunableSampler,
} from './types.js';
export {
  BackendError,
  CheckpointError,
  EbmError,
  InvalidArgumentError,
  NonFiniteError,
  ShapeError,
} from './errors.js';
export {
  type Key,
  foldIn,
  isKey,
  keyData,
  keyFromData,
  prngKey,
  randomUint32,
  seedOf,
  split,
  threefry2x32,
} from './key.js';
export { bernoulli, normal, permutation, uniform } from './random.js';
export {
  BACKEND_ENV_VAR,
  BACKEND_NAMES,
  BACKEND_PACKAGES,
  type BackendName,
  DEFAULT_BACKEND,
  useBackend,
} from './backend.js';
export {
  assertBatch,
  assertEnergyShape,
  assertEventShape,
  assertFinite,
  assertInRange,
  assertInteger,
  assertNonNegative,
  assertOneOf,
  assertPositive,
} from './validate.js';
export { collectTensors, disposeState } from './state.js';
export { energyAndGradient } from './energy-gradient.js';
export { effectiveSampleSize, type ScalarTrace, splitRhat } from './diagnostics.js';
export {
  type ChainDiagnostics,
  type SampleChainOptions,
  type SampleChainResult,
  sampleChain,
  traceDiagnostics,
} from './sample-chain.js';
export { type GaussianEnergy, type GaussianEnergyOptions, cholesky, gaussianEnergy, inverseSPD } from './models/gaussian.js';
export { dense } from './models/dense.js';
export { ACTIVATIONS, type Activation } from './models/activations.js';
export { type MlpEnergy, type MlpEnergyOptions, mlpEnergy } from './models/mlp.js';
export { layersEnergy } from './models/layers-energy.js';
export { type MetropolisDecision, metropolisAccept, selectChains } from './metropolis.js';
export { sigmoid as smoothSigmoid, softplus as smoothSoftplus, tanh as smoothTanh } from './models/smooth-ops.js';
export {
  type DualAveragingInfo,
  type DualAveragingOptions,
  type DualAveragingState,
  HMC_TARGET_ACCEPTANCE,
  MALA_TARGET_ACCEPTANCE,
  RWM_TARGET_ACCEPTANCE,
  dualAveraging,
} from './dual-averaging.js';
export { uniqueName } from './models/names.js';
export { disposeReplaced } from './state.js';
export { type Minibatches, minibatches } from './minibatch.js';
export { type FitCheckpointOptions, type FitOptions, type FitProgress, type FitResult, fit } from './fit.js';
export type { CheckpointFiles, CheckpointStore } from './checkpoint/store.js';
export { LATEST_FILE, fileCheckpointStore, stepDirName } from './checkpoint/file-store.js';
export { type IndexedDbCheckpointStoreOptions, indexedDbCheckpointStore } from './checkpoint/indexeddb-store.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointTensorEntry,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  MANIFEST_FILE,
  type SaveCheckpointOptions,
  TENSORS_FILE,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint/checkpoint.js';
export { crc32 } from './checkpoint/crc32.js';
export { type JsonValue } from './checkpoint/state-codec.js';
export { variableGradients } from './variable-gradients.js';
export { assertCachedShape } from './validate-state.js';
export { randomIndices } from './random-indices.js';
export { initialEnergy } from './initial-energy.js';
