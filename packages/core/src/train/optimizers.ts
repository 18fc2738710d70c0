/**
 * tfjs optimizers whose learning rate follows a {@link Schedule} (after Optax's
 * `adam(learning_rate=schedule)`). Each is the tfjs optimizer itself (same update, same slots,
 * same checkpoints), with the learning rate of update `t` set to `schedule(t)` from the optimizer's
 * own iteration counter. The counter is part of `getWeights()`, so a run resumed from a checkpoint
 * continues the schedule where it stopped, and a custom training loop gets the schedule without
 * any bookkeeping of its own.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import { type ScalarOrSchedule, type Schedule, toSchedule } from '../schedule.js';
import { assertInRange, assertPositive } from '../validate.js';

/** What `applyGradients` of optimizer class `O` takes: gradients by variable name, or a list of `{ name, tensor }`. */
type Gradients<O extends tf.Optimizer> = Parameters<O['applyGradients']>[0];

/** The learning rate of update `t`: the schedule's value, which must be a finite number >= 0. */
function learningRateAt(schedule: Schedule, iteration: number): number {
  const value = schedule(iteration);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError('learningRate', `the schedule returned ${String(value)} at update ${iteration}; a learning rate must be a finite number >= 0.`);
  }
  return value;
}

/** Options of {@link adam}. */
export interface AdamOptions {
  /** Step size `alpha_t`: a number or a schedule of the update count. */
  readonly learningRate: ScalarOrSchedule;
  /** First-moment decay (default 0.9). */
  readonly beta1?: number;
  /** Second-moment decay (default 0.999). */
  readonly beta2?: number;
  /** Denominator offset (default: the backend's epsilon, as `tf.train.adam`). */
  readonly epsilon?: number;
}

class ScheduledAdam extends tf.AdamOptimizer {
  constructor(
    private readonly schedule: Schedule,
    beta1: number,
    beta2: number,
    epsilon?: number,
  ) {
    super(learningRateAt(schedule, 0), beta1, beta2, epsilon);
  }

  override applyGradients(variableGradients: Gradients<tf.AdamOptimizer>): void {
    this.learningRate = learningRateAt(this.schedule, this.iterations);
    super.applyGradients(variableGradients);
  }
}

/**
 * Adam (Kingma & Ba 2015) as `tf.train.adam`, with a scheduled learning rate:
 *
 *   m_t = beta1 m_{t-1} + (1 - beta1) g_t,   v_t = beta2 v_{t-1} + (1 - beta2) g_t^2,
 *   theta_t = theta_{t-1} - alpha_t m^_t / (sqrt(v^_t) + eps),   alpha_t = schedule(t).
 *
 * @example
 * const optimizer = adam({ learningRate: cosineDecay({ initial: 3e-3, decaySteps: 6000 }) });
 * await fit(model, objective, data, { optimizer, steps: 6000, key });
 */
export function adam(options: AdamOptions): tf.AdamOptimizer {
  const { beta1 = 0.9, beta2 = 0.999, epsilon } = options;
  assertInRange('beta1', beta1, 0, 1);
  assertInRange('beta2', beta2, 0, 1);
  if (epsilon !== undefined) assertPositive('epsilon', epsilon);
  return new ScheduledAdam(toSchedule(options.learningRate, 'learningRate'), beta1, beta2, epsilon);
}

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** Step size `alpha_t`: a number or a schedule of the update count. */
  readonly learningRate: ScalarOrSchedule;
}

class ScheduledSgd extends tf.SGDOptimizer {
  constructor(private readonly schedule: Schedule) {
    super(learningRateAt(schedule, 0));
  }

  override applyGradients(variableGradients: Gradients<tf.SGDOptimizer>): void {
    const rate = learningRateAt(this.schedule, this.iterations);
    // setLearningRate re-uploads the rate: only when it changes.
    if (rate !== this.learningRate) this.setLearningRate(rate);
    super.applyGradients(variableGradients);
  }
}

