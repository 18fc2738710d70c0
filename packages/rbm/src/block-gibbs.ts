import * as tf from '@tensorflow/tfjs';
import { type ChainState, type Sampler, type StepInfo, assertChainState, assertInteger, foldIn, split, startCheckEnabled } from '@ebm/core';
import type { RBM } from './rbm.js';

/** Options of {@link blockGibbs}. */
export interface BlockGibbsOptions {
  /** Full Gibbs sweeps `h ~ p(h | v), v ~ p(v | h)` per `step` (default 1). */
  readonly k?: number;
}

/**
 * Block Gibbs sampling for an RBM as a core `Sampler`: each of the `k` sweeps per `step` draws all
 * hidden units at once from `p(h | v)`, then all visible units from `p(v | h)`. The chain leaves
 * `p(v) = exp(-F(v)) / Z` invariant, so it is the negative-phase sampler for contrastive
 * divergence: `contrastiveDivergence({ sampler: blockGibbs(rbm), k: 1 })` from @ebm/cd is CD-1
 * (Hinton 2002), and with `init: 'persistent'` it is PCD (Tieleman 2008).
 *
 * The sampler reads the RBM's current parameters; the `energy` passed to `init` and `step` (the
 * RBM's free energy, as objectives pass it) is not evaluated. Each state owns its `position`
 * `[chains, visible]`. As the core `Sampler` contract asks, `init` copies its input (after
 * `rbm.assertVisible`: shape, and values in [0, 1] for a Bernoulli RBM, one read per chain
 * start unless `init`'s options say `check: false`), and `step` reads nothing from the device and
 * returns a fresh state with empty info (Gibbs moves are always accepted).
 *
 * @example
 * const sampler = blockGibbs(rbm, { k: 1 });
 * let state = sampler.init(start, rbm.energy);
 * const [next] = sampler.step(key, state, rbm.energy);
 * disposeState(state); state = next;
 */
export function blockGibbs(rbm: RBM, options: BlockGibbsOptions = {}): Sampler<ChainState, StepInfo> {
  const k = options.k ?? 1;
  assertInteger('k', k);
  return {
    name: `block-gibbs(k=${k})`,
    init: (position, _energy, initOptions) => {
      // The value check (in [0, 1] for a Bernoulli RBM) reads the device: skipped with `check: false` and on GPU
      // backends (core's startCheckEnabled); the shape check stays.
      rbm.assertVisible(position, 'position', startCheckEnabled(initOptions));
      return { position: tf.clone(position) };
    },
    step: (key, state) => {
      assertChainState(state, 'blockGibbs');
      // k >= 1, so the result is always a new tensor, never state.position.
      const position = tf.tidy(() => {
        let v = state.position;
        for (let sweep = 0; sweep < k; sweep++) {
          const [hiddenKey, visibleKey] = split(foldIn(key, sweep), 2);
          v = rbm.sampleVisible(visibleKey!, rbm.sampleHidden(hiddenKey!, v));
        }
        return v;
      });
      return [{ position }, {}] as const;
    },
  };
}
