/**
 * The Metropolis-Hastings accept/reject over whole chain states (after BlackJAX's
 * `static_binomial_sampling`): one coin per chain, and every tensor of the state selected at once.
 */
import * as tf from '@tensorflow/tfjs';
import type { Key } from '../key.js';
import { uniform } from '../random.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { collectTensors } from '../state.js';
import type { StepInfo } from '../types.js';

/** What every Metropolis-Hastings step reports, on the device (the caller disposes it). */
export interface MetropolisInfo extends StepInfo {
  /** Mean over chains of the acceptance probability, a scalar. */
  readonly acceptanceRate: tf.Scalar;
  /** Per chain, `min(1, exp(log alpha_i))`, shape `[N]`; 0 where the ratio is NaN. */
  readonly acceptanceProbability: tf.Tensor1D;
  /** Per chain, whether the proposal was accepted, shape `[N]`, dtype bool. */
  readonly isAccepted: tf.Tensor1D;
}

/**
 * Per-chain selection: row i of the result is `ifTrue[i]` where `mask[i]` else `ifFalse[i]`.
 * `mask` has shape `[N]`; the tensors `[N, ...event]` (the mask is broadcast over event axes).
 *
 * @example
 * const start = selectChains(restart, noise, fromBuffer); // per chain: fresh noise or a buffered sample
 */
export function selectChains<T extends tf.Tensor>(mask: tf.Tensor1D, ifTrue: T, ifFalse: T): T {
  return tf.tidy(() => {
    const shape = [mask.shape[0]!, ...new Array<number>(ifTrue.rank - 1).fill(1)];
    const broadcastMask = tf.broadcastTo(tf.reshape(mask, shape), ifTrue.shape);
    return tf.where(broadcastMask, ifTrue, ifFalse) as T;
  });
}

/**
 * Per-chain selection of whole states: every tensor field of `ifTrue` is selected row by row
 * against the same field of `ifFalse` (`selectChains`); other fields (step counters, names) are
 * taken from `ifTrue`. A field holding tensors inside a record (a metric) is refused: it would be
 * shared by both states; carry such fields over after the selection (`cloneMetric`). Fresh tensors.
 *
 * @example
 * const next = selectState(accepted, { position: xNew, energy: eNew }, { position: x, energy: e });
 */
export function selectState<P extends object>(mask: tf.Tensor1D, ifTrue: P, ifFalse: P): P {
  return tf.tidy(() => {
    const selected: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(ifTrue)) {
      if (!(value instanceof tf.Tensor)) {
        if (collectTensors(value).length > 0) {
          throw new InvalidArgumentError(
            `proposed.${field}`,
            'holds tensors inside a record, which a selection would share between two states. Select plain tensor fields and carry records such as a metric over afterwards (cloneMetric).',
          );
        }
        selected[field] = value;
        continue;
      }
      const kept = (ifFalse as Record<string, unknown>)[field];
      if (!(kept instanceof tf.Tensor) || kept.rank !== value.rank || kept.shape.some((d: number, i: number) => d !== value.shape[i])) {
        throw new ShapeError(
          `proposed.${field}`,
          `has shape [${value.shape.join(', ')}] but the current state's ${field} is ` +
            `${kept instanceof tf.Tensor ? `[${kept.shape.join(', ')}]` : 'missing'}: a proposal must have the fields and shapes of the state.`,
        );
      }
      selected[field] = selectChains(mask, value, kept);
    }
    return selected as unknown as tf.TensorContainer;
  }) as unknown as P;
}

/**
 * The accept/reject step every Metropolis-Hastings kernel ends with. Chain i accepts when
 * `log u_i < log alpha_i`, `u_i ~ U(0, 1)` drawn from `key`, with
 *
 *   log alpha_i = min(0, logRatio_i),
 *   logRatio = E(x) - E(x') + log q(x | x') - log q(x' | x)   (the caller computes it),
 *
 * and every tensor field of `proposed` is selected per chain against the same field of `current`
 * (position, energy, gradient, ...; `selectState`): accepted chains take the proposal, the others
 * keep their state. A NaN ratio (e.g. a NaN proposal energy) is rejected: NaN compares false.
 * Returns fresh tensors; reads nothing from the device.
 *
 * @example
 * const [next, info] = tf.tidy(() => acceptReject(acceptKey, logRatio, { position: xNew, energy: eNew }, state));
 */
export function acceptReject<P extends object>(key: Key, logRatio: tf.Tensor1D, proposed: P, current: P): readonly [P, MetropolisInfo] {
  return tf.tidy(() => {
    const isAccepted = tf.less(tf.log(uniform(key, logRatio.shape)), logRatio) as tf.Tensor1D;
    const acceptanceProbability = tf.where(tf.isNaN(logRatio), tf.zerosLike(logRatio), tf.exp(tf.minimum(logRatio, 0))) as tf.Tensor1D;
    const selected = selectState(isAccepted, proposed, current);
    const info: MetropolisInfo = { acceptanceRate: tf.mean(acceptanceProbability), acceptanceProbability, isAccepted };
    return [selected, info] as unknown as tf.TensorContainer;
  }) as unknown as readonly [P, MetropolisInfo];
}
