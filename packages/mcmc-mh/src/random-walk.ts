import * as tf from '@tensorflow/tfjs';
import {
  type AdaptableSampler,
  type InverseMass,
  type MetricChainState,
  type MetropolisInfo,
  adaptableSampler,
  assertPositive,
  metropolisHastingsStep,
  preconditionedNoise,
} from '@ebm/core';

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
  /** Scale `s` > 0 of the Gaussian proposal (its standard deviation when unpreconditioned). Tune it with `dualAveraging`. */
  readonly scale: number;
  /**
   * The proposal's covariance shape `Sigma` (a preconditioner): a diagonal of one variance per
   * coordinate, or a dense D x D SPD matrix; default the identity. Set it to (an estimate of) the
   * target's covariance; `windowAdaptation` estimates it.
   */
  readonly inverseMass?: InverseMass;
}

/** Random-walk chain state: the position, its cached energy, and the preconditioner. */
export type RandomWalkState = MetricChainState;

/** Random-walk Metropolis as an adaptable sampler: its `stepSize` is the proposal scale. */
export type RandomWalkMetropolis = AdaptableSampler<RandomWalkState, MetropolisInfo>;

/**
 * Random-walk Metropolis (Metropolis et al. 1953) with the Gaussian proposal
 *
 *   x' = x + s * xi,   xi ~ N(0, Sigma)   (Sigma = I unless `inverseMass` is given),
 *
 * accepted with probability `min(1, exp(E(x) - E(x')))` (the proposal is symmetric; core's
 * `metropolisHastingsStep`). One energy evaluation per step, no gradient, no device read. Works on
 * any batch shape (axis 0 = chains). Its `stepSize` is `scale`, so
 * `dualAveraging(randomWalkMetropolis({ scale }))` tunes it to its `targetAcceptance`, the 0.234
 * of Roberts, Gelman & Gilks (1997); `windowAdaptation` tunes the scale and `Sigma` together.
 *
 * @example
 * const rwm = randomWalkMetropolis({ scale: 0.5 });
 * const { samples, acceptanceRate } = sampleChain(rwm, { energy, init: tf.zeros([64, 2]), key: prngKey(0), numSteps: 2000 });
 */
export function randomWalkMetropolis(options: RandomWalkMetropolisOptions): RandomWalkMetropolis {
  const { scale } = options;
  assertPositive('scale', scale, 'It is the standard deviation of the Gaussian proposal.');
  return adaptableSampler<RandomWalkState, MetropolisInfo>({
    name: 'randomWalkMetropolis',
    stepSize: scale,
    inverseMass: options.inverseMass,
    targetAcceptance: RWM_TARGET_ACCEPTANCE,
    gradient: false,
    rebuild: ({ stepSize, inverseMass }) => randomWalkMetropolis({ scale: stepSize ?? scale, inverseMass: inverseMass ?? options.inverseMass }),
    transition(key, state, energy) {
      const { position, metric } = state;
      return metropolisHastingsStep(key, { position, energy: state.energy }, (proposalKey) => {
        const proposal = tf.add(position, tf.mul(scale, preconditionedNoise(proposalKey, metric, position.shape)));
        return { proposed: { position: proposal, energy: energy(proposal) } };
      });
    },
  });
}
