/**
 * A complete @ebm sampler plugin in one file: the preconditioned Crank-Nicolson (pCN) sampler
 * (Cotter, Roberts, Stuart & White 2013, "MCMC methods for functions: modifying old algorithms to
 * make them faster", Statistical Science 28).
 *
 * pCN targets p(x) ∝ exp(-E(x)) with E(x) = Phi(x) + |x|^2 / 2, i.e. a likelihood term Phi times a
 * standard normal prior. Its proposal is an autoregressive move that leaves the prior invariant,
 *
 *   x' = sqrt(1 - beta^2) x + beta xi,   xi ~ N(0, I),   0 < beta <= 1,
 *
 * so the MH correction log q(x | x') - log q(x' | x) = (|x'|^2 - |x|^2) / 2 cancels the prior and
 *
 *   log alpha = min(0, E(x) - E(x') + (|x'|^2 - |x|^2) / 2) = min(0, Phi(x) - Phi(x')).
 *
 * The plugin needs only the contract and three shared parts from @ebm/core: `split` and `normal`
 * for randomness from a key, and `metropolisAccept` / `selectChains` for the accept/reject.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type ChainState,
  type EnergyFn,
  InvalidArgumentError,
  type Key,
  type StepInfo,
  type TunableSampler,
  metropolisAccept,
  normal,
  selectChains,
  split,
  initialEnergy,
} from '@ebm/core';

/** The state caches the energy at the current position, so each step evaluates E once. */
export interface PcnState extends ChainState {
  readonly position: tf.Tensor;
  readonly energy: tf.Tensor1D;
}

/** What one pCN step reports: the mean acceptance probability over chains. */
export interface PcnInfo extends StepInfo {
  readonly acceptanceRate: number;
}

/** `|x|^2 / 2` per chain, shape `[N]`. */
function halfSquaredNorm(x: tf.Tensor): tf.Tensor1D {
  return tf.mul(0.5, tf.sum(tf.reshape(tf.square(x), [x.shape[0]!, -1]), 1)) as tf.Tensor1D;
}

/**
 * The pCN sampler with step `beta` in (0, 1] (its tunable `stepSize`).
 *
 * @example
 * const { samples } = sampleChain(pcn({ beta: 0.5 }), { energy, init: tf.zeros([32, 2]), key: prngKey(0), numSteps: 1000 });
 */
export function pcn(options: { readonly beta: number }): TunableSampler<PcnState, PcnInfo> {
  const { beta } = options;
  if (typeof beta !== 'number' || !(beta > 0 && beta <= 1)) {
    throw new InvalidArgumentError('beta', `must be a number in (0, 1], got ${String(beta)}. Try 0.5.`);
  }
  const rho = Math.sqrt(1 - beta * beta);
  return {
    name: 'pcn',
    stepSize: beta,
    withStepSize: (stepSize) => pcn({ beta: stepSize }),
    init(position: tf.Tensor, energy: EnergyFn): PcnState {
      const { energy: e } = initialEnergy(energy, position, 'pcn');
      return { position: tf.clone(position), energy: e };
    },
    step(key: Key, state: PcnState, energy: EnergyFn): readonly [PcnState, PcnInfo] {
      const [noiseKey, acceptKey] = split(key) as [Key, Key];
      const next = tf.tidy(() => {
        const x = state.position;
        const proposal = tf.add(tf.mul(rho, x), tf.mul(beta, normal(noiseKey, x.shape)));
        const proposalEnergy = energy(proposal);
        const logRatio = tf.add(tf.sub(state.energy, proposalEnergy), tf.sub(halfSquaredNorm(proposal), halfSquaredNorm(x))) as tf.Tensor1D;
        const { accepted, probability } = metropolisAccept(acceptKey, logRatio);
        return {
          position: selectChains(accepted, proposal, x),
          energy: selectChains(accepted, proposalEnergy, state.energy),
          rate: tf.mean(probability),
        };
      });
      const acceptanceRate = next.rate.dataSync()[0]!;
      next.rate.dispose();
      return [{ position: next.position, energy: next.energy }, { acceptanceRate }];
    },
  };
}
