import * as tf from '@tensorflow/tfjs';
import {
  type ChainState,
  type EnergyFn,
  InvalidArgumentError,
  type Key,
  ShapeError,
  type StepInfo,
  type TunableSampler,
  assertBatch,
  assertCachedShape,
  assertInteger,
  assertPositive,
  energyAndGradient,
  metropolisAccept,
  normal,
  selectChains,
  split,
  initialEnergy,
} from '@ebm/core';

/** Options of {@link hmc}. */
export interface HmcOptions {
  /** Leapfrog step size `eps` > 0. Tune it with `dualAveraging(..., { targetAcceptance: HMC_TARGET_ACCEPTANCE })`. */
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

/** The state of a batch of HMC chains: position with its cached energy and gradient. */
export interface HmcState extends ChainState {
  readonly position: tf.Tensor;
  /** `E(position)`, shape `[N]`. */
  readonly energy: tf.Tensor1D;
  /** `dE/dx` at `position`, so a transition costs `numLeapfrogSteps` gradient evaluations. */
  readonly gradient: tf.Tensor;
}

/** What one HMC transition reports. */
export interface HmcInfo extends StepInfo {
  /** Mean over chains of `min(1, exp(H(x, p) - H(x', p')))`. */
  readonly acceptanceRate: number;
}

/** HMC as a tunable sampler: `stepSize` is the leapfrog step size. */
export type Hmc = TunableSampler<HmcState, HmcInfo>;

/** `1/2 p^T M^-1 p` per chain, shape `[N]`. */
function kineticEnergy(momentum: tf.Tensor, inverseMass: tf.Tensor): tf.Tensor1D {
  const perChain = tf.reshape(tf.mul(tf.square(momentum), inverseMass), [momentum.shape[0]!, -1]);
  return tf.mul(0.5, tf.sum(perChain, 1)) as tf.Tensor1D;
}

/**
 * Hamiltonian Monte Carlo (Duane et al. 1987; Neal 2011, "MCMC using Hamiltonian dynamics") with
 * a diagonal mass matrix `M`. Each transition draws a momentum `p ~ N(0, M)`, integrates
 * Hamilton's equations for `H(x, p) = E(x) + 1/2 p^T M^-1 p` with `L` leapfrog steps
 *
 *   p <- p - eps/2 grad E(x);   x <- x + eps M^-1 p;   p <- p - eps/2 grad E(x),
 *
 * and accepts the end point with probability `min(1, exp(H(x, p) - H(x', p')))` (core's
 * `metropolisAccept`; a NaN or infinite end energy is rejected). The state caches `E(x)` and
 * `grad E(x)`, so a transition costs `L` gradient evaluations. Works on any batch shape
 * (axis 0 = chains).
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

  /** `M^-1` shaped `[1, ...event]` for broadcasting, or the scalar 1. */
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
    return tf.reshape(tf.tensor1d([...inverseMassDiagonal]), [1, ...event]);
  };

  return {
    name: 'hmc',
    stepSize,
    withStepSize: (newStepSize: number) => hmc({ ...options, stepSize: newStepSize }),
    init(position: tf.Tensor, energy: EnergyFn): HmcState {
      assertBatch('position', position, 1);
      tf.dispose(inverseMassFor(position));
      const { energy: e, gradient } = initialEnergy(energy, position, 'hmc', { gradient: true });
      return { position: tf.clone(position), energy: e, gradient };
    },
    step(key: Key, state: HmcState, energy: EnergyFn): readonly [HmcState, HmcInfo] {
      assertBatch('state.position', state?.position, 1);
      assertCachedShape('state.energy', state.energy, [state.position.shape[0]!], 'hmc');
      assertCachedShape('state.gradient', state.gradient, state.position.shape, 'hmc');
      const [momentumKey, acceptKey] = split(key) as [Key, Key];
      const next = tf.tidy(() => {
        const inverseMass = inverseMassFor(state.position);
        // p ~ N(0, M): p = xi / sqrt(M^-1).
        const p0 = tf.div(normal(momentumKey, state.position.shape), tf.sqrt(inverseMass));
        let x = state.position;
        let p = tf.sub(p0, tf.mul(stepSize / 2, state.gradient));
        let e = state.energy;
        let g = state.gradient;
        for (let l = 1; l <= numLeapfrogSteps; l++) {
          // One leapfrog step in its own tidy, so only (x, p, E, grad) survive it.
          const out = tf.tidy(() => {
            const xNew = tf.add(x, tf.mul(stepSize, tf.mul(inverseMass, p)));
            const eg = energyAndGradient(energy, xNew);
            const kick = l < numLeapfrogSteps ? stepSize : stepSize / 2;
            return { x: xNew, p: tf.sub(p, tf.mul(kick, eg.gradient)), e: eg.energy, g: eg.gradient };
          });
          // Free the previous step's (x, p, E, grad) now rather than at the end of the transition,
          // so memory stays O(1) in L, not O(L); the state's own tensors are the caller's.
          const owned = new Set<tf.Tensor>([state.position, state.energy, state.gradient]);
          tf.dispose([x, p, e, g].filter((t) => !owned.has(t)));
          ({ x, p, e, g } = out);
        }
        // log alpha = H(x, p0) - H(x', p').
        const logRatio = tf.sub(
          tf.add(state.energy, kineticEnergy(p0, inverseMass)),
          tf.add(e, kineticEnergy(p, inverseMass)),
        ) as tf.Tensor1D;
        const { accepted, probability } = metropolisAccept(acceptKey, logRatio);
        return {
          position: selectChains(accepted, x, state.position),
          energy: selectChains(accepted, e, state.energy),
          gradient: selectChains(accepted, g, state.gradient),
          rate: tf.mean(probability),
        };
      });
      const acceptanceRate = next.rate.dataSync()[0]!;
      next.rate.dispose();
      return [{ position: next.position, energy: next.energy, gradient: next.gradient }, { acceptanceRate }];
    },
  };
}
