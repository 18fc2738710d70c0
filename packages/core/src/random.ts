/**
 * Random tensors drawn from an explicit {@link Key}. tfjs generates `randomNormal` and
 * `randomUniform` in JavaScript from the seed, so the same key gives the same numbers on every
 * backend.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from './errors.js';
import { type Key, randomUint32, seedOf } from './key.js';

/** Standard normal noise `xi ~ N(0, I)` of the given shape. */
export function normal(key: Key, shape: readonly number[]): tf.Tensor {
  return tf.randomNormal([...shape], 0, 1, 'float32', seedOf(key));
}

/** Uniform noise `u ~ U[min, max)` of the given shape. */
export function uniform(key: Key, shape: readonly number[], min = 0, max = 1): tf.Tensor {
  return tf.randomUniform([...shape], min, max, 'float32', seedOf(key));
}

/** Bernoulli draws `b = 1[u < p]` (float32 zeros and ones) with success probabilities `probs`. */
export function bernoulli(key: Key, probs: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.less(uniform(key, probs.shape), probs), 'float32'));
}

/** A uniformly random permutation of `0..n-1` (Fisher-Yates driven by the key). */
export function permutation(key: Key, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError('n', `must be a non-negative integer, got ${n}.`);
  }
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const words = randomUint32(key, n);
  for (let i = n - 1; i > 0; i--) {
    // words[i] / 2^32 is uniform in [0, 1); the modulo bias of a float multiply is below 2^-32 * n.
    const j = Math.floor((words[i]! / 2 ** 32) * (i + 1));
    const tmp = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = tmp;
  }
  return perm;
}
