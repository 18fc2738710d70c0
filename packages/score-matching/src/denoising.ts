import * as tf from '@tensorflow/tfjs';
import {
  type EnergyModel,
  type Key,
  type Objective,
  type ObjectiveStep,
  InvalidArgumentError,
  ShapeError,
  assertPositive,
  normal,
  split,
  randomIndices,
} from '@ebm/core';
import { type ScoreMatchingState, batchDim, flatInputGradient, scoreMatchingStep } from './score.js';
import { withNoiseLevel } from './noise-conditional.js';

/** Options of {@link denoisingScoreMatching}: exactly one of `sigma` and `sigmas`. */
export interface DenoisingScoreMatchingOptions {
  /** One noise level sigma > 0: the energy is a function of `x` alone. */
  readonly sigma?: number;
  /**
   * Several noise levels (Song & Ermon 2019): each sample draws one uniformly, and the energy is
   * noise-conditional: it receives `[x, log sigma]`, the batch with one extra feature column
   * (see {@link noiseConditional}). Pass exactly one of `sigma` and `sigmas`.
   */
  readonly sigmas?: readonly number[];
}

/**
 * Denoising score matching (Vincent 2011, "A connection between score matching and denoising
 * autoencoders", Neural Computation 23). Perturb each sample, `x~ = x + sigma eps` with
 * `eps ~ N(0, I)`, and regress the model score `s(x~) = -grad E(x~)` onto the score of the
 * perturbation kernel, `grad log q(x~ | x) = (x - x~) / sigma^2 = -eps / sigma`:
 *
 *   one sigma:   J = 1/N sum_i 1/2 || -grad E(x~_i) + eps_i / sigma ||^2
 *   sigmas:      J = 1/N sum_i 1/2 sigma_i^2 || -grad E([x~_i, log sigma_i]) + eps_i / sigma_i ||^2
 *                  = 1/N sum_i 1/2 || eps_i - sigma_i grad E([x~_i, log sigma_i]) ||^2
 *
 * The single-sigma loss is Vincent's, unweighted. With several levels, Song & Ermon (2019,
 * "Generative modeling by estimating gradients of the data distribution", NeurIPS) weight level
 * sigma by `lambda(sigma) = sigma^2`, which makes every level's term of order 1; the weights do
 * not move any level's optimum, only how levels share the model's capacity.
 *
 * The minimiser is the score of the noisy data density `p_data * N(0, sigma^2 I)`, not of
 * `p_data`: for Gaussian data with covariance `C` and a Gaussian energy the optimum has precision
 * `(C + sigma^2 I)^-1`. Cost: one input-gradient pass, differentiated once for the parameters.
 *
 * Noise-conditional energies (`sigmas`): the model's energy takes `[N, D + 1]` inputs, the noisy
 * batch with `log sigma_i` appended as the last column (rank-2 batches only); an `mlpEnergy` with
 * `inputShape: [D + 1]` is one. Sample from it at a fixed level with
 * `noiseConditional(model.energy, sigma)`, an ordinary energy over `[N, D]`.
 *
 * @example
 * const objective = denoisingScoreMatching({ sigma: 0.1 });
 * const { loss, grads } = objective.gradients(model, batch, null, key);
 *
 * const conditional = mlpEnergy({ inputShape: [3], hidden: [64, 64] }); // 2-D data + log sigma
 * const annealed = denoisingScoreMatching({ sigmas: [1, 0.5, 0.25, 0.1] });
 */
export function denoisingScoreMatching(options: DenoisingScoreMatchingOptions): Objective<ScoreMatchingState> {
  const { sigma, sigmas } = options ?? {};
  if ((sigma === undefined) === (sigmas === undefined)) {
    throw new InvalidArgumentError('sigma', 'pass exactly one of sigma (one noise level) and sigmas (a list of levels).');
  }
  if (sigmas !== undefined) {
    if (!Array.isArray(sigmas) || sigmas.length === 0) {
      throw new InvalidArgumentError('sigmas', 'must be a non-empty array of noise levels > 0, e.g. [1, 0.5, 0.1].');
    }
    sigmas.forEach((s, i) => assertPositive(`sigmas[${i}]`, s));
  } else {
    assertPositive('sigma', sigma!);
  }
  const levels = sigmas ?? [sigma!];
  const conditional = sigmas !== undefined;

  return {
    name: conditional ? 'denoising-score-matching-multi' : 'denoising-score-matching',
    init: () => null,
    gradients(model: EnergyModel, batch: tf.Tensor, _state: ScoreMatchingState, key: Key): ObjectiveStep<ScoreMatchingState> {
      const dim = batchDim(batch);
      const n = batch.shape[0]!;
      if (conditional && batch.rank !== 2) {
        throw new ShapeError('batch', `must be [N, D] with sigmas (log sigma is appended as a column), got [${batch.shape.join(', ')}].`);
      }
      const [noiseKey, levelKey] = split(key);
      // Level of each sample, uniform over the list.
      const level = conditional ? randomIndices(levelKey!, n, levels.length) : undefined;
      const perSample = Float32Array.from({ length: n }, (_, i) => levels[level ? level[i]! : 0]!);
      return scoreMatchingStep(model, () => {
        const eps = tf.reshape(normal(noiseKey!, batch.shape), [n, dim]);
        const s = tf.tensor2d(perSample, [n, 1]);
        const noisy = tf.add(batch, tf.reshape(tf.mul(s, eps), batch.shape));
        if (!conditional) {
          const g = flatInputGradient(model.energy, noisy);
          return tf.mul(0.5, tf.mean(tf.sum(tf.square(tf.sub(tf.div(eps, s), g)), 1))) as tf.Scalar;
        }
        const g = tf.slice(flatInputGradient(model.energy, withNoiseLevel(noisy, tf.log(s))), [0, 0], [n, dim]);
        return tf.mul(0.5, tf.mean(tf.sum(tf.square(tf.sub(eps, tf.mul(s, g))), 1))) as tf.Scalar;
      });
    },
  };
}
