import type * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import type { Key } from '../key.js';
import type { EnergyFn, Sampler, SamplerInitOptions } from '../types.js';
import type { MetropolisInfo } from './accept-reject.js';
import { assertChainState } from './chain-state.js';
import { initChainState } from './init-chain-state.js';
import { type MetropolisFields, assertProposalShape, metropolisHastingsStep } from './metropolis-hastings-step.js';

/** The state of a batch of Metropolis-Hastings chains: the position and its cached energy. */
export type MetropolisHastingsState = MetropolisFields;

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
  /** The sampler's name in logs and errors (default `'metropolisHastings'`). */
  readonly name?: string;
}

/**
 * Metropolis-Hastings with any proposal `q(x' | x)` (Metropolis et al. 1953; Hastings 1970): the
 * generic kernel random-walk Metropolis, bit flip, pCN and user proposals are built on. Each step
 * draws `x' = propose(key, x)` and accepts it with probability
 *
 *   alpha = min(1, exp(E(x) - E(x') + log q(x | x') - log q(x' | x))),
 *
 * where `logProposalRatio(x, x')` gives the last two terms (0 when omitted: a symmetric proposal).
 * An independence sampler is a `propose` that ignores `x`, with
 * `logProposalRatio(x, x') = log q(x) - log q(x')`. The state caches `E(x)`, so a step costs one
 * energy evaluation; the info holds the mean and per-chain acceptance on the device.
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
export function metropolisHastings(options: MetropolisHastingsOptions): Sampler<MetropolisHastingsState, MetropolisInfo> {
  const { propose, logProposalRatio, name = 'metropolisHastings' } = options ?? ({} as MetropolisHastingsOptions);
  if (typeof propose !== 'function') {
    throw new InvalidArgumentError('propose', 'must be a function (key, position) => proposal.');
  }
  if (logProposalRatio !== undefined && typeof logProposalRatio !== 'function') {
    throw new InvalidArgumentError('logProposalRatio', 'must be a function (x, proposal) => Tensor1D, or omitted for a symmetric proposal.');
  }
  return {
    name,
    init: (position: tf.Tensor, energy: EnergyFn, initOptions?: SamplerInitOptions) => initChainState(name, position, energy, initOptions),
    step(key: Key, state: MetropolisHastingsState, energy: EnergyFn) {
      assertChainState(state, name, { energy: true });
      return metropolisHastingsStep(key, state, (proposalKey) => {
        const position = propose(proposalKey, state.position);
        assertProposalShape(position, state.position);
        return {
          proposed: { position, energy: energy(position) },
          ...(logProposalRatio ? { logCorrection: logProposalRatio(state.position, position) } : {}),
        };
      });
    },
  };
}
