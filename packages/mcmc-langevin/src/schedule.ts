/**
 * Step-size schedules for the Langevin samplers: a schedule maps the step counter
 * `t = 0, 1, 2, ...` (carried in the sampler state) to the step size `h_t` used by step `t`.
 */
import { InvalidArgumentError, assertInRange, assertInteger, assertNonNegative, assertPositive } from '@ebm/core';

/**
 * A step size as a function of the step counter `t = 0, 1, 2, ...`; every value must be a finite
 * number > 0. Build one with {@link constantSchedule}, {@link exponentialDecay} or
 * {@link polynomialDecay}, or write your own `(t) => number`.
 */
export type StepSizeSchedule = (step: number) => number;

/** A fixed step size or a {@link StepSizeSchedule}: what `langevin` and `mala` accept as `stepSize`. */
export type StepSize = number | StepSizeSchedule;

/**
 * The constant schedule `h_t = value`.
 *
 * @example
 * constantSchedule(0.1)(500); // 0.1
 */
export function constantSchedule(value: number): StepSizeSchedule {
  assertPositive('value', value, 'A step size must be > 0, e.g. constantSchedule(0.1).');
  return () => value;
}

/** Options of {@link exponentialDecay}. */
export interface ExponentialDecayOptions {
  /** `h_0`, the step size at `t = 0` (> 0). */
  readonly initial: number;
  /** Decay factor per `every` steps, in (0, 1]. */
  readonly rate: number;
  /** Steps over which the step size is multiplied by `rate` (default 1). */
  readonly every?: number;
  /** Decay in whole stages, `floor(t / every)`, instead of smoothly (default false). */
  readonly staircase?: boolean;
  /** Lower bound on the step size, in [0, initial) (default 0: no bound). */
  readonly min?: number;
}

/**
 * Exponential decay, `h_t = max(min, initial * rate^(t / every))` (with `floor(t / every)` when
 * `staircase`).
 *
 * @example
 * const h = exponentialDecay({ initial: 1, rate: 0.5, every: 10 });
 * h(0); // 1
 * h(20); // 0.25
 */
export function exponentialDecay(options: ExponentialDecayOptions): StepSizeSchedule {
  const { initial, rate, every = 1, staircase = false, min = 0 } = options;
  assertPositive('initial', initial);
  assertPositive('rate', rate);
  assertInRange('rate', rate, 0, 1);
  assertInteger('every', every, 1);
  assertNonNegative('min', min);
  if (!(min < initial)) {
    throw new InvalidArgumentError('min', `must be below initial = ${initial}, got ${min}. Use constantSchedule for a fixed step size.`);
  }
  return (step) => {
    const stages = staircase ? Math.floor(step / every) : step / every;
    return Math.max(min, initial * rate ** stages);
  };
}

/** Options of {@link polynomialDecay}. */
export interface PolynomialDecayOptions {
  /** Scale `a` (> 0). */
  readonly a: number;
  /** Offset `b` (> 0, default 1): delays the decay and keeps `h_0 = a b^-gamma` finite. */
  readonly b?: number;
  /**
   * Exponent `gamma` in (0, 1] (default 0.55, the value Welling & Teh used). With gamma in
   * (0.5, 1] the step sizes satisfy the Robbins-Monro conditions `sum h_t = inf`,
   * `sum h_t^2 < inf`, under which SGLD converges to the posterior.
   */
  readonly gamma?: number;
}

/**
 * Polynomial decay as in stochastic gradient Langevin dynamics (Welling & Teh 2011),
 * `h_t = a (b + t)^-gamma`.
 *
 * @example
 * const h = polynomialDecay({ a: 0.1, b: 1, gamma: 0.5 });
 * h(0); // 0.1
 * h(3); // 0.05
 */
export function polynomialDecay(options: PolynomialDecayOptions): StepSizeSchedule {
  const { a, b = 1, gamma = 0.55 } = options;
  assertPositive('a', a);
  assertPositive('b', b);
  assertPositive('gamma', gamma);
  assertInRange('gamma', gamma, 0, 1);
  return (step) => a * (b + step) ** -gamma;
}

/** Turns a `stepSize` option into a schedule, validating a number (> 0) at once. */
export function toSchedule(stepSize: StepSize): StepSizeSchedule {
  if (typeof stepSize === 'function') return stepSize;
  assertPositive('stepSize', stepSize, 'Pass e.g. { stepSize: 0.1 } or a schedule such as polynomialDecay({ a: 0.1 }).');
  return constantSchedule(stepSize);
}

/** The step size a schedule gives at step `t`, which must be a finite number > 0. */
export function stepSizeAt(schedule: StepSizeSchedule, step: number): number {
  const value = schedule(step);
  assertPositive('stepSize', value, `The schedule returned it at step ${step}; a schedule must give finite values > 0.`);
  return value;
}
