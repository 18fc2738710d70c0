import * as tf from '@tensorflow/tfjs';
import {
  type ChainState,
  type EnergyFn,
  InvalidArgumentError,
  type Key,
  type MetropolisInfo,
  ShapeError,
  type TunableSampler,
  assertBatch,
  assertChainState,
  assertInteger,
  assertPositive,
  initChainState,
  kineticEnergy,
  leapfrog,
  metropolisHastingsStep,
  normal,
} from '@ebm/core';

/**
 * Target acceptance for HMC: 0.65, close to the asymptotically optimal 0.651 of Beskos, Pillai,
 * Roberts, Sanz-Serna & Stuart (2013, "Optimal tuning of the hybrid Monte Carlo algorithm",
 * Bernoulli 19) and the value Hoffman & Gelman (2014) use for dual averaging in HMC.
 */
export const HMC_TARGET_ACCEPTANCE = 0.65;

/** Options of {@link hmc}. */
export interface HmcOptions {
  /** Leapfrog step size `eps` > 0. Tune it with `dualAveraging(hmc(...))`. */
  readonly stepSize: number;
  /** Leapfrog steps `L` >= 1 per transition (trajectory length `L * eps`). */
  readonly numLeapfrogSteps: number;
  /**
   * Diagonal of the inverse mass matrix `M^-1`, one positive entry per coordinate of a chain
   * (length D = product of the per-chain shape), default all ones. Set it to the target's
   * marginal variances to precondition.
   */
  readonly inverseMassDiagonal?: readonly number[];
}

/** The state of a batch of HMC chains: position with its cached energy and gradient, and the mass. */
export interface HmcState extends ChainState {
  readonly position: tf.Tensor;
  /** `E(position)`, shape `[N]`. */
  readonly energy: tf.Tensor1D;
  /** `dE/dx` at `position`, so a transition costs `numLeapfrogSteps` gradient evaluations. */
  readonly gradient: tf.Tensor;
  /** The diagonal of `M^-1`, shaped `[1, ...event]` (or the scalar 1), uploaded once at `init`. */
  readonly inverseMass: tf.Tensor;
}

/** What one HMC transition reports: the Metropolis-Hastings acceptance of the trajectory's end, on the device. */
export type HmcInfo = MetropolisInfo;

/** HMC as a tunable sampler: `stepSize` is the leapfrog step size. */
export type Hmc = TunableSampler<HmcState, HmcInfo>;

/**
 * Hamiltonian Monte Carlo (Duane et al. 1987; Neal 2011, "MCMC using Hamiltonian dynamics") with
 * a diagonal mass matrix `M`. Each transition draws a momentum `p ~ N(0, M)`, integrates
 * Hamilton's equations for `H(x, p) = E(x) + 1/2 p^T M^-1 p` with `L` leapfrog steps
 *
 *   p <- p - eps/2 grad E(x);   x <- x + eps M^-1 p;   p <- p - eps/2 grad E(x),
 *
 * (core's `leapfrog`) and accepts the end point with probability `min(1, exp(H(x, p) - H(x', p')))`
 * (core's `metropolisHastingsStep`; a NaN or infinite end energy is rejected). The state caches
 * `E(x)`, `grad E(x)` and `M^-1`, so a transition costs `L` gradient evaluations and uploads
 * nothing; it reads nothing from the device. Works on any batch shape (axis 0 = chains). Tune the
 * step size with `dualAveraging`, which targets `HMC_TARGET_ACCEPTANCE` (0.65) by default.
 *
 * @example
 * const sampler = hmc({ stepSize: 0.2, numLeapfrogSteps: 8 });
 * const { samples, acceptanceRate } = sampleChain(sampler, { energy, init: tf.zeros([32, 2]), key: prngKey(0), numSteps: 1000 });
 */
export function hmc(options: HmcOptions): Hmc {
  const { stepSize, numLeapfrogSteps, inverseMassDiagonal } = options;
  assertPositive('stepSize', stepSize, 'It is the leapfrog step size; try 0.1 and tune it with dualAveraging.');
  assertInteger('numLeapfrogSteps', numLeapfrogSteps, 1);
  if (inverseMassDiagonal !== undefined) {
    if (!Array.isArray(inverseMassDiagonal) || inverseMassDiagonal.length === 0) {
      throw new InvalidArgumentError('inverseMassDiagonal', 'must be a non-empty array of numbers > 0, one per coordinate.');
    }
    inverseMassDiagonal.forEach((v, i) => assertPositive(`inverseMassDiagonal[${i}]`, v));
  }

  /** `M^-1` shaped `[1, ...event]` for broadcasting, or the scalar 1 (a fresh tensor). */
  const inverseMassFor = (position: tf.Tensor): tf.Tensor => {
    if (inverseMassDiagonal === undefined) return tf.scalar(1);
    const event = position.shape.slice(1);
    const size = event.reduce((a, b) => a * b, 1);
    if (inverseMassDiagonal.length !== size) {
      throw new ShapeError(
        'inverseMassDiagonal',
        `has length ${inverseMassDiagonal.length} but each chain has ${size} coordinates (per-chain shape [${event.join(', ')}]).`,
      );
    }
    return tf.tidy(() => tf.reshape(tf.tensor1d([...inverseMassDiagonal]), [1, ...event]));
  };

  return {
    name: 'hmc',
    stepSize,
    targetAcceptance: HMC_TARGET_ACCEPTANCE,
    withStepSize: (newStepSize: number) => hmc({ ...options, stepSize: newStepSize }),
    init(position: tf.Tensor, energy: EnergyFn): HmcState {
      assertBatch('position', position, 1);
      const inverseMass = inverseMassFor(position);
      try {
        return { ...initChainState('hmc', position, energy, { gradient: true }), inverseMass };
      } catch (error) {
        inverseMass.dispose();
        throw error;
      }
    },
    step(key: Key, state: HmcState, energy: EnergyFn): readonly [HmcState, HmcInfo] {
      assertChainState(state, 'hmc', { energy: true, gradient: true });
      const { position, energy: e, gradient, inverseMass } = state;
      if (!(inverseMass instanceof tf.Tensor) || inverseMass.isDisposed) {
        throw new ShapeError('state.inverseMass', 'is missing or disposed. Build the state with hmc(...).init(position, energy) and pass each step\'s returned state to the next.');
      }
      const [next, info] = metropolisHastingsStep(key, { position, energy: e, gradient }, (momentumKey) => {
        // p ~ N(0, M): p = xi / sqrt(M^-1).
        const momentum = tf.div(normal(momentumKey, position.shape), tf.sqrt(inverseMass));
        const end = leapfrog(energy, { position, momentum, energy: e, gradient }, { stepSize, numSteps: numLeapfrogSteps, inverseMass });
        return {
          proposed: { position: end.position, energy: end.energy, gradient: end.gradient },
          // log alpha = H(x, p) - H(x', p') = E(x) - E(x') + K(p) - K(p').
          logCorrection: tf.sub(kineticEnergy(momentum, inverseMass), kineticEnergy(end.momentum, inverseMass)) as tf.Tensor1D,
        };
      });
      // The mass carries over: a clone shares its data, so the new state owns a tensor of its own.
      return [{ ...next, inverseMass: tf.clone(inverseMass) }, info];
    },
  };
}
