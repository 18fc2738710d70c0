/** Deterministic samplers for tests: they make the negatives a known function of the chain start. */
import * as tf from '@tensorflow/tfjs';
import type { ChainState, Sampler, StepInfo } from '@ebm/core';

/**
 * `x -> scale * x + shift` each step, no randomness and no acceptance rate; `starts` records a copy
 * of the position each step begins from (the caller disposes them).
 */
export function affineSampler(scale: number, shift: number, starts?: tf.Tensor[]): Sampler<ChainState> {
  return {
    name: 'affine',
    init: (position) => ({ position: tf.clone(position) }),
    step: (_key, state) => {
      // tf.keep: the copy outlives the objective's tf.tidy.
      if (starts) starts.push(tf.keep(tf.clone(state.position)));
      return [{ position: tf.tidy(() => tf.add(tf.mul(state.position, scale), shift)) }, {}] as const;
    },
  };
}

/** `sampler` with every step reporting the constant `acceptanceRate` as a device scalar (as MH kernels do), for the acceptance metric. */
export function withAcceptance(sampler: Sampler<ChainState>, acceptanceRate: number): Sampler<ChainState, Required<StepInfo>> {
  return {
    name: `${sampler.name}+acceptance`,
    init: sampler.init,
    step: (key, state, energy) => {
      const [next] = sampler.step(key, state, energy);
      return [next, { acceptanceRate: tf.scalar(acceptanceRate) }] as const;
    },
  };
}
