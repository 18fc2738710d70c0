import { InvalidArgumentError } from '../errors.js';
import type { Key } from '../key.js';
import { disposeState } from '../state.js';
import type { ChainState, EnergyFn, Sampler, SamplerInitOptions, StepInfo, TunableSampler } from '../types.js';
import { assertInteger } from '../validate.js';
import {
  type StepSizeAdaptationOptions,
  type StepSizeAdaptationState,
  startStepSizeAdaptation,
  stepSizeAdaptationConstants,
  updateStepSizeAdaptation,
} from './step-size-adaptation.js';

/** Options of {@link dualAveraging} (defaults from Hoffman & Gelman 2014). */
export interface DualAveragingOptions extends Partial<StepSizeAdaptationOptions> {
  /** `eps_0`, the first step size (default `sampler.stepSize`). Sets `mu = log(10 eps_0)`. */
  readonly initialStepSize?: number;
  /**
   * Steps `M` that adapt (default 1000, Stan's default warm-up length). Afterwards the step size is
   * fixed to the averaged `eps-bar_M` and the chain is an ordinary, exact MCMC chain. The sampler's
   * `warmupSteps` is `M`: `sampleChain` refuses a `burnIn` shorter than it, so adapting draws are
   * never kept.
   */
  readonly numAdaptationSteps?: number;
}

/** The inner sampler's state plus the dual-averaging statistics (plain numbers). */
export interface DualAveragingState<S extends ChainState = ChainState> extends ChainState, StepSizeAdaptationState {
  /** The inner state (its `position` is this state's `position`). */
  readonly inner: S;
  /** The step size the next step uses: `eps_m` while adapting, the tuned `eps-bar_M` afterwards. */
  readonly stepSize: number;
}

/** The inner sampler's info plus the step size used and whether the step was adapting. */
export type DualAveragingInfo<I extends StepInfo = StepInfo> = I & {
  readonly stepSize: number;
  readonly adapting: boolean;
};

/** A dual-averaging sampler: it adapts for `warmupSteps` steps, and `tuned(state)` is the plain sampler at the tuned step size. */
export interface DualAveragingSampler<S extends ChainState, I extends StepInfo> extends Sampler<DualAveragingState<S>, DualAveragingInfo<I>> {
  /** The number of adapting steps, `numAdaptationSteps`; `sampleChain` refuses a shorter `burnIn`. */
  readonly warmupSteps: number;
  /** The inner sampler at the step size `state` holds (`eps-bar`, once adaptation is over): sample with it after warm-up. */
  tuned(state: DualAveragingState<S>): TunableSampler<S, I>;
}

/**
 * Step-size adaptation by dual averaging (Nesterov 2009, as in Hoffman & Gelman 2014, "The
 * No-U-Turn Sampler", JMLR 15, section 3.2 and Algorithm 5), wrapping any {@link TunableSampler}
 * into a sampler. With `mu = log(10 eps_0)`, `H-bar_0 = 0`, `eps-bar_0 = eps_0`, after adaptation
 * step `m` with mean acceptance probability `alpha_m` (over chains):
 *
 *   H-bar_m        = (1 - 1/(m + t0)) H-bar_{m-1} + (delta - alpha_m) / (m + t0)
 *   log eps_m      = mu - sqrt(m) / gamma * H-bar_m
 *   log eps-bar_m  = m^-kappa log eps_m + (1 - m^-kappa) log eps-bar_{m-1}
 *
 * Step `m + 1` runs the inner sampler with `eps_m` while `m < numAdaptationSteps`; afterwards with
 * the fixed `eps-bar_M`, so the chain after the first `M` steps is exact for the target. All chains
 * share one step size (adapted on the mean acceptance). The inner sampler must be a
 * `TunableSampler` that reports `acceptanceRate`; anything else is refused at construction.
 * Each adaptation step reads the acceptance rate from the device (one scalar); steps after
 * adaptation read nothing. To tune a preconditioner as well, use `windowAdaptation`.
 *
 * @example
 * const adapting = dualAveraging(hmc({ stepSize: 0.1, numLeapfrogSteps: 10 }), { numAdaptationSteps: 500 });
 * const { samples, finalState } = sampleChain(adapting, { energy, init, key, burnIn: 500, numSteps: 1000 });
 * const tuned = adapting.tuned(finalState); // hmc at the tuned step size, finalState.stepSize
 */
export function dualAveraging<S extends ChainState, I extends StepInfo>(
  sampler: TunableSampler<S, I>,
  options: DualAveragingOptions = {},
): DualAveragingSampler<S, I> {
  if (sampler === null || typeof sampler !== 'object' || typeof sampler.withStepSize !== 'function' || typeof sampler.targetAcceptance !== 'number') {
    const name = (sampler as { name?: string } | null)?.name ?? String(sampler);
    throw new InvalidArgumentError(
      'sampler',
      `${name} cannot be tuned by dual averaging: it has no withStepSize and targetAcceptance (it reports no acceptance rate). ` +
        'Tune mala, hmc, nuts or randomWalkMetropolis; unadjusted Langevin accepts every step, so set its step size by hand.',
    );
  }
  const { numAdaptationSteps = 1000 } = options;
  const constants = stepSizeAdaptationConstants({ ...options, targetAcceptance: options.targetAcceptance ?? sampler.targetAcceptance });
  const initialStepSize = options.initialStepSize ?? sampler.stepSize;
  const start = startStepSizeAdaptation(initialStepSize);
  assertInteger('numAdaptationSteps', numAdaptationSteps, 0);
  /** The step size after `adaptation`: eps_m while adapting, eps-bar_M afterwards. */
  const stepSizeAfter = (adaptation: StepSizeAdaptationState): number =>
    Math.exp(adaptation.iteration < numAdaptationSteps ? adaptation.logStepSize : adaptation.logAveragedStepSize);

  return {
    name: `dualAveraging(${sampler.name})`,
    warmupSteps: numAdaptationSteps,
    tuned: (state) => sampler.withStepSize(state.stepSize),
    init(position, energy: EnergyFn, initOptions?: SamplerInitOptions): DualAveragingState<S> {
      const inner = sampler.withStepSize(initialStepSize).init(position, energy, initOptions);
      return { position: inner.position, inner, ...start, stepSize: stepSizeAfter(start) };
    },
    step(key: Key, state: DualAveragingState<S>, energy: EnergyFn): readonly [DualAveragingState<S>, DualAveragingInfo<I>] {
      const adapting = state.iteration < numAdaptationSteps;
      const { stepSize } = state;
      const [inner, info] = sampler.withStepSize(stepSize).step(key, state.inner, energy);
      const stepInfo = { ...info, stepSize, adapting } as DualAveragingInfo<I>;
      if (!adapting) return [{ ...state, position: inner.position, inner }, stepInfo];
      if (info.acceptanceRate === undefined) {
        disposeState([inner, info]);
        throw new InvalidArgumentError('sampler', `${sampler.name} reported no acceptanceRate, which dual averaging needs.`);
      }
      const { inner: _previous, position: _position, stepSize: _stepSize, ...adaptation } = state;
      const next = updateStepSizeAdaptation(adaptation, info.acceptanceRate.dataSync()[0]!, constants);
      return [{ position: inner.position, inner, ...next, stepSize: stepSizeAfter(next) }, stepInfo];
    },
  };
}
