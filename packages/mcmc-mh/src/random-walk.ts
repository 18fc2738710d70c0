import * as tf from '@tensorflow/tfjs';
import { type Key, type TunableSampler, assertPositive, normal } from '@ebm/core';
import { type MetropolisHastingsInfo, type MetropolisHastingsState, metropolisHastingsKernel } from './metropolis-hastings.js';

/** Options of {@link randomWalkMetropolis}. */
export interface RandomWalkMetropolisOptions {
  /** Standard deviation `s` of the Gaussian proposal, > 0. Tune it with `dualAveraging`. */
  readonly scale: number;
}

/** Random-walk Metropolis as a tunable sampler: its `stepSize` is the proposal scale. */
export type RandomWalkMetropolis = TunableSampler<MetropolisHastingsState, MetropolisHastingsInfo>;

/**
 * Random-walk Metropolis (Metropolis et al. 1953) with the Gaussian proposal
 *
 *   x' = x + s * xi,   xi ~ N(0, I),
 *
 * accepted with probability `min(1, exp(E(x) - E(x')))` (the proposal is symmetric). One energy
 * evaluation per step, no gradient. Works on any batch shape (axis 0 = chains). Its `stepSize`
 * is `scale`, so `dualAveraging(randomWalkMetropolis({ scale }), { targetAcceptance:
 * RWM_TARGET_ACCEPTANCE })` tunes it to the 0.234 acceptance of Roberts, Gelman & Gilks (1997).
 *
 * @example
 * const rwm = randomWalkMetropolis({ scale: 0.5 });
 * const { samples, acceptanceRate } = sampleChain(rwm, { energy, init: tf.zeros([64, 2]), key: prngKey(0), numSteps: 2000 });
 */
export function randomWalkMetropolis(options: RandomWalkMetropolisOptions): RandomWalkMetropolis {
  const { scale } = options;
  assertPositive('scale', scale, 'It is the standard deviation of the Gaussian proposal.');
  const kernel = metropolisHastingsKernel({
    name: 'randomWalkMetropolis',
    propose: (key: Key, x: tf.Tensor) => tf.add(x, tf.mul(scale, normal(key, x.shape))),
  });
  return {
    ...kernel,
    stepSize: scale,
    withStepSize: (stepSize: number) => randomWalkMetropolis({ scale: stepSize }),
  };
}
