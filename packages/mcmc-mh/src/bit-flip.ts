import * as tf from '@tensorflow/tfjs';
import {
  type EnergyFn,
  InvalidArgumentError,
  type Key,
  type MetropolisHastingsState,
  type MetropolisInfo,
  type Sampler,
  type SamplerInitOptions,
  assertBatch,
  assertInteger,
  metropolisHastings,
  uniform,
} from '@ebm/core';

/** Options of {@link bitFlip}. */
export interface BitFlipOptions {
  /** Number `k` of distinct coordinates flipped per chain per step (default 1), `1 <= k <= D`. */
  readonly flips?: number;
}

/** Throws unless every entry of `position` is 0 or 1 and `flips` fits in the per-chain size (one device read, at init). */
function checkBinary(position: tf.Tensor, flips: number): void {
  assertBatch('position', position, 1);
  const size = position.size / position.shape[0]!;
  if (flips > size) {
    throw new InvalidArgumentError('flips', `must be <= the number of coordinates per chain (${size}), got ${flips}.`);
  }
  const binary = tf.tidy(() => tf.all(tf.logicalOr(tf.equal(position, 0), tf.equal(position, 1))).dataSync()[0]);
  if (!binary) {
    throw new InvalidArgumentError(
      'position',
      'must hold only 0s and 1s for bitFlip (binary states). Map {-1, 1} spins with (s + 1) / 2, or threshold with tf.cast(tf.greater(x, 0.5), "float32").',
    );
  }
}

/**
 * Metropolis-Hastings for binary states `x in {0, 1}^D` (RBM visible units, Ising models, any
 * discrete EBM): each step flips `k` distinct coordinates of every chain, chosen uniformly at
 * random,
 *
 *   x'_j = 1 - x_j for j in S,   S a uniform k-subset of {1..D},
 *
 * and accepts with probability `min(1, exp(E(x) - E(x')))` (core's generic `metropolisHastings`
 * kernel). The proposal is symmetric (`q(x' | x) = q(x | x') = 1 / C(D, k)`), so no correction
 * term is needed. Per-chain axes after 0 are flattened to D coordinates, so `[N, H, W]` binary
 * images work too. `init` checks that the positions are binary (one device read); steps read nothing.
 *
 * @example
 * const sampler = bitFlip({ flips: 1 });
 * const init = bernoulli(prngKey(1), tf.fill([32, 8], 0.5));
 * const { samples } = sampleChain(sampler, { energy: isingEnergy, init, key: prngKey(0), numSteps: 5000 });
 */
export function bitFlip(options: BitFlipOptions = {}): Sampler<MetropolisHastingsState, MetropolisInfo> {
  const flips = options.flips ?? 1;
  assertInteger('flips', flips, 1);
  const kernel = metropolisHastings({
    name: 'bitFlip',
    propose: (key: Key, x: tf.Tensor) => {
      const chains = x.shape[0]!;
      const size = x.size / chains;
      // The k largest of D iid uniforms index a uniformly random k-subset of the coordinates.
      const { indices } = tf.topk(uniform(key, [chains, size]), flips);
      const mask = tf.sum(tf.oneHot(indices, size), 1);
      // x XOR mask for x, mask in {0, 1}.
      return tf.reshape(tf.abs(tf.sub(tf.reshape(x, [chains, size]), mask)), x.shape);
    },
  });
  return {
    ...kernel,
    init(position: tf.Tensor, energy: EnergyFn, initOptions?: SamplerInitOptions) {
      if (initOptions?.check !== false) checkBinary(position, flips);
      return kernel.init(position, energy, initOptions);
    },
  };
}
