/**
 * A complete @ebm sampler plugin: the preconditioned Crank-Nicolson (pCN) sampler (Cotter,
 * Roberts, Stuart & White 2013, "MCMC methods for functions", Statistical Science 28) for
 * p(x) ∝ exp(-E(x)), E(x) = Phi(x) + |x|^2 / 2: a likelihood term Phi times a standard normal
 * prior. Its proposal leaves the prior invariant,
 *
 *   x' = sqrt(1 - beta^2) x + beta xi,   xi ~ N(0, I),   0 < beta <= 1,
 *
 * so the MH correction log q(x | x') - log q(x' | x) = (|x'|^2 - |x|^2) / 2 cancels the prior:
 * log alpha = min(0, Phi(x) - Phi(x')). Core's generic `metropolisHastings` kernel does the rest
 * (state with the cached energy, accept/reject, acceptance on the device, errors).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type MetropolisHastingsState, type MetropolisInfo, type TunableSampler, metropolisHastings, normal } from '@ebm/core';

/** `|x|^2 / 2` per chain, shape `[N]`. */
const halfSquaredNorm = (x: tf.Tensor) => tf.mul(0.5, tf.sum(tf.reshape(tf.square(x), [x.shape[0]!, -1]), 1)) as tf.Tensor1D;

/**
 * The pCN sampler with step `beta` in (0, 1], its tunable `stepSize` (dual averaging aims for the
 * random-walk acceptance 0.234).
 *
 * @example
 * const { samples } = sampleChain(pcn({ beta: 0.5 }), { energy, init: tf.zeros([32, 2]), key: prngKey(0), numSteps: 1000 });
 */
export function pcn(options: { readonly beta: number }): TunableSampler<MetropolisHastingsState, MetropolisInfo> {
  const { beta } = options;
  if (typeof beta !== 'number' || !(beta > 0 && beta <= 1)) {
    throw new InvalidArgumentError('beta', `must be a number in (0, 1], got ${String(beta)}. Try 0.5.`);
  }
  const kernel = metropolisHastings({
    name: 'pcn',
    propose: (key, x) => tf.add(tf.mul(Math.sqrt(1 - beta * beta), x), tf.mul(beta, normal(key, x.shape))),
    logProposalRatio: (x, proposal) => tf.sub(halfSquaredNorm(proposal), halfSquaredNorm(x)) as tf.Tensor1D,
  });
  // Dual averaging may ask for a step above 1: beta = 1 (an independence sampler from the prior) is the largest.
  return { ...kernel, stepSize: beta, targetAcceptance: 0.234, withStepSize: (stepSize) => pcn({ beta: Math.min(stepSize, 1) }) };
}
