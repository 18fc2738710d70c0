import * as tf from '@tensorflow/tfjs';
import {
  type ChainState,
  type EnergyFn,
  type Key,
  type Sampler,
  type StepInfo,
  InvalidArgumentError,
  ShapeError,
  assertBatch,
  assertCachedShape,
  assertEnergyShape,
  metropolisAccept,
  selectChains,
  split,
  initialEnergy,
} from '@ebm/core';

/** The state of a batch of Metropolis-Hastings chains: the position and its cached energy. */
export interface MetropolisHastingsState extends ChainState {
  /** Current positions, axis 0 = chains. */
  readonly position: tf.Tensor;
  /** `E(position)`, shape `[N]`, so each step evaluates the energy once (at the proposal). */
  readonly energy: tf.Tensor1D;
}

/** What one Metropolis-Hastings step reports. */
export interface MetropolisHastingsInfo extends StepInfo {
  /** Mean over chains of the acceptance probability `min(1, exp(logRatio))`. */
  readonly acceptanceRate: number;
}

/**
 * Draws a proposal `x' ~ q(. | x)` for every chain. Must return a fresh tensor of the shape of
 * `position`, built only from `key` and `position` (it runs inside the step's `tf.tidy`).
 */
export type Proposal = (key: Key, position: tf.Tensor) => tf.Tensor;

/**
 * The log proposal-density correction `log q(x | x') - log q(x' | x)` per chain, shape `[N]`.
 * Omit it for a symmetric proposal (`q(x' | x) = q(x | x')`), where it is 0.
 */
export type LogProposalRatio = (position: tf.Tensor, proposal: tf.Tensor) => tf.Tensor1D;

/** Options of {@link metropolisHastings}: the proposal and its density correction. */
export interface MetropolisHastingsOptions {
  /** `propose(key, x)` draws `x' ~ q(. | x)`, same shape as `x`. */
  readonly propose: Proposal;
  /** `log q(x | x') - log q(x' | x)`; omit for a symmetric proposal. */
  readonly logProposalRatio?: LogProposalRatio;
  /** The sampler's name in logs (default `'metropolisHastings'`). */
  readonly name?: string;
}

/** Internal: the generic kernel plus a hook that validates the initial position. */
interface KernelOptions extends MetropolisHastingsOptions {
  readonly name: string;
  readonly checkPosition?: (position: tf.Tensor) => void;
}

/**
 * The one generic Metropolis-Hastings kernel of this package; random-walk Metropolis, bit flip
 * and user proposals are all this kernel with a different `propose`.
 */
export function metropolisHastingsKernel(
  options: KernelOptions,
): Sampler<MetropolisHastingsState, MetropolisHastingsInfo> {
  const { propose, logProposalRatio, name, checkPosition } = options;
  return {
    name,
    init(position: tf.Tensor, energy: EnergyFn): MetropolisHastingsState {
      assertBatch('position', position, 1);
      checkPosition?.(position);
      const { energy: e } = initialEnergy(energy, position, name);
      return { position: tf.clone(position), energy: e };
    },
    step(key: Key, state: MetropolisHastingsState, energy: EnergyFn): readonly [MetropolisHastingsState, MetropolisHastingsInfo] {
      assertBatch('state.position', state?.position, 1);
      assertCachedShape('state.energy', state.energy, [state.position.shape[0]!], name);
      const [proposeKey, acceptKey] = split(key) as [Key, Key];
      const { position, energy: energies, rate } = tf.tidy(() => {
        const proposal = propose(proposeKey, state.position);
        if (proposal.shape.length !== state.position.shape.length || proposal.shape.some((d, i) => d !== state.position.shape[i])) {
          throw new ShapeError(
            'propose',
            `must return a tensor of the position's shape [${state.position.shape.join(', ')}], got [${proposal.shape.join(', ')}].`,
          );
        }
        const proposalEnergy = energy(proposal);
        assertEnergyShape(proposalEnergy, state.position.shape[0]!);
        // log alpha = E(x) - E(x') + log q(x | x') - log q(x' | x)
        const energyDrop = tf.sub(state.energy, proposalEnergy) as tf.Tensor1D;
        const logRatio = logProposalRatio ? (tf.add(energyDrop, logProposalRatio(state.position, proposal)) as tf.Tensor1D) : energyDrop;
        const { accepted, probability } = metropolisAccept(acceptKey, logRatio);
        return {
          position: selectChains(accepted, proposal, state.position),
          energy: selectChains(accepted, proposalEnergy, state.energy),
          rate: tf.mean(probability),
        };
      });
      const acceptanceRate = rate.dataSync()[0]!;
      rate.dispose();
      return [{ position, energy: energies }, { acceptanceRate }];
    },
  };
}

/**
 * Metropolis-Hastings with a user-written proposal `q(x' | x)` (Metropolis et al. 1953; Hastings
 * 1970). Each step draws `x' = propose(key, x)` and accepts it with probability
 *
 *   alpha = min(1, exp(E(x) - E(x') + log q(x | x') - log q(x' | x))),
 *
 * where `logProposalRatio(x, x')` gives the last two terms (0 when omitted: a symmetric proposal).
 * An independence sampler is a `propose` that ignores `x`, with
 * `logProposalRatio(x, x') = log q(x) - log q(x')`. The state caches `E(x)`, so a step costs one
 * energy evaluation. Reports the mean acceptance probability.
 *
 * @example
 * // Independence sampler with proposal N(0, 4 I): log q(x) = -|x|^2 / 8 + const.
 * const logQ = (x: tf.Tensor) => tf.mul(-1 / 8, tf.sum(tf.square(x), 1)) as tf.Tensor1D;
 * const sampler = metropolisHastings({
 *   propose: (key, x) => tf.mul(2, normal(key, x.shape)),
 *   logProposalRatio: (x, xNew) => tf.sub(logQ(x), logQ(xNew)) as tf.Tensor1D,
 * });
 * const { samples } = sampleChain(sampler, { energy, init: tf.zeros([16, 2]), key: prngKey(0), numSteps: 500 });
 */
export function metropolisHastings(options: MetropolisHastingsOptions): Sampler<MetropolisHastingsState, MetropolisHastingsInfo> {
  if (typeof options.propose !== 'function') {
    throw new InvalidArgumentError('propose', 'must be a function (key, position) => proposal.');
  }
  if (options.logProposalRatio !== undefined && typeof options.logProposalRatio !== 'function') {
    throw new InvalidArgumentError('logProposalRatio', 'must be a function (x, proposal) => Tensor1D, or omitted for a symmetric proposal.');
  }
  return metropolisHastingsKernel({ ...options, name: options.name ?? 'metropolisHastings' });
}
