/**
 * Schedules: a number as a function of the step counter `t = 0, 1, 2, ...`, for sampler step
 * sizes (`langevin({ stepSize: polynomialDecay(...) })`) and optimizer learning rates
 * (`adam({ learningRate: cosineDecay(...) })` from `@ebm/core/train`). After Optax's schedules:
 * plain functions, composed.
 */
import { InvalidArgumentError } from './errors.js';
import { assertInRange, assertInteger, assertNonNegative, assertPositive } from './validate.js';

/**
 * A value as a function of the step counter `t = 0, 1, 2, ...`. Build one with
 * {@link constantSchedule}, {@link exponentialDecay}, {@link polynomialDecay},
 * {@link cosineDecay} or {@link warmup}, or write your own `(t) => number`.
 */
export type Schedule = (step: number) => number;

/** A fixed number or a {@link Schedule}: what step sizes and learning rates accept. */
export type ScalarOrSchedule = number | Schedule;

/**
 * The constant schedule `v_t = value`.
 *
 * @example
 * constantSchedule(0.1)(500); // 0.1
 */
export function constantSchedule(value: number): Schedule {
  assertPositive('value', value, 'E.g. constantSchedule(0.1).');
  return () => value;
}

/** Options of {@link exponentialDecay}. */
export interface ExponentialDecayOptions {
  /** `v_0`, the value at `t = 0` (> 0). */
  readonly initial: number;
  /** Decay factor per `every` steps, in (0, 1]. */
  readonly rate: number;
  /** Steps over which the value is multiplied by `rate` (default 1). */
  readonly every?: number;
  /** Decay in whole stages, `floor(t / every)`, instead of smoothly (default false). */
  readonly staircase?: boolean;
  /** Lower bound, in [0, initial) (default 0: no bound). */
  readonly min?: number;
}

/**
 * Exponential decay, `v_t = max(min, initial * rate^(t / every))` (with `floor(t / every)` when
 * `staircase`).
 *
 * @example
 * const h = exponentialDecay({ initial: 1, rate: 0.5, every: 10 });
 * h(0); // 1
 * h(20); // 0.25
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const { initial, rate, every = 1, staircase = false, min = 0 } = options;
  assertPositive('initial', initial);
  assertPositive('rate', rate);
  assertInRange('rate', rate, 0, 1);
  assertInteger('every', every, 1);
  assertNonNegative('min', min);
  if (!(min < initial)) {
    throw new InvalidArgumentError('min', `must be below initial = ${initial}, got ${min}. Use constantSchedule for a fixed value.`);
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
  /** Offset `b` (> 0, default 1): delays the decay and keeps `v_0 = a b^-gamma` finite. */
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
 * `v_t = a (b + t)^-gamma`.
 *
 * @example
 * const h = polynomialDecay({ a: 0.1, b: 1, gamma: 0.5 });
 * h(0); // 0.1
 * h(3); // 0.05
 */
export function polynomialDecay(options: PolynomialDecayOptions): Schedule {
  const { a, b = 1, gamma = 0.55 } = options;
  assertPositive('a', a);
  assertPositive('b', b);
  assertPositive('gamma', gamma);
  assertInRange('gamma', gamma, 0, 1);
  return (step) => a * (b + step) ** -gamma;
}

/** Options of {@link cosineDecay}. */
export interface CosineDecayOptions {
  /** `v_0`, the value at `t = 0` (> 0). */
  readonly initial: number;
  /** Steps `T` over which the value decays (an integer >= 1); it stays at the final value afterwards. */
  readonly decaySteps: number;
  /** The final value as a fraction `alpha` of `initial`, in [0, 1) (default 0: decay to 0). */
  readonly alpha?: number;
}

/**
 * Cosine decay (Loshchilov & Hutter 2017, "SGDR"),
 *
 *   v_t = initial * ((1 - alpha) (1 + cos(pi min(t, T) / T)) / 2 + alpha),
 *
 * which anneals minibatch noise away by the end of a run of `T` steps. Since `v_T = alpha *
 * initial`, the default `alpha = 0` reaches 0 at step `T`; keep `t < T` for a step size.
 *
 * @example
 * const lr = cosineDecay({ initial: 3e-3, decaySteps: 6000 });
 * lr(3000); // 1.5e-3
 */
export function cosineDecay(options: CosineDecayOptions): Schedule {
  const { initial, decaySteps, alpha = 0 } = options;
  assertPositive('initial', initial);
  assertInteger('decaySteps', decaySteps, 1);
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha < 1)) {
    throw new InvalidArgumentError('alpha', `must be a number in [0, 1), the final value as a fraction of initial, got ${String(alpha)}.`);
  }
  return (step) => initial * (((1 - alpha) * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps))) / 2 + alpha);
}

/** Options of {@link warmup}. */
export interface WarmupOptions {
  /** Warm-up steps `W` (an integer >= 1). */
  readonly steps: number;
  /** The value at `t = 0`, in [0, schedule(0)) (default 0). */
  readonly initial?: number;
}

/**
 * Linear warm-up into `schedule`: for `t < W` the value rises linearly from `initial` to
 * `schedule(0)`, then follows `schedule` shifted by `W`,
 *
 *   v_t = initial + (schedule(0) - initial) t / W   for t < W,
 *   v_t = schedule(t - W)                           for t >= W.
 *
 * @example
 * const lr = warmup(cosineDecay({ initial: 1e-3, decaySteps: 9000 }), { steps: 1000 });
 * lr(500); // 5e-4
 */
export function warmup(schedule: ScalarOrSchedule, options: WarmupOptions): Schedule {
  const target = toSchedule(schedule, 'schedule');
  const { steps, initial = 0 } = options;
  assertInteger('steps', steps, 1);
  assertNonNegative('initial', initial);
  const peak = target(0);
  return (step) => (step < steps ? initial + ((peak - initial) * step) / steps : target(step - steps));
}

/**
 * Turns a number or a schedule into a schedule, checking a number at once (a finite number > 0;
 * `argument` names it in the error).
 *
 * @example
 * const schedule = toSchedule(options.stepSize, 'stepSize');
 */
export function toSchedule(value: ScalarOrSchedule, argument: string): Schedule {
  if (typeof value === 'function') return value;
  assertPositive(argument, value, `Pass e.g. { ${argument}: 0.1 } or a schedule such as polynomialDecay({ a: 0.1 }).`);
  return () => value;
}

/**
 * The value a schedule gives at step `t`, which must be a finite number > 0; otherwise an
 * `InvalidArgumentError` naming `argument` and the step.
 *
 * @example
 * const h = scheduleAt(schedule, state.step, 'stepSize');
 */
export function scheduleAt(schedule: Schedule, step: number, argument: string): number {
  const value = schedule(step);
  assertPositive(argument, value, `The schedule returned it at step ${step}; a schedule must give finite values > 0.`);
  return value;
}
