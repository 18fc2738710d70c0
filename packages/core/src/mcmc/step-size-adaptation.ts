/**
 * Dual averaging of the step size (Nesterov 2009, as in Hoffman & Gelman 2014, "The No-U-Turn
 * Sampler", JMLR 15, section 3.2 and Algorithm 5), as plain numbers on the host: the arithmetic
 * `dualAveraging` and `windowAdaptation` share. Each update takes the mean acceptance probability
 * of one transition.
 */
import { InvalidArgumentError } from '../errors.js';
import { assertPositive } from '../validate.js';

/** The constants of dual averaging (defaults from Hoffman & Gelman 2014). */
export interface StepSizeAdaptationOptions {
  /** The acceptance rate `delta` to reach, in (0, 1). */
  readonly targetAcceptance: number;
  /** `gamma`, how strongly `log eps` is shrunk towards `mu` (default 0.05). */
  readonly gamma?: number;
  /** `t0` > 0, damps the first iterations (default 10). */
  readonly t0?: number;
  /** `kappa` in (0.5, 1], decay of the averaging weights `m^-kappa` (default 0.75). */
  readonly kappa?: number;
}

/** The dual-averaging statistics after `iteration` updates. */
export interface StepSizeAdaptationState {
  /** `mu = log(10 eps_0)`, the point `log eps` is shrunk towards. */
  readonly mu: number;
  /** Updates so far, `m`. */
  readonly iteration: number;
  /** `H-bar_m`, the running average of `delta - alpha`. */
  readonly hBar: number;
  /** `log eps_m`, the step size of the next adapting transition. */
  readonly logStepSize: number;
  /** `log eps-bar_m`, the averaged step size, used once adaptation ends. */
  readonly logAveragedStepSize: number;
}

/** Options with defaults filled in and checked. */
export type StepSizeAdaptationConstants = Required<StepSizeAdaptationOptions>;

/** Checks the constants (InvalidArgumentError naming each) and fills in the defaults. */
export function stepSizeAdaptationConstants(options: StepSizeAdaptationOptions): StepSizeAdaptationConstants {
  const { targetAcceptance, gamma = 0.05, t0 = 10, kappa = 0.75 } = options;
  if (typeof targetAcceptance !== 'number' || !(targetAcceptance > 0 && targetAcceptance < 1)) {
    throw new InvalidArgumentError('targetAcceptance', `must be a number in the open interval (0, 1), got ${String(targetAcceptance)}.`);
  }
  assertPositive('gamma', gamma);
  assertPositive('t0', t0);
  if (typeof kappa !== 'number' || !(kappa > 0.5 && kappa <= 1)) {
    throw new InvalidArgumentError('kappa', `must be a number in (0.5, 1], got ${String(kappa)}.`);
  }
  return { targetAcceptance, gamma, t0, kappa };
}

/**
 * The statistics before the first update, from the first step size `eps_0`: `mu = log(10 eps_0)`,
 * `H-bar_0 = 0`, `eps_0`, and `eps-bar_0 = eps_0` (Hoffman & Gelman start from 1, but update 1
 * overwrites it; `eps_0` keeps zero updates at the initial step size).
 *
 * @example
 * let adaptation = startStepSizeAdaptation(0.1);
 */
export function startStepSizeAdaptation(initialStepSize: number): StepSizeAdaptationState {
  assertPositive('initialStepSize', initialStepSize);
  const log = Math.log(initialStepSize);
  return { mu: Math.log(10 * initialStepSize), iteration: 0, hBar: 0, logStepSize: log, logAveragedStepSize: log };
}

/**
 * One update with the mean acceptance probability `alpha_m` of transition `m = iteration + 1`:
 *
 *   H-bar_m        = (1 - 1/(m + t0)) H-bar_{m-1} + (delta - alpha_m) / (m + t0)
 *   log eps_m      = mu - sqrt(m) / gamma * H-bar_m
 *   log eps-bar_m  = m^-kappa log eps_m + (1 - m^-kappa) log eps-bar_{m-1}
 *
 * @example
 * adaptation = updateStepSizeAdaptation(adaptation, acceptanceRate, constants);
 * const nextStepSize = Math.exp(adaptation.logStepSize);
 */
export function updateStepSizeAdaptation(
  state: StepSizeAdaptationState,
  acceptance: number,
  constants: StepSizeAdaptationConstants,
): StepSizeAdaptationState {
  const { targetAcceptance, gamma, t0, kappa } = constants;
  // A NaN acceptance (every chain produced a NaN ratio) counts as 0: the step was too large.
  const alpha = Number.isFinite(acceptance) ? acceptance : 0;
  const m = state.iteration + 1;
  const w = 1 / (m + t0);
  const hBar = (1 - w) * state.hBar + w * (targetAcceptance - alpha);
  const logStepSize = state.mu - (Math.sqrt(m) / gamma) * hBar;
  const eta = m ** -kappa;
  const logAveragedStepSize = eta * logStepSize + (1 - eta) * state.logAveragedStepSize;
  return { mu: state.mu, iteration: m, hBar, logStepSize, logAveragedStepSize };
}
