/**
 * What the page shows of the model: its normalised density on a grid, samples from persistent
 * chains, and the exact test NLL. They are computed on a mirror of the model on the wasm (or cpu)
 * backend, refreshed from the trained weights with asynchronous reads, so that training on webgl
 * or webgpu never reads from the GPU synchronously (@ebm/eval reads synchronously, and on webgpu a
 * synchronous read can break the device).
 */
import * as tf from '@tensorflow/tfjs';
import { type ChainState, type EnergyModel, type Key, type Sampler, disposeState, foldIn, normal, runChain, useBackend } from '@ebm/core';
import { mlpEnergy } from '@ebm/core/models';
import { densityGrid, nll2d } from '@ebm/eval';
import type { ViewData } from './messages.js';
import { BOX } from './settings.js';

/** Heatmap cells per axis, chains drawn, and sampler steps per refresh (the chains persist between refreshes). */
export const VIEW_GRID = 64;
export const VIEW_CHAINS = 500;
export const VIEW_CHAIN_STEPS = 40;
/** Cells per axis of the exact log Z quadrature (h = 9 / 200 = 0.045). */
export const NLL_GRID = 200;

export interface ModelView {
  /** The picture of `model`'s current weights at `step`, with the exact test NLL when `evaluate`. */
  update(model: EnergyModel, step: number, evaluate: boolean): Promise<ViewData>;
  dispose(): void;
}

export interface ModelViewOptions {
  /** The backend the view computes on (`wasm` or `cpu`), and the one training runs on. */
  readonly viewBackend: string;
  readonly trainBackend: string;
  /** The MLP's hidden widths (the mirror's architecture). */
  readonly hidden: readonly number[];
  readonly sampler: Sampler;
  readonly test: Float32Array;
  readonly entropy?: number;
  readonly key: Key;
}

/** Creates the view; call it while `viewBackend` is active. */
export function createModelView(options: ModelViewOptions): ModelView {
  const { viewBackend, trainBackend, sampler, entropy, key } = options;
  const mirror = mlpEnergy({ inputShape: [2], hidden: options.hidden, name: 'view' });
  const test = tf.tensor2d(options.test, [options.test.length / 2, 2]);
  let chains = tf.tidy(() => tf.mul(2, normal(foldIn(key, 0), [VIEW_CHAINS, 2])));
  let refreshes = 0;

  return {
    async update(model, step, evaluate) {
      const weights = await Promise.all(model.variables.map((v) => v.data()));
      await useBackend(viewBackend);
      try {
        tf.tidy(() => mirror.variables.forEach((v, i) => v.assign(tf.tensor(weights[i]!, v.shape, v.dtype))));
        const { density } = densityGrid(mirror.energy, { box: BOX as [[number, number], [number, number]], grid: VIEW_GRID });
        // The cached energy and gradient of a sampler state belong to the old weights: start afresh from the positions.
        const start = sampler.init(chains, mirror.energy);
        const { state, meanInfo } = runChain(sampler, start as ChainState, {
          energy: mirror.energy,
          key: foldIn(key, ++refreshes),
          numSteps: VIEW_CHAIN_STEPS,
        });
        disposeState(meanInfo);
        chains.dispose();
        chains = tf.clone(state.position);
        disposeState(state);
        const samples = chains.dataSync() as Float32Array;
        const view: ViewData = { step, grid: VIEW_GRID, density, samples };
        if (!evaluate) return view;
        const { nll } = nll2d(mirror.energy, test, { box: BOX as [[number, number], [number, number]], grid: NLL_GRID });
        return entropy === undefined ? { ...view, nll } : { ...view, nll, gap: nll - entropy };
      } finally {
        await useBackend(trainBackend);
      }
    },
    dispose() {
      tf.dispose([...mirror.variables, test, chains]);
    },
  };
}
