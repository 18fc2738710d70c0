import * as tf from '@tensorflow/tfjs';
import { type Key, type MetropolisHastingsState, type MetropolisInfo, type TunableSampler, assertPositive, metropolisHastings, normal } from '@ebm/core';

/**
 * Target acceptance for random-walk Metropolis: 0.234, the asymptotically optimal acceptance rate
 * of a Gaussian random walk as the dimension grows (Roberts, Gelman & Gilks 1997, "Weak
 * convergence and optimal scaling of random walk Metropolis algorithms", Ann. Appl. Probab. 7).
 * In one or two dimensions the optimum is higher (about 0.44 in 1-D), but 0.234 is the standard
 * default.
 */
export const RWM_TARGET_ACCEPTANCE = 0.234;

/** Options of {@link randomWalkMetropolis}. */
export interface RandomWalkMetropolisOptions {
  /** Standard deviation `s` of the Gaussian proposal, > 0. Tune it with `dualAveraging`. */
  readonly scale: number;
}

/** Random-walk Metropolis as a tunable sampler: its `stepSize` is the proposal scale. */
export type RandomWalkMetropolis = TunableSampler<MetropolisHastingsState, MetropolisInfo>;

/**
 * Random-walk Metropolis (Metropolis et al. 1953) with the Gaussian proposal
 *
 *   x' = x + s * xi,   xi ~ N(0, I),
 *
 * accepted with probability `min(1, exp(E(x) - E(x')))` (the proposal is symmetric; core's
 * generic `metropolisHastings` kernel). One energy evaluation per step, no gradient. Works on any
 * batch shape (axis 0 = chains). Its `stepSize` is `scale`, so
 * `dualAveraging(randomWalkMetropolis({ scale }))` tunes it to its `targetAcceptance`, the 0.234
 * of Roberts, Gelman & Gilks (1997).
 *
 * @example
 * const rwm = randomWalkMetropolis({ scale: 0.5 });
 * const { samples, acceptanceRate } = sampleChain(rwm, { energy, init: tf.zeros([64, 2]), key: prngKey(0), numSteps: 2000 });
 */
export function randomWalkMetropolis(options: RandomWalkMetropolisOptions): RandomWalkMetropolis {
  const { scale } = options;
  assertPositive('scale', scale, 'It is the standard deviation of the Gaussian proposal.');
  const kernel = metropolisHastings({
    name: 'randomWalkMetropolis',
    propose: (key: Key, x: tf.Tensor) => tf.add(x, tf.mul(scale, normal(key, x.shape))),
  });
  return {
    ...kernel,
    stepSize: scale,
    targetAcceptance: RWM_TARGET_ACCEPTANCE,
    withStepSize: (stepSize: number) => randomWalkMetropolis({ scale: stepSize }),
  };
}
