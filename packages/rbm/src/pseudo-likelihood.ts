import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type Key, randomIndices } from '@ebm/core';
import { type RBM, assertUnitInterval } from './rbm.js';
import { softplus } from './softplus.js';

/**
 * The stochastic pseudo-likelihood of scikit-learn's `BernoulliRBM.score_samples` (1.2.1), one
 * value per sample: flip one uniformly chosen unit `i` of each sample (`v~_i = 1 - v_i`), then
 *
 *   PL(v) = D * log sigmoid(F(v~) - F(v)) = -D * softplus(F(v) - F(v~)),
 *
 * a one-unit Monte Carlo estimate of `sum_i log p(v_i | v_-i)` for binary `v` (D = visible units).
 * Its mean over a data set is the figure scikit-learn reports. `v` is `[N, visible]` in [0, 1].
 * Returns a `[N]` tensor the caller owns.
 *
 * @example
 * const pl = pseudoLikelihood(rbm, images, prngKey(0));
 * console.log(tf.mean(pl).dataSync()[0]); // about -21 on digits after sklearn's 7 epochs
 */
export function pseudoLikelihood(rbm: RBM, v: tf.Tensor, key: Key): tf.Tensor1D {
  if (rbm.type !== 'bernoulli') {
    throw new InvalidArgumentError('rbm', 'must be a Bernoulli RBM: the pseudo-likelihood flips binary units.');
  }
  const energy = rbm.energy(v); // validates the shape
  const [n, d] = v.shape as [number, number];
  try {
    assertUnitInterval('v', v);
    const flipped = randomIndices(key, n, d); // one uniformly chosen unit per sample
    return tf.tidy(() => {
      const mask = tf.oneHot(tf.tensor1d(flipped, 'int32'), d);
      const corrupted = tf.add(v, tf.mul(mask, tf.sub(1, tf.mul(v, 2))));
      return tf.mul(softplus(tf.sub(energy, rbm.energy(corrupted))), -d) as tf.Tensor1D;
    });
  } finally {
    energy.dispose();
  }
}
