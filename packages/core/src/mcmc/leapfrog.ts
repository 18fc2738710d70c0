/**
 * The leapfrog (velocity Verlet) integrator of Hamiltonian dynamics, shared by HMC and NUTS (after
 * BlackJAX's `integrators.velocity_verlet`), for `H(x, p) = E(x) + 1/2 p^T Sigma p`.
 */
import * as tf from '@tensorflow/tfjs';
import { energyAndGradient } from '../energy-gradient.js';
import type { EnergyFn } from '../types.js';
import { assertInteger } from '../validate.js';
import { type Metric, velocity } from './metric.js';

/** A point in phase space for a batch of chains, with the energy and gradient at its position. */
export interface PhasePoint {
  readonly position: tf.Tensor;
  /** Momentum `p`, the shape of `position`. */
  readonly momentum: tf.Tensor;
  /** `E(position)`, shape `[N]`. */
  readonly energy: tf.Tensor1D;
  /** `dE/dx` at `position`. */
  readonly gradient: tf.Tensor;
}

/** Options of {@link leapfrog}. */
export interface LeapfrogOptions {
  /**
   * Step size `eps`: a number, or a tensor broadcastable to the position (e.g. `[N, 1]` per chain,
   * for jitter or for NUTS's forward and backward directions). Negative integrates backwards.
   */
  readonly stepSize: number | tf.Tensor;
  /** Leapfrog steps `L` >= 1. */
  readonly numSteps: number;
  /** The metric `Sigma = M^-1` (`createMetric`): the velocity is `Sigma p`. */
  readonly metric: Metric;
}

/**
 * `L` leapfrog steps from `start`:
 *
 *   p <- p - eps/2 dE/dx(x);   x <- x + eps Sigma p;   p <- p - eps/2 dE/dx(x),
 *
 * with the half kicks between consecutive steps fused into full kicks, so `L` steps cost `L`
 * energy-and-gradient evaluations (the start's gradient is reused). The integrator is
 * time-reversible and volume-preserving, so `H` changes by O(eps^2) along the trajectory. Each
 * step's tensors are freed as the next is computed (memory O(1) in `L`); `start` is not disposed,
 * and the result is fresh tensors the caller owns.
 *
 * @example
 * const end = leapfrog(energy, { position, momentum, energy: e, gradient: g }, { stepSize: 0.1, numSteps: 10, metric });
 */
export function leapfrog(energy: EnergyFn, start: PhasePoint, options: LeapfrogOptions): PhasePoint {
  const { stepSize, numSteps, metric } = options;
  assertInteger('numSteps', numSteps, 1);
  const scaled = (factor: number, t: tf.Tensor): tf.Tensor => tf.mul(typeof stepSize === 'number' ? factor * stepSize : tf.mul(factor, stepSize), t);
  let point: PhasePoint = tf.tidy(() => ({ ...start, momentum: tf.sub(start.momentum, scaled(0.5, start.gradient)) }));
  for (let l = 1; l <= numSteps; l++) {
    const previous = point;
    point = tf.tidy(() => {
      const position = tf.add(previous.position, scaled(1, velocity(metric, previous.momentum)));
      const { energy: e, gradient } = energyAndGradient(energy, position);
      const momentum = tf.sub(previous.momentum, scaled(l < numSteps ? 1 : 0.5, gradient));
      return { position, momentum, energy: e, gradient };
    });
    // Free the previous step's tensors now (memory O(1) in L); the start's belong to the caller.
    const owned = new Set<tf.Tensor>([start.position, start.momentum, start.energy, start.gradient]);
    tf.dispose(Object.values(previous).filter((t: tf.Tensor) => !owned.has(t)));
  }
  return point;
}
