/**
 * `@ebm/score-matching`: score-matching objectives for `@ebm` energies. Exact (Hessian trace),
 * sliced (random projections) and denoising (one or several noise levels) score matching; none
 * samples from the model or needs the partition function.
 */
export { type ScoreMatchingState } from './score.js';
export { scoreMatching } from './exact.js';
export {
  PROJECTION_DISTRIBUTIONS,
  type ProjectionDistribution,
  type SlicedScoreMatchingOptions,
  projectionVectors,
  slicedScoreMatching,
} from './sliced.js';
export { type DenoisingScoreMatchingOptions, denoisingScoreMatching } from './denoising.js';
export { noiseConditional } from './noise-conditional.js';
