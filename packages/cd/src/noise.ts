import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type Key, assertOneOf, assertPositive, normal, uniform } from '@ebm/core';

/** Uniform noise in the box `[low, high)` in every coordinate. */
export interface UniformNoise {
  readonly type: 'uniform';
  /** Lower edge of the box (default -1). */
  readonly low?: number;
  /** Upper edge of the box (default 1). */
  readonly high?: number;
}

/** Isotropic Gaussian noise `N(mean, std^2 I)`. */
export interface GaussianNoise {
  readonly type: 'gaussian';
  /** Mean of every coordinate (default 0). */
  readonly mean?: number;
  /** Standard deviation of every coordinate (default 1). */
  readonly std?: number;
}

/** Where fresh negative chains start (replay-buffer restarts, persistent chains started from noise). */
export type NoiseOptions = UniformNoise | GaussianNoise;

/**
 * The default start for fresh chains: uniform in `[-1, 1)` per coordinate, the box that data
 * scaled to `[-1, 1]` (the usual EBM preprocessing) lives in. Du & Mordatch (2019) start their
 * replay-buffer chains from uniform noise over the data range in the same way.
 */
export const DEFAULT_NOISE: Readonly<UniformNoise> = Object.freeze({ type: 'uniform', low: -1, high: 1 });

const NOISE_TYPES = ['uniform', 'gaussian'] as const;

/** Checks a {@link NoiseOptions} record; throws an `InvalidArgumentError` naming `argument`. */
export function validateNoise(argument: string, noise: NoiseOptions): void {
  if (noise === null || typeof noise !== 'object') {
    throw new InvalidArgumentError(argument, `must be { type: 'uniform', low, high } or { type: 'gaussian', mean, std }, got ${String(noise)}.`);
  }
  assertOneOf(`${argument}.type`, noise.type, NOISE_TYPES);
  if (noise.type === 'uniform') {
    const low = noise.low ?? -1;
    const high = noise.high ?? 1;
    if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
      throw new InvalidArgumentError(`${argument}.low`, `and ${argument}.high must be finite with low < high, got [${low}, ${high}).`);
    }
  } else {
    if (!Number.isFinite(noise.mean ?? 0)) {
      throw new InvalidArgumentError(`${argument}.mean`, `must be a finite number, got ${String(noise.mean)}.`);
    }
    assertPositive(`${argument}.std`, noise.std ?? 1);
  }
}

/**
 * Draws fresh chain starts of the given shape `[N, ...event]`:
 *
 *   uniform:  x ~ U[low, high)^shape     (defaults low = -1, high = 1)
 *   gaussian: x = mean + std * xi,  xi ~ N(0, I)   (defaults mean = 0, std = 1)
 *
 * @example
 * const x0 = sampleNoise(prngKey(0), [128, 2], { type: 'gaussian', std: 2 });
 */
export function sampleNoise(key: Key, shape: readonly number[], noise: NoiseOptions = DEFAULT_NOISE): tf.Tensor {
  if (noise.type === 'uniform') return uniform(key, shape, noise.low ?? -1, noise.high ?? 1);
  return tf.tidy(() => tf.add(tf.mul(normal(key, shape), noise.std ?? 1), noise.mean ?? 0));
}
