import { InvalidArgumentError } from '../errors.js';
import type { Key } from '../key.js';
import { disposeState } from '../state.js';
import type { ChainState, EnergyFn, Sampler, SamplerInitOptions, StepInfo, TunableSampler } from '../types.js';
import { assertInteger, assertPositive } from '../validate.js';

/** Options of {@link dualAveraging} (defaults from Hoffman & Gelman 2014). */
export interface DualAveragingOptions {
  /** The acceptance rate `delta` to reach, in (0, 1) (default `sampler.targetAcceptance`: MALA 0.574, HMC 0.65, random walk 0.234). */
  readonly targetAcceptance?: number;
  /** `eps_0`, the first step size (default `sampler.stepSize`). Sets `mu = log(10 eps_0)`. */
  readonly initialStepSize?: number;
  /** `gamma`, how strongly `log eps` is shrunk towards `mu` (default 0.05, Hoffman & Gelman). */
  readonly gamma?: number;
  /** `t0` > 0, damps the first iterations (default 10, Hoffman & Gelman). */
  readonly t0?: number;
  /** `kappa` in (0.5, 1], decay of the averaging weights `m^-kappa` (default 0.75, Hoffman & Gelman). */
  readonly kappa?: number;
  /**
   * Steps `M` that adapt (default 1000, Stan's default warm-up length). Afterwards the step size is
   * fixed to the averaged `eps-bar_M` and the chain is an ordinary, exact MCMC chain; discard the
   * first `M` steps (`sampleChain`'s `burnIn: M`).
   */
  readonly numAdaptationSteps?: number;
}

/** The inner sampler's state plus the dual-averaging statistics (plain numbers). */
export interface DualAveragingState<S extends ChainState = ChainState> extends ChainState {
  /** The inner state (its `position` is this state's `position`). */
  readonly inner: S;
  /** Adaptation steps done so far, `m`. */
  readonly iteration: number;
  /** `H-bar_m`, the running average of `delta - alpha`. */
  readonly hBar: number;
  /** `log eps_m`, the step size the next adaptation step uses. */
  readonly logStepSize: number;
  /** `log eps-bar_m`, the averaged step size used once adaptation ends. */
  readonly logAveragedStepSize: number;
}

/** The inner sampler's info plus the step size used and whether the step was adapting. */
export type DualAveragingInfo<I extends StepInfo = StepInfo> = I & {
  readonly stepSize: number;
  readonly adapting: boolean;
};

/** The step size a {@link dualAveraging} state will use next (`eps_m` while adapting, else `eps-bar_M`). */
function currentLogStepSize(state: DualAveragingState, numAdaptationSteps: number): number {
  return state.iteration < numAdaptationSteps ? state.logStepSize : state.logAveragedStepSize;
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
 * adaptation read nothing.
 *
 * @example
 * const tuned = dualAveraging(hmc({ stepSize: 0.1, numLeapfrogSteps: 10 }), { numAdaptationSteps: 500 });
 * const { samples, finalState } = sampleChain(tuned, { energy, init, key, burnIn: 500, numSteps: 1000 });
 * // Math.exp(finalState.logAveragedStepSize) is the tuned step size.
 */
export function dualAveraging<S extends ChainState, I extends StepInfo>(
  sampler: TunableSampler<S, I>,
  options: DualAveragingOptions = {},
): Sampler<DualAveragingState<S>, DualAveragingInfo<I>> {
  if (sampler === null || typeof sampler !== 'object' || typeof sampler.withStepSize !== 'function' || typeof sampler.targetAcceptance !== 'number') {
    const name = (sampler as { name?: string } | null)?.name ?? String(sampler);
    throw new InvalidArgumentError(
      'sampler',
      `${name} cannot be tuned by dual averaging: it has no withStepSize and targetAcceptance (it reports no acceptance rate). ` +
        'Tune mala, hmc or randomWalkMetropolis; unadjusted Langevin accepts every step, so set its step size by hand.',
    );
  }
  const { gamma = 0.05, t0 = 10, kappa = 0.75, numAdaptationSteps = 1000 } = options;
  const targetAcceptance = options.targetAcceptance ?? sampler.targetAcceptance;
  const initialStepSize = options.initialStepSize ?? sampler.stepSize;
  if (typeof targetAcceptance !== 'number' || !(targetAcceptance > 0 && targetAcceptance < 1)) {
    throw new InvalidArgumentError('targetAcceptance', `must be a number in the open interval (0, 1), got ${String(targetAcceptance)}.`);
  }
  assertPositive('initialStepSize', initialStepSize);
  assertPositive('gamma', gamma);
  assertPositive('t0', t0);
  if (typeof kappa !== 'number' || !(kappa > 0.5 && kappa <= 1)) {
    throw new InvalidArgumentError('kappa', `must be a number in (0.5, 1], got ${String(kappa)}.`);
  }
  assertInteger('numAdaptationSteps', numAdaptationSteps, 0);
  const mu = Math.log(10 * initialStepSize);

  return {
    name: `dualAveraging(${sampler.name})`,
    init(position, energy: EnergyFn, initOptions?: SamplerInitOptions): DualAveragingState<S> {
      const inner = sampler.withStepSize(initialStepSize).init(position, energy, initOptions);
      return {
        position: inner.position,
        inner,
        iteration: 0,
        hBar: 0,
        logStepSize: Math.log(initialStepSize),
        // Hoffman & Gelman start from eps-bar_0 = 1, but step m = 1 overwrites it (1^-kappa = 1);
        // eps_0 keeps numAdaptationSteps = 0 running at the initial step size instead of at 1.
        logAveragedStepSize: Math.log(initialStepSize),
      };
    },
    step(key: Key, state: DualAveragingState<S>, energy: EnergyFn): readonly [DualAveragingState<S>, DualAveragingInfo<I>] {
      const adapting = state.iteration < numAdaptationSteps;
      const stepSize = Math.exp(currentLogStepSize(state, numAdaptationSteps));
      const [inner, info] = sampler.withStepSize(stepSize).step(key, state.inner, energy);
      const stepInfo = { ...info, stepSize, adapting } as DualAveragingInfo<I>;
      if (!adapting) {
        return [{ ...state, position: inner.position, inner }, stepInfo];
      }
      if (info.acceptanceRate === undefined) {
        disposeState([inner, info]);
        throw new InvalidArgumentError('sampler', `${sampler.name} reported no acceptanceRate, which dual averaging needs.`);
      }
      const alpha = info.acceptanceRate.dataSync()[0]!;
      const m = state.iteration + 1;
      const w = 1 / (m + t0);
      const hBar = (1 - w) * state.hBar + w * (targetAcceptance - alpha);
      const logStepSize = mu - (Math.sqrt(m) / gamma) * hBar;
      const eta = m ** -kappa;
      const logAveragedStepSize = eta * logStepSize + (1 - eta) * state.logAveragedStepSize;
      return [{ position: inner.position, inner, iteration: m, hBar, logStepSize, logAveragedStepSize }, stepInfo];
    },
  };
}
