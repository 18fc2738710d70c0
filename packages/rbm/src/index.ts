/**
 * `@ebm/rbm`: restricted Boltzmann machines as `@ebm` energy models (free energy), block Gibbs
 * sampling, exact and AIS partition functions, likelihoods.
 */
export { type RBM, type RBMOptions, type RBMType, WEIGHT_INIT_STD } from './rbm.js';
export { bernoulliRBM } from './bernoulli-rbm.js';
export { type GaussianBernoulliRBMOptions, gaussianBernoulliRBM } from './gaussian-bernoulli-rbm.js';
export { DEFAULT_BIAS_CLIP, visibleBiasFromData } from './visible-bias.js';
export { type BlockGibbsOptions, blockGibbs } from './block-gibbs.js';
export { type ExactLogPartitionOptions, MAX_ENUMERATED_UNITS, exactLogPartition } from './exact-log-partition.js';
export { type AisOptions, type AisResult, DEFAULT_AIS_RUNS, ais, aisSchedule } from './ais.js';
export { logLikelihood } from './log-likelihood.js';
export { pseudoLikelihood } from './pseudo-likelihood.js';
