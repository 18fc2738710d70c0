/** Deterministic samplers for tests: they make the negatives a known function of the chain start. */
import * as tf from '@tensorflow/tfjs';
import type { ChainState, Sampler } from '@ebm/core';

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