/**
 * Plain stochastic gradient descent as `tf.train.sgd`, `theta_t = theta_{t-1} - alpha_t g_t`,
 * with a scheduled learning rate `alpha_t = schedule(t)`.
 *
 * @example
 * const optimizer = sgd({ learningRate: polynomialDecay({ a: 0.1, gamma: 0.55 }) });
 */
export function sgd(options: SgdOptions): tf.SGDOptimizer {
  return new ScheduledSgd(toSchedule(options.learningRate, 'learningRate'));
}

/** Options of {@link momentum}. */
export interface MomentumOptions {
  /** Step size `alpha_t`: a number or a schedule of the update count. */
  readonly learningRate: ScalarOrSchedule;
  /** Momentum `mu` in [0, 1] (default 0.9). */
  readonly momentum?: number;
  /** Nesterov momentum (default false). */
  readonly useNesterov?: boolean;
}

class ScheduledMomentum extends tf.MomentumOptimizer {
  constructor(
    private readonly schedule: Schedule,
    momentum: number,
    useNesterov: boolean,
  ) {
    super(learningRateAt(schedule, 0), momentum, useNesterov);
  }

  override applyGradients(variableGradients: Gradients<tf.MomentumOptimizer>): void {
    const rate = learningRateAt(this.schedule, this.iterations);
    if (rate !== this.learningRate) this.setLearningRate(rate);
    super.applyGradients(variableGradients);
  }
}

/**
 * SGD with momentum as `tf.train.momentum`, `a_t = mu a_{t-1} + g_t`,
 * `theta_t = theta_{t-1} - alpha_t a_t`, with a scheduled learning rate `alpha_t = schedule(t)`.
 *
 * @example
 * const optimizer = momentum({ learningRate: 0.05, momentum: 0.9 });
 */
export function momentum(options: MomentumOptions): tf.MomentumOptimizer {
  const { momentum: mu = 0.9, useNesterov = false } = options;
  assertInRange('momentum', mu, 0, 1);
  return new ScheduledMomentum(toSchedule(options.learningRate, 'learningRate'), mu, useNesterov);
}

/** Options of {@link rmsprop}. */
export interface RmsPropOptions {
  /** Step size `alpha_t`: a number or a schedule of the update count. */
  readonly learningRate: ScalarOrSchedule;
  /** Decay `rho` of the mean square (default 0.9). */
  readonly decay?: number;
  /** Momentum (default 0). */
  readonly momentum?: number;
  /** Denominator offset (default: the backend's epsilon, as `tf.train.rmsprop`). */
  readonly epsilon?: number;
  /** Divide by the centred second moment (default false). */
  readonly centered?: boolean;
}

class ScheduledRmsProp extends tf.RMSPropOptimizer {
  constructor(
    private readonly schedule: Schedule,
    decay: number,
    momentumValue: number,
    epsilon: number | undefined,
    centered: boolean,
  ) {
    super(learningRateAt(schedule, 0), decay, momentumValue, epsilon, centered);
  }

  override applyGradients(variableGradients: Gradients<tf.RMSPropOptimizer>): void {
    this.learningRate = learningRateAt(this.schedule, this.iterations);
    super.applyGradients(variableGradients);
  }
}

/**
 * RMSProp (Tieleman & Hinton 2012) as `tf.train.rmsprop`,
 * `s_t = rho s_{t-1} + (1 - rho) g_t^2`, `theta_t = theta_{t-1} - alpha_t g_t / sqrt(s_t + eps)`,
 * with a scheduled learning rate `alpha_t = schedule(t)`.
 *
 * @example
 * const optimizer = rmsprop({ learningRate: exponentialDecay({ initial: 1e-3, rate: 0.5, every: 1000 }) });
 */
export function rmsprop(options: RmsPropOptions): tf.RMSPropOptimizer {
  const { decay = 0.9, momentum: mu = 0, epsilon, centered = false } = options;
  assertInRange('decay', decay, 0, 1);
  assertInRange('momentum', mu, 0, 1);
  if (epsilon !== undefined) assertPositive('epsilon', epsilon);
  return new ScheduledRmsProp(toSchedule(options.learningRate, 'learningRate'), decay, mu, epsilon, centered);
}
