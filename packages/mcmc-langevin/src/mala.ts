/**
 * Metropolis-adjusted Langevin algorithm (MALA; Roberts & Tweedie 1996): the Langevin proposal
 * plus a Metropolis-Hastings correction, so the chain leaves `exp(-E)` exactly invariant.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type ChainState,
  type EnergyFn,
  type Key,
  type StepInfo,
  type TunableSampler,
  assertCachedShape,
  energyAndGradient,
  metropolisAccept,
  selectChains,
  split,
  initialEnergy,
} from '@ebm/core';
import { langevinProposal } from './proposal.js';
import { type StepSize, stepSizeAt, toSchedule } from './schedule.js';
import { assertStepState } from './validate-state.js';

/** Options of {@link mala}. */
export interface MalaOptions {
  /** Step size `h` (> 0), or a schedule `t => h_t`. The proposal noise is always `sqrt(2 h_t)`. */
  readonly stepSize: StepSize;
}

/** MALA chain state: positions with their cached energies and gradients, and the step counter. */
export interface MalaState extends ChainState {
  readonly position: tf.Tensor;
  /** `E(position)`, shape `[N]`. */
  readonly energy: tf.Tensor1D;
  /** `dE/dx` at `position`, the shape of `position`. */
  readonly gradient: tf.Tensor;
  /** Steps taken so far; step `t` uses `h_t`. */
  readonly step: number;
}

/** What one MALA step reports. */
export interface MalaInfo extends StepInfo {
  /** Mean over chains of the acceptance probability `min(1, exp(log alpha_i))`. */
  readonly acceptanceRate: number;
  /** Per chain, 1 where the proposal was accepted, 0 where the chain stayed. */
  readonly isAccepted: Uint8Array;
  readonly stepSize: number;
}

/** A MALA sampler; `stepSize` is the constant step size, or the schedule's `h_0`. */
export type MalaSampler = TunableSampler<MalaState, MalaInfo>;

/**
 * `log q(to | from)` of the Langevin proposal up to a constant shared by both directions:
 * `-||to - from + h * dE/dx(from)||^2 / (4 h)`, one value per chain.
 */
function logProposalDensity(to: tf.Tensor, from: tf.Tensor, gradientAtFrom: tf.Tensor, stepSize: number): tf.Tensor1D {
  const residual = tf.add(tf.sub(to, from), tf.mul(stepSize, gradientAtFrom));
  const squaredNorm = tf.sum(tf.reshape(tf.square(residual), [to.shape[0]!, -1]), 1);
  return tf.div(squaredNorm, -4 * stepSize) as tf.Tensor1D;
}

/**
 * Metropolis-adjusted Langevin. From `x` with cached `E(x)` and `g(x) = dE/dx`, propose
 *
 *   x' = x - h g(x) + sqrt(2 h) xi,   xi ~ N(0, I),
 *
 * (the `langevin` proposal) and accept with probability `min(1, alpha)`,
 *
 *   log alpha = E(x) - E(x') + log q(x | x') - log q(x' | x),
 *   log q(b | a) = -||b - a + h g(a)||^2 / (4 h).
 *
 * The state caches the energy and gradient, so each step costs exactly one energy-and-gradient
 * evaluation (at the proposal). Works on any batch shape (axis 0 = chains); chains accept
 * independently. A proposal with a NaN energy or gradient is rejected. An acceptance rate near
 * 0.574 is optimal in high dimension (Roberts & Rosenthal 1998); tune `h` with dual averaging via
 * `withStepSize`.
 *
 * `init` evaluates energy and gradient and throws a `NonFiniteError` when either is NaN or infinite.
 *
 * @example
 * const { samples, acceptanceRate } = sampleChain(mala({ stepSize: 0.2 }), {
 *   energy, init: tf.zeros([64, 2]), key: prngKey(0), numSteps: 1000, burnIn: 200,
 * });
 */
export function mala(options: MalaOptions): MalaSampler {
  const schedule = toSchedule(options.stepSize);

  return {
    name: 'mala',
    stepSize: stepSizeAt(schedule, 0),
    withStepSize: (h: number) => mala({ ...options, stepSize: h }),
    init(position: tf.Tensor, energy: EnergyFn): MalaState {
      const { energy: e, gradient } = initialEnergy(energy, position, 'mala', { gradient: true });
      return { position: tf.clone(position), energy: e, gradient, step: 0 };
    },
    step(key: Key, state: MalaState, energy: EnergyFn): readonly [MalaState, MalaInfo] {
      assertStepState(state, 'mala');
      const n = state.position.shape[0]!;
      assertCachedShape('state.energy', state.energy, [n], 'mala');
      assertCachedShape('state.gradient', state.gradient, state.position.shape, 'mala');
      const h = stepSizeAt(schedule, state.step);
      const [proposalKey, acceptKey] = split(key) as [Key, Key];
      const next = tf.tidy(() => {
        const { position: x, energy: e, gradient: g } = state;
        const proposal = langevinProposal(proposalKey, x, g, { stepSize: h, noiseScale: Math.sqrt(2 * h) });
        const { energy: eProposal, gradient: gProposal } = energyAndGradient(energy, proposal);
        const logRatio = tf.add(
          tf.sub(e, eProposal),
          tf.sub(logProposalDensity(x, proposal, gProposal, h), logProposalDensity(proposal, x, g, h)),
        ) as tf.Tensor1D;
        const { accepted, probability } = metropolisAccept(acceptKey, logRatio);
        return {
          position: selectChains(accepted, proposal, x),
          energy: selectChains(accepted, eProposal, e),
          gradient: selectChains(accepted, gProposal, g),
          // One device-to-host transfer for both per-chain statistics.
          stats: tf.stack([probability, tf.cast(accepted, 'float32')]),
        };
      });
      const stats = next.stats.dataSync();
      next.stats.dispose();
      let probabilitySum = 0;
      const isAccepted = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        probabilitySum += stats[i]!;
        isAccepted[i] = stats[n + i]!;
      }
      return [
        { position: next.position, energy: next.energy, gradient: next.gradient, step: state.step + 1 },
        { acceptanceRate: probabilitySum / n, isAccepted, stepSize: h },
      ];
    },
  };
}
