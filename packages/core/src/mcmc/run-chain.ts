import * as tf from '@tensorflow/tfjs';
import { type Key, foldIn } from '../key.js';
import { disposeState } from '../state.js';
import type { ChainState, EnergyFn, Sampler, StepInfo } from '../types.js';
import { assertInteger } from '../validate.js';

/** Options of {@link runChain}. */
export interface RunChainOptions<S extends ChainState, I extends StepInfo> {
  /** The target energy. */
  readonly energy: EnergyFn;
  /** Step `t` (counting from `firstStep`) uses `foldIn(key, t)`. */
  readonly key: Key;
  /** Steps to run (>= 0). */
  readonly numSteps: number;
  /** The index of the first step, for the keys (default 0): a chain run in pieces draws what one run would. */
  readonly firstStep?: number;
  /**
   * Called after every step with the new state and the step's info. Both stay on the device and
   * are valid only during the call (the info is disposed afterwards): read what you need with
   * `readScalarsSync(info)`, which costs one device read.
   */
  readonly onStep?: (step: number, state: S, info: I) => void;
}

/** What {@link runChain} returns; the caller owns every tensor in it. */
export interface RunChainResult<S extends ChainState> {
  /** The state after the last step (the input state itself when `numSteps` is 0). */
  readonly state: S;
  /** The mean over the steps of every scalar tensor field of the step info (e.g. `acceptanceRate`), on the device. */
  readonly meanInfo: Readonly<Record<string, tf.Scalar>>;
}

/**
 * Runs `numSteps` transitions of `sampler` from `state` and averages the step infos on the device:
 *
 *   state_{t+1}, info_t = sampler.step(foldIn(key, firstStep + t), state_t, energy),
 *   meanInfo[f] = 1/T sum_t info_t[f]   for every scalar tensor field f,
 *
 * disposing each intermediate state and info as it goes. Takes ownership of `state` (it is
 * disposed once the first step has been taken); returns the last state and the means, which the
 * caller owns. Reads nothing from the device, so objectives that run chains (contrastive
 * divergence) stay free of device reads; `sampleChain` is this plus collecting and reading.
 *
 * @example
 * const { state, meanInfo } = runChain(mala({ stepSize: 0.05 }), mala(...).init(x0, energy), { energy, key, numSteps: 20 });
 * // meanInfo.acceptanceRate is a scalar on the device.
 */
export function runChain<S extends ChainState, I extends StepInfo>(
  sampler: Sampler<S, I>,
  state: S,
  options: RunChainOptions<S, I>,
): RunChainResult<S> {
  const { energy, key, numSteps, firstStep = 0, onStep } = options;
  assertInteger('numSteps', numSteps, 0);
  assertInteger('firstStep', firstStep, 0);
  let current = state;
  const sums: Record<string, tf.Scalar> = {};
  try {
    for (let t = 0; t < numSteps; t++) {
      const [next, info] = sampler.step(foldIn(key, firstStep + t), current, energy);
      disposeState(current);
      current = next;
      try {
        accumulateScalars(sums, info);
        onStep?.(firstStep + t, current, info);
      } finally {
        disposeState(info);
      }
    }
  } catch (error) {
    disposeState([current, sums]);
    throw error;
  }
  const meanInfo = tf.tidy(() => Object.fromEntries(Object.entries(sums).map(([field, sum]) => [field, tf.div(sum, numSteps) as tf.Scalar])));
  disposeState(sums);
  return { state: current, meanInfo };
}

/** `sums[f] += info[f]` for every scalar tensor field of `info` (float32), replacing the old sums. */
function accumulateScalars(sums: Record<string, tf.Scalar>, info: object): void {
  for (const [field, value] of Object.entries(info)) {
    if (!(value instanceof tf.Tensor) || value.rank !== 0) continue;
    const previous = sums[field];
    sums[field] = tf.tidy(() => {
      const v = (value.dtype === 'float32' ? value : tf.cast(value, 'float32')) as tf.Scalar;
      return previous === undefined ? tf.clone(v) : (tf.add(previous, v) as tf.Scalar);
    });
    previous?.dispose();
  }
}
