/**
 * Checks of the contract rules every sampler and objective must keep (see `Sampler` and
 * `Objective`): who owns which tensor, fresh states, and no device reads inside a step.
 */
import * as tf from '@tensorflow/tfjs';
import { type Key, prngKey, split } from '../key.js';
import { countDeviceReads } from '../device-reads.js';
import { collectTensors, disposeReplaced, disposeState } from '../state.js';
import type { ChainState, EnergyFn, EnergyModel, Objective, Sampler, StepInfo } from '../types.js';

function fail(subject: string, rule: string): never {
  throw new Error(`${subject} breaks the contract: ${rule}`);
}

function shared(a: unknown, b: unknown): boolean {
  const tensors = new Set(collectTensors(a));
  return collectTensors(b).some((t) => tensors.has(t));
}

/** Options of {@link expectSamplerContract}. */
export interface SamplerContractOptions {
  readonly energy: EnergyFn;
  /** Initial positions `[N, ...event]`; stays the caller's. */
  readonly init: tf.Tensor;
  readonly key?: Key;
  /** Device reads one `step` may make (default 0; dual averaging reads the acceptance while adapting). */
  readonly maxReadsPerStep?: number;
}

/**
 * Asserts the sampler contract: `init` copies its position (the state still works after the
 * caller disposes its tensor, and holds none of the caller's tensors); `step` leaves the state it
 * was given alive, returns a state and info that share no tensor with it or with each other, is
 * deterministic given the key, and makes no device read (at most `maxReadsPerStep`).
 *
 * @example
 * await expectSamplerContract(mala({ stepSize: 0.1 }), { energy, init: tf.zeros([4, 2]) });
 */
export async function expectSamplerContract<S extends ChainState, I extends StepInfo>(
  sampler: Sampler<S, I>,
  options: SamplerContractOptions,
): Promise<void> {
  const { energy, init, key = prngKey(0), maxReadsPerStep = 0 } = options;
  const subject = `sampler '${sampler.name}'`;
  const position = tf.clone(init);
  const state = sampler.init(position, energy);
  try {
    if (collectTensors(state).includes(position)) fail(subject, 'init must copy the position, not keep the caller\'s tensor.');
    if (position.isDisposed) fail(subject, 'init disposed the position it was given; the caller owns it.');
    position.dispose();
    let result: readonly [S, I] | undefined;
    const reads = await countDeviceReads(() => {
      result = sampler.step(key, state, energy);
    });
    const [next, info] = result!;
    try {
      if (reads > maxReadsPerStep) fail(subject, `step made ${reads} device read(s); it may make ${maxReadsPerStep} (keep step info on the device).`);
      if (collectTensors(state).some((t) => t.isDisposed)) fail(subject, 'step disposed part of the state it was given; the caller disposes it.');
      if (shared(state, next)) fail(subject, 'step returned a state that shares tensors with the state it was given (clone what you carry over).');
      if (shared(next, info) || shared(state, info)) fail(subject, 'step returned info that shares tensors with a state.');
      const [again, againInfo] = sampler.step(key, state, energy);
      const same = tf.tidy(() => tf.all(tf.equal(again.position, next.position)).dataSync()[0] === 1);
      disposeState([again, againInfo]);
      if (!same) fail(subject, 'step is not deterministic given the key.');
    } finally {
      disposeState([next, info]);
    }
  } finally {
    position.dispose();
    disposeState(state);
  }
}

/** Options of {@link expectObjectiveContract}. */
export interface ObjectiveContractOptions {
  readonly model: EnergyModel;
  /** A minibatch; stays the caller's. */
  readonly batch: tf.Tensor;
  readonly key?: Key;
  /** Training steps to check, each from the previous one's state (default 3: covers states created lazily on the first step). */
  readonly steps?: number;
}

/**
 * Asserts the objective contract over a few steps (each awaiting `prepare` first, when the
 * objective has one): `gradients` makes no device read, disposes
 * neither the batch nor any tensor of the state it was given, returns a new state object, a scalar
 * loss, a gradient of the right shape for every model and objective variable, and scalar metrics;
 * the same state and key give the same loss.
 *
 * @example
 * await expectObjectiveContract(nce({ noise, ratio: 2 }), { model, batch });
 */
export async function expectObjectiveContract<S>(objective: Objective<S>, options: ObjectiveContractOptions): Promise<void> {
  const { model, batch, key = prngKey(0), steps = 3 } = options;
  const subject = `objective '${objective.name}'`;
  const [initKey, ...stepKeys] = split(key, steps + 1) as [Key, ...Key[]];
  let state = objective.init(model, initKey);
  try {
    for (const stepKey of stepKeys) {
      if (objective.prepare !== undefined) {
        const prepared = await objective.prepare(model, batch, state, stepKey);
        if (prepared === state && state !== null && typeof state === 'object') fail(subject, 'prepare must return a new state object.');
        disposeReplaced(state, prepared);
        state = prepared;
      }
      let result: ReturnType<Objective<S>['gradients']> | undefined;
      const reads = await countDeviceReads(() => {
        result = objective.gradients(model, batch, state, stepKey);
      });
      const step = result!;
      const disposeStep = (): void => tf.dispose([step.loss, ...Object.values(step.grads), ...Object.values(step.metrics)]);
      try {
        if (reads > 0) fail(subject, `gradients made ${reads} device read(s); keep the loss and metrics on the device (fit reads them once per step).`);
        if (batch.isDisposed) fail(subject, 'gradients disposed the batch; the caller owns it.');
        if (collectTensors(state).some((t) => t.isDisposed)) fail(subject, 'gradients disposed part of the state it was given; the caller frees it with disposeReplaced.');
        if (step.state === state && state !== null && typeof state === 'object') fail(subject, 'gradients must return a new state object.');
        if (!(step.loss instanceof tf.Tensor) || step.loss.rank !== 0) fail(subject, 'the loss must be a scalar tensor.');
        for (const [name, metric] of Object.entries(step.metrics)) {
          if (!(metric instanceof tf.Tensor) || metric.rank !== 0) fail(subject, `metric '${name}' must be a scalar tensor on the device.`);
        }
        for (const variable of [...model.variables, ...(objective.variables?.(step.state) ?? [])]) {
          const gradient = step.grads[variable.name];
          if (gradient === undefined) fail(subject, `no gradient for variable '${variable.name}'.`);
          if (gradient.shape.join() !== variable.shape.join()) {
            fail(subject, `the gradient of '${variable.name}' has shape [${gradient.shape.join(', ')}], the variable [${variable.shape.join(', ')}].`);
          }
        }
        const again = objective.gradients(model, batch, state, stepKey);
        const [first, second] = tf.tidy(() => tf.stack([step.loss, again.loss]).dataSync());
        tf.dispose([again.loss, ...Object.values(again.grads), ...Object.values(again.metrics)]);
        disposeReplaced(again.state, [state, step.state]);
        if (!(first === second || (Number.isNaN(first) && Number.isNaN(second)))) {
          fail(subject, `the same state and key gave different losses (${first} and ${second}).`);
        }
      } catch (error) {
        disposeStep();
        disposeReplaced(step.state, state);
        throw error;
      }
      disposeStep();
      disposeReplaced(state, step.state);
      state = step.state;
    }
  } finally {
    disposeState(state);
  }
}
