/**
 * Metropolis-adjusted Langevin algorithm (MALA; Roberts & Tweedie 1996): the Langevin proposal
 * plus a Metropolis-Hastings correction, so the chain leaves `exp(-E)` exactly invariant.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type AdaptableSampler,
  type InverseMass,
  type Metric,
  type MetricChainState,
  type MetropolisInfo,
  type ScalarOrSchedule,
  adaptableSampler,
  energyAndGradient,
  massQuadraticForm,
  metropolisHastingsStep,
  scheduleAt,
  toSchedule,
  velocity,
} from '@ebm/core';
import { langevinProposal } from './proposal.js';

/**
 * Target acceptance for MALA: 0.574, the asymptotically optimal acceptance rate of the
 * Metropolis-adjusted Langevin algorithm (Roberts & Rosenthal 1998, "Optimal scaling of discrete
 * approximations to Langevin diffusions", J. R. Stat. Soc. B 60).
 */
export const MALA_TARGET_ACCEPTANCE = 0.574;

/** Options of {@link mala}. */
export interface MalaOptions {
  /** Step size `h` (> 0), or a schedule `t => h_t`. The proposal noise is always `sqrt(2 h_t)`. */
  readonly stepSize: ScalarOrSchedule;
  /**
   * A preconditioner `Sigma` (the inverse mass): a diagonal of one variance per coordinate, or a
   * dense D x D SPD matrix; default the identity. Set it to (an estimate of) the target's
   * covariance; `windowAdaptation` estimates it.
   */
  readonly inverseMass?: InverseMass;
}

/** MALA chain state: positions with their cached energies and gradients, the preconditioner, and the step counter. */
export interface MalaState extends MetricChainState {
  /** `dE/dx` at `position`, the shape of `position`. */
  readonly gradient: tf.Tensor;
  /** Steps taken so far; step `t` uses `h_t`. */
  readonly step: number;
}

/** What one MALA step reports: the Metropolis-Hastings acceptance (on the device) and the step size used. */
export interface MalaInfo extends MetropolisInfo {
  readonly stepSize: number;
}

/** A MALA sampler; `stepSize` is the constant step size, or the schedule's `h_0`. */
export type MalaSampler = AdaptableSampler<MalaState, MalaInfo>;

/**
 * `log q(to | from)` of the preconditioned Langevin proposal up to a constant shared by both
 * directions: `-r^T Sigma^-1 r / (4 h)` with `r = to - from + h Sigma dE/dx(from)`, one value per chain.
 */
function logProposalDensity(metric: Metric, to: tf.Tensor, from: tf.Tensor, velocityAtFrom: tf.Tensor, stepSize: number): tf.Tensor1D {
  const residual = tf.add(tf.sub(to, from), tf.mul(stepSize, velocityAtFrom));
  return tf.div(massQuadraticForm(metric, residual), -4 * stepSize) as tf.Tensor1D;
}

/**
 * Metropolis-adjusted Langevin, optionally preconditioned by `Sigma` (the inverse mass). From `x`
 * with cached `E(x)` and `g(x) = dE/dx`, propose
 *
 *   x' = x - h Sigma g(x) + sqrt(2 h) xi,   xi ~ N(0, Sigma),
 *
 * (the `langevin` proposal) and accept with probability `min(1, alpha)` (core's
 * `metropolisHastingsStep`),
 *
 *   log alpha = E(x) - E(x') + log q(x | x') - log q(x' | x),
 *   log q(b | a) = -(b - a + h Sigma g(a))^T Sigma^-1 (b - a + h Sigma g(a)) / (4 h).
 *
 * The state caches the energy and gradient, so each step costs exactly one energy-and-gradient
 * evaluation (at the proposal). Works on any batch shape (axis 0 = chains); chains accept
 * independently. A proposal with a NaN energy or gradient is rejected. The info holds the mean and
 * per-chain acceptance on the device; a step reads nothing. An acceptance rate near 0.574 is
 * optimal in high dimension (Roberts & Rosenthal 1998); tune `h` with `dualAveraging`, which
 * targets it by default.
 *
 * `init` evaluates energy and gradient and throws a `NonFiniteError` when either is NaN or infinite.
 *
 * @example
 * const { samples, acceptanceRate } = sampleChain(mala({ stepSize: 0.2 }), {
 *   energy, init: tf.zeros([64, 2]), key: prngKey(0), numSteps: 1000, burnIn: 200,
 * });
 */
export function mala(options: MalaOptions): MalaSampler {
  const schedule = toSchedule(options.stepSize, 'stepSize');
  return adaptableSampler<MalaState, MalaInfo>({
    name: 'mala',
    stepSize: scheduleAt(schedule, 0, 'stepSize'),
    inverseMass: options.inverseMass,
    targetAcceptance: MALA_TARGET_ACCEPTANCE,
    gradient: true,
    extraFields: { initial: { step: 0 }, checks: { step: true } },
    rebuild: (changes) => mala({ ...options, ...changes }),
    transition(key, state, energy) {
      const h = scheduleAt(schedule, state.step, 'stepSize');
      const { position: x, gradient: g, metric } = state;
      const [next, info] = metropolisHastingsStep(key, { position: x, energy: state.energy, gradient: g }, (proposalKey) => {
        const proposal = langevinProposal(proposalKey, x, g, { stepSize: h, noiseScale: Math.sqrt(2 * h), metric });
        const { energy: eProposal, gradient: gProposal } = energyAndGradient(energy, proposal);
        const forward = logProposalDensity(metric, proposal, x, velocity(metric, g), h);
        const backward = logProposalDensity(metric, x, proposal, velocity(metric, gProposal), h);
        return { proposed: { position: proposal, energy: eProposal, gradient: gProposal }, logCorrection: tf.sub(backward, forward) as tf.Tensor1D };
      });
      return [{ ...next, step: state.step + 1 }, { ...info, stepSize: h }] as const;
    },
  });
}
