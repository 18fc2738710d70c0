/**
 * `@ebm/conditional`: conditional energy-based models `p(y | x) = exp(-E(x, y) - A_x)`: the
 * conditional contract on top of `@ebm/core` (pairs packed into one batch, energies over y given x
 * for any core sampler), the objectives that train them (conditional NCE, denoising score matching
 * in y, contrastive divergence with chains in y, exact maximum likelihood for normalised models),
 * inference by energy minimisation, exact evaluation by quadrature over y, the Gaussian regression
 * baseline, and JEM: a classifier read as an energy model of inputs and classes.
 */
export type { ConditionalDistribution, ConditionalEnergyFn, ConditionalEnergyModel } from './types.js';
export { assertConditionalModel, assertPairs, packPairs, repeatRows, unpackPairs } from './pairs.js';
export { type ConditionalEnergyModelOptions, conditionalEnergyModel } from './conditional-model.js';
export { type ConditionalMlpEnergyOptions, conditionalMlpEnergy } from './conditional-mlp.js';
export { type GivenOptions, energyGivenInput, energyGivenTarget } from './given.js';
export { type ConditionalNormalOptions, assertConditionalDistribution, conditionalNormal, independentOfInput } from './distributions.js';
export { type ConditionalNceOptions, conditionalNce } from './conditional-nce.js';
export { type ConditionalDenoisingScoreMatchingOptions, conditionalDenoisingScoreMatching } from './conditional-dsm.js';
export {
  CONDITIONAL_CHAIN_STARTS,
  type ConditionalChainStart,
  type ConditionalContrastiveDivergenceOptions,
  conditionalContrastiveDivergence,
} from './conditional-cd.js';
export { exactNegativeLogLikelihood, maximumLikelihood } from './maximum-likelihood.js';
export { type MinimisationStage, type PredictOptions, type Prediction, predictByEnergyMinimisation } from './predict.js';
export {
  type ConditionalLogPartitionResult,
  type ConditionalNllResult,
  type ConditionalQuadratureOptions,
  conditionalLogPartition,
  conditionalNll,
} from './conditional-nll.js';
export { type ConditionalDensityGrid, type ConditionalDensityGridOptions, conditionalDensityGrid } from './conditional-density-grid.js';
export { type GaussianRegressionModel, type GaussianRegressionOptions, gaussianRegression } from './gaussian-regression.js';
export { type ClassifierEnergyOptions, type ClassifierModel, type MlpClassifierOptions, assertClassifier, classifierEnergy, mlpClassifier } from './classifier.js';
export { type JemOptions, type JemState, jem } from './jem.js';
