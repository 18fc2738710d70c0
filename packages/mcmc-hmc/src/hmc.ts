import * as tf from '@tensorflow/tfjs';
import {
  type AdaptableSampler,
  type InverseMass,
  InvalidArgumentError,
  type Key,
  type MetricChainState,
  type MetropolisInfo,
  adaptableSampler,
  assertInteger,
  assertPositive,
  kineticEnergy,
  leapfrog,
  metropolisHastingsStep,
  sampleMomentum,
  split,
  uniform,
} from '@ebm/core';

/**
 * Target acceptance for HMC: 0.65, close to the asymptotically optimal 0.651 of Beskos, Pillai,
 * Roberts, Sanz-Serna & Stuart (2013, "Optimal tuning of the hybrid Monte Carlo algorithm",
 * Bernoulli 19) and the value Hoffman & Gelman (2014) use for dual averaging in HMC.
 */
export const HMC_TARGET_ACCEPTANCE = 0.65;

/** Options of {@link hmc}. */
export interface HmcOptions {
  /** Leapfrog step size `eps` > 0. Tune it with `dualAveraging(hmc(...))` or `windowAdaptation`. */
  readonly stepSize: number;
  /** Leapfrog steps `L` >= 1 per transition (trajectory length `L * eps`). */
  readonly numLeapfrogSteps: number;
  /**
   * The inverse mass matrix `Sigma = M^-1`: a diagonal (one variance per coordinate of a chain,
   * D = product of the per-chain shape) or a dense D x D SPD matrix; default the identity. Set it to
   * (an estimate of) the target's covariance to precondition; `windowAdaptation` estimates it.
   */
  readonly inverseMass?: InverseMass;
  /**
   * Step-size jitter `j` in [0, 1): each transition and chain draws its step size uniformly from
   * `[eps (1 - j), eps (1 + j)]` (default 0). Breaks the periodicity of a fixed trajectory length.
   */
  readonly jitter?: number;
}

/** The state of a batch of HMC chains: position with its cached energy and gradient, and the metric. */
export interface HmcState extends MetricChainState {
  /** `dE/dx` at `position`, so a transition costs `numLeapfrogSteps` gradient evaluations. */
  readonly gradient: tf.Tensor;
}

/** What one HMC transition reports: the Metropolis-Hastings acceptance of the trajectory's end, on the device. */
export type HmcInfo = MetropolisInfo;

/** HMC as an adaptable sampler: `stepSize` is the leapfrog step size, `inverseMass` the metric. */
export type Hmc = AdaptableSampler<HmcState, HmcInfo>;

/**
 * Hamiltonian Monte Carlo (Duane et al. 1987; Neal 2011, "MCMC using Hamiltonian dynamics") with
 * a diagonal or dense mass matrix `M = Sigma^-1`. Each transition draws a momentum `p ~ N(0, M)`,
 * integrates Hamilton's equations for `H(x, p) = E(x) + 1/2 p^T Sigma p` with `L` leapfrog steps
 *
 *   p <- p - eps/2 grad E(x);   x <- x + eps Sigma p;   p <- p - eps/2 grad E(x),
 *
 * (core's `leapfrog`) and accepts the end point with probability `min(1, exp(H(x, p) - H(x', p')))`
 * (core's `metropolisHastingsStep`; a NaN or infinite end energy is rejected). The state caches
 * `E(x)`, `grad E(x)` and the metric, so a transition costs `L` gradient evaluations and uploads
 * nothing; it reads nothing from the device. Works on any batch shape (axis 0 = chains). Tune the
 * step size with `dualAveraging`, which targets `HMC_TARGET_ACCEPTANCE` (0.65) by default, or the
 * step size and the mass together with `windowAdaptation`.
 *
 * @example
 * const sampler = hmc({ stepSize: 0.2, numLeapfrogSteps: 8, jitter: 0.2 });
 * const { samples, acceptanceRate } = sampleChain(sampler, { energy, init: tf.zeros([32, 2]), key: prngKey(0), numSteps: 1000 });
 */
export function hmc(options: HmcOptions): Hmc {
  const { stepSize, numLeapfrogSteps, inverseMass, jitter = 0 } = options;
  assertPositive('stepSize', stepSize, 'It is the leapfrog step size; try 0.1 and tune it with dualAveraging.');
  assertInteger('numLeapfrogSteps', numLeapfrogSteps, 1);
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter < 1)) {
    throw new InvalidArgumentError('jitter', `must be a number in [0, 1), the relative spread of the step size, got ${String(jitter)}.`);
  }
  if ('inverseMassDiagonal' in options) {
    throw new InvalidArgumentError('inverseMassDiagonal', 'was renamed inverseMass: pass the same array of variances as inverseMass (a D x D matrix there is a dense mass).');
  }
  return adaptableSampler<HmcState, HmcInfo>({
    name: 'hmc',
    stepSize,
    inverseMass,
    targetAcceptance: HMC_TARGET_ACCEPTANCE,
    gradient: true,
    rebuild: (changes) => hmc({ ...options, ...changes }),
    transition(key, state, energy) {
      const { position, energy: e, gradient, metric } = state;
      const [momentumKey, jitterKey] = split(key) as [Key, Key];
      return metropolisHastingsStep(momentumKey, { position, energy: e, gradient }, (proposalKey) => {
        const momentum = sampleMomentum(proposalKey, metric, position.shape);
        // eps (1 + j u), u ~ U[-1, 1) per chain, shaped [N, 1, ...] to broadcast over the event.
        const eps =
          jitter === 0
            ? stepSize
            : tf.mul(stepSize, tf.add(1, tf.mul(jitter, uniform(jitterKey, [position.shape[0]!, ...position.shape.slice(1).map(() => 1)], -1, 1))));
        const end = leapfrog(energy, { position, momentum, energy: e, gradient }, { stepSize: eps, numSteps: numLeapfrogSteps, metric });
        return {
          proposed: { position: end.position, energy: end.energy, gradient: end.gradient },
          // log alpha = H(x, p) - H(x', p') = E(x) - E(x') + K(p) - K(p').
          logCorrection: tf.sub(kineticEnergy(metric, momentum), kineticEnergy(metric, end.momentum)) as tf.Tensor1D,
        };
      });
    },
  });
}
