import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors.js';
import { type Key, split } from '../key.js';
import { assertEnergyShape } from '../validate.js';
import { type MetropolisInfo, acceptReject } from './accept-reject.js';

/** The per-chain fields every Metropolis-Hastings state holds: the position and its cached energy. */
export interface MetropolisFields {
  readonly position: tf.Tensor;
  /** `E(position)`, shape `[N]`. */
  readonly energy: tf.Tensor1D;
}

/** What a proposal function returns: the proposed fields and the rest of the log acceptance ratio. */
export interface MetropolisProposal<P extends MetropolisFields> {
  /** The proposed state's per-chain fields (position, its energy, anything else the state caches). */
  readonly proposed: P;
  /**
   * Every term of `log alpha` beyond `E(x) - E(x')`, per chain, shape `[N]`: the proposal
   * correction `log q(x | x') - log q(x' | x)` (MALA), the kinetic-energy change
   * `K(p) - K(p')` (HMC). Omit it for a symmetric proposal.
   */
  readonly logCorrection?: tf.Tensor1D;
}

/**
 * One Metropolis-Hastings transition, the tail every MH kernel shares: `propose(proposalKey)`
 * builds `x'` (with its energy and whatever the state caches) and the correction term, then chains
 * accept with probability `min(1, alpha)`,
 *
 *   log alpha = E(x) - E(x') + logCorrection,
 *
 * and every per-chain field of the state is selected at once ({@link acceptReject}). A proposal
 * with a NaN energy is rejected. Runs inside one `tf.tidy`, so whatever `propose` allocates is
 * freed; returns the selected fields and the step's {@link MetropolisInfo}, fresh tensors the
 * caller owns. Reads nothing from the device. `current` is not disposed.
 *
 * @example
 * // Random-walk Metropolis in four lines:
 * const [next, info] = metropolisHastingsStep(key, state, (proposalKey) => {
 *   const position = tf.add(state.position, tf.mul(scale, normal(proposalKey, state.position.shape)));
 *   return { proposed: { position, energy: energy(position) } };
 * });
 */
export function metropolisHastingsStep<P extends MetropolisFields>(
  key: Key,
  current: P,
  propose: (key: Key) => MetropolisProposal<P>,
): readonly [P, MetropolisInfo] {
  const [proposalKey, acceptKey] = split(key) as [Key, Key];
  return tf.tidy(() => {
    const { proposed, logCorrection } = propose(proposalKey);
    const n = current.position.shape[0]!;
    assertProposalShape(proposed.position, current.position);
    assertEnergyShape(proposed.energy, n);
    const energyDrop = tf.sub(current.energy, proposed.energy) as tf.Tensor1D;
    const logRatio = logCorrection === undefined ? energyDrop : (tf.add(energyDrop, logCorrection) as tf.Tensor1D);
    const [selected, info] = acceptReject(acceptKey, logRatio, proposed, current);
    return [selected, info] as unknown as tf.TensorContainer;
  }) as unknown as readonly [P, MetropolisInfo];
}

/** `proposal` must be a tensor of the shape of `position`; otherwise a `ShapeError` on `propose`. */
export function assertProposalShape(proposal: unknown, position: tf.Tensor): void {
  const ok = proposal instanceof tf.Tensor && proposal.rank === position.rank && proposal.shape.every((d: number, i: number) => d === position.shape[i]);
  if (!ok) {
    throw new ShapeError(
      'propose',
      `must return a proposal of the position's shape [${position.shape.join(', ')}], got ` +
        `${proposal instanceof tf.Tensor ? `[${proposal.shape.join(', ')}]` : String(proposal)}.`,
    );
  }
}
