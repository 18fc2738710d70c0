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
  randomIndices,
  split,
  startCheckEnabled,
  uniform,
} from '@ebm/core';

/** Options of {@link bitFlip}. */
export interface BitFlipOptions {
  /**
   * The largest number `k` of distinct coordinates flipped per chain per step (default 1),
   * `1 <= k <= D`: each step flips `j ~ U{1, ..., k}` of them.
   */
  readonly flips?: number;
}

/** Throws unless `position` is a batch and `flips` fits in its per-chain size (host only). */
function checkFlips(position: tf.Tensor, flips: number): void {
  assertBatch('position', position, 1);
  const size = position.size / position.shape[0]!;
  if (flips > size) {
    throw new InvalidArgumentError('flips', `must be <= the number of coordinates per chain (${size}), got ${flips}.`);
  }
}

/** Throws unless every entry of `position` is 0 or 1 (one device read, at init). */
function checkBinary(position: tf.Tensor): void {
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
 * discrete EBM): each step draws, per chain, a count `j ~ U{1, ..., k}` (`k = flips`) and flips
 * `j` distinct coordinates of the chain, chosen uniformly at random,
 *
 *   x'_i = 1 - x_i for i in S,   S a uniform j-subset of {1..D},
 *
 * and accepts with probability `min(1, exp(E(x) - E(x')))` (core's generic `metropolisHastings`
 * kernel). For each `j` the proposal is symmetric (`q(x' | x) = q(x | x') = 1 / C(D, j)`), and the
 * count is drawn independently of the state, so the mixture is symmetric too and no correction
 * term is needed. Drawing the count matters: always flipping an even number of coordinates would
 * never change the parity of `sum(x)`, and the chain would not reach half of the states. Per-chain
 * axes after 0 are flattened to D coordinates, so `[N, H, W]` binary images work too. `init`
 * checks that the positions are binary (one device read); steps read nothing.
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
      const [countKey, subsetKey] = split(key) as [Key, Key];
      // The k largest of D iid uniforms, in decreasing order, index a uniformly random k-subset of
      // the coordinates, and their first j_i a uniformly random j_i-subset.
      const { indices } = tf.topk(uniform(subsetKey, [chains, size]), flips);
      let picked = tf.oneHot(indices, size); // [chains, k, D]
      if (flips > 1) {
        // j_i ~ U{1..k} per chain: keep the first j_i of the k picked coordinates.
        const counts = tf.tensor2d(Float32Array.from(randomIndices(countKey, chains, flips), (j) => j + 1), [chains, 1]);
        const keep = tf.less(tf.reshape(tf.range(0, flips), [1, flips]), counts);
        picked = tf.mul(picked, tf.expandDims(tf.cast(keep, 'float32'), 2));
      }
      const mask = tf.sum(picked, 1);
      // x XOR mask for x, mask in {0, 1}.
      return tf.reshape(tf.abs(tf.sub(tf.reshape(x, [chains, size]), mask)), x.shape);
    },
  });
  return {
    ...kernel,
    init(position: tf.Tensor, energy: EnergyFn, initOptions?: SamplerInitOptions) {
      checkFlips(position, flips);
      // The value check reads the device: skipped with `check: false` and on GPU backends (core's startCheckEnabled).
      if (startCheckEnabled(initOptions)) checkBinary(position);
      return kernel.init(position, energy, initOptions);
    },
  };
}
