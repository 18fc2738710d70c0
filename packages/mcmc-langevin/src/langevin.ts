/**
 * Unadjusted Langevin algorithm (ULA): the Euler-Maruyama discretisation of the Langevin diffusion,
 * without a Metropolis correction, the sampler behind SGLD and most short-run EBM training.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type ChainState,
  type EnergyFn,
  InvalidArgumentError,
  type Key,
  type Sampler,
  type SamplerInitOptions,
  type ScalarOrSchedule,
  type StepInfo,
  assertChainState,
  assertNonNegative,
  assertPositive,
  energyAndGradient,
  initChainState,
  scheduleAt,
  toSchedule,
} from '@ebm/core';
import { langevinProposal } from './proposal.js';

/** Options of {@link langevin}. */
export interface LangevinOptions {
  /** Step size `h` (> 0), or a schedule `t => h_t` (core's `polynomialDecay`, `exponentialDecay`, ...). */
  readonly stepSize: ScalarOrSchedule;
  /**
   * Noise scale `s` (>= 0). Default `sqrt(2 h_t)`, the discretised Langevin diffusion. EBM practice
   * often decouples it, e.g. `{ stepSize: 10, noiseScale: 0.005 }` (Du & Mordatch 2019; Grathwohl
   * et al. 2020); the chain then targets a sharpened density, not `exp(-E)`.
   */
  readonly noiseScale?: number;
  /** Clip every gradient element to `[-gradClip, gradClip]` (> 0) before stepping. Default: no clipping. */
  readonly gradClip?: number;
  /** Clamp positions to the box `[lo, hi]` after every step, e.g. `[0, 1]` for images. Default: no clamp. */
  readonly clamp?: readonly [number, number];
}

/** Langevin chain state: the positions and the step counter `t` of the step-size schedule. */
export interface LangevinState extends ChainState {
  readonly position: tf.Tensor;
  /** Steps taken so far; step `t` uses `h_t`. */
  readonly step: number;
}

/** What one Langevin step used. ULA accepts every proposal, so it reports no acceptance rate. */
export interface LangevinInfo extends StepInfo {
  readonly stepSize: number;
  readonly noiseScale: number;
}

/**
 * A Langevin sampler; `stepSize` is the constant step size, or the schedule's `h_0`. It accepts
 * every step, so it reports no acceptance rate and dual averaging cannot tune it.
 */
export interface LangevinSampler extends Sampler<LangevinState, LangevinInfo> {
  readonly stepSize: number;
}

/**
 * Unadjusted Langevin dynamics,
 *
 *   x_{t+1} = clamp(x_t - h_t * clip(dE/dx(x_t)) + s_t * xi_t),   xi_t ~ N(0, I),  s_t = sqrt(2 h_t) by default,
 *
 * one energy gradient per step, on any batch shape (axis 0 = chains). Without a Metropolis
 * correction the chain is biased by O(h): on `N(0, 1)` its stationary variance is
 * `1 / (1 - h / 2)`. Use `mala` when exactness matters.
 *
 * `init` evaluates the energy once and throws a `NonFiniteError` when it is NaN or infinite. A
 * step reads nothing from the device.
 *
 * @example
 * const sampler = langevin({ stepSize: 0.01 });
 * const { samples } = sampleChain(sampler, { energy, init: tf.zeros([64, 2]), key: prngKey(0), numSteps: 500 });
 *
 * // Short-run EBM sampling of images in [0, 1]:
 * const imageSampler = langevin({ stepSize: 10, noiseScale: 0.005, gradClip: 0.03, clamp: [0, 1] });
 */
export function langevin(options: LangevinOptions): LangevinSampler {
  const { stepSize, noiseScale, gradClip, clamp } = options;
  const schedule = toSchedule(stepSize, 'stepSize');
  if (noiseScale !== undefined) assertNonNegative('noiseScale', noiseScale, 'Omit it for the default sqrt(2 * stepSize).');
  if (gradClip !== undefined) assertPositive('gradClip', gradClip, 'Omit it to disable gradient clipping.');
  if (clamp !== undefined) assertBox(clamp);

  return {
    name: 'langevin',
    stepSize: scheduleAt(schedule, 0, 'stepSize'),
    init(position: tf.Tensor, energy: EnergyFn, initOptions?: SamplerInitOptions): LangevinState {
      // The energy is checked once (shape, finiteness) but not kept: a Langevin step recomputes it with the gradient.
      const { position: copy, energy: e } = initChainState('langevin', position, energy, initOptions);
      e.dispose();
      return { position: copy, step: 0 };
    },
    step(key: Key, state: LangevinState, energy: EnergyFn): readonly [LangevinState, LangevinInfo] {
      assertChainState(state, 'langevin', { step: true });
      const h = scheduleAt(schedule, state.step, 'stepSize');
      const s = noiseScale ?? Math.sqrt(2 * h);
      const position = tf.tidy(() => {
        const { gradient } = energyAndGradient(energy, state.position);
        return langevinProposal(key, state.position, gradient, { stepSize: h, noiseScale: s, gradClip, clamp });
      });
      return [{ position, step: state.step + 1 }, { stepSize: h, noiseScale: s }];
    },
  };
}

function assertBox(clamp: readonly number[]): void {
  const ok = Array.isArray(clamp) && clamp.length === 2 && clamp.every((v) => Number.isFinite(v)) && clamp[0]! < clamp[1]!;
  if (!ok) {
    throw new InvalidArgumentError(
      'clamp',
      `must be a box [lo, hi] of two finite numbers with lo < hi, got ${JSON.stringify(clamp)}. E.g. clamp: [0, 1] for images.`,
    );
  }
}
