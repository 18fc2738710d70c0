/**
 * The Langevin proposal, shared by unadjusted Langevin (`langevin`) and MALA (`mala`).
 */
import * as tf from '@tensorflow/tfjs';
import { type Key, type Metric, normal, preconditionedNoise, velocity } from '@ebm/core';

/** Options of {@link langevinProposal}. */
export interface LangevinProposalOptions {
  /** Step size `h` (> 0). */
  readonly stepSize: number;
  /** Noise scale `s` (>= 0); `sqrt(2 h)` gives the Langevin diffusion. */
  readonly noiseScale: number;
  /** Clip every gradient element to `[-gradClip, gradClip]` before the step. */
  readonly gradClip?: number;
  /** Clamp every element of the result to the box `[lo, hi]`. */
  readonly clamp?: readonly [number, number];
  /**
   * A preconditioner `Sigma` (core's `createMetric`): the drift becomes `h Sigma dE/dx` and the
   * noise `s xi` with `xi ~ N(0, Sigma)`. Default: none (`Sigma = I`).
   */
  readonly metric?: Metric;
}

/**
 * One Euler-Maruyama step of the (preconditioned) Langevin diffusion:
 *
 *   x' = clamp(x - h * Sigma clip(dE/dx) + s * xi),   xi ~ N(0, Sigma) drawn from `key`,
 *
 * with `Sigma = I`, `clip` and `clamp` the identity unless `metric`, `gradClip` / `clamp` are
 * given. With `s = 0` no noise is drawn (gradient descent on the energy). Works on any batch shape:
 * `gradient` has the shape of `position`. Returns a fresh tensor the caller owns.
 *
 * @example
 * const { gradient } = energyAndGradient(energy, x);
 * const next = langevinProposal(key, x, gradient, { stepSize: 0.1, noiseScale: Math.sqrt(0.2) });
 */
export function langevinProposal(key: Key, position: tf.Tensor, gradient: tf.Tensor, options: LangevinProposalOptions): tf.Tensor {
  const { stepSize, noiseScale, gradClip, clamp, metric } = options;
  return tf.tidy(() => {
    const clipped = gradClip === undefined ? gradient : tf.clipByValue(gradient, -gradClip, gradClip);
    const drift = metric === undefined ? clipped : velocity(metric, clipped);
    const moved = tf.sub(position, tf.mul(stepSize, drift));
    const xi = metric === undefined ? normal(key, position.shape) : preconditionedNoise(key, metric, position.shape);
    const noisy = noiseScale > 0 ? tf.add(moved, tf.mul(noiseScale, xi)) : moved;
    return clamp === undefined ? noisy : tf.clipByValue(noisy, clamp[0], clamp[1]);
  });
}
