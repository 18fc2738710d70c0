/** The messages between the page (`main.ts`) and the training worker (`worker.ts`). */
import type { Settings } from './settings.js';

/** Page -> worker. */
export type Command =
  /** Train with these settings, continuing from the run's IndexedDB checkpoint when there is one. */
  | { readonly type: 'train'; readonly settings: Settings }
  /** Stop after the current step (a checkpoint is saved). */
  | { readonly type: 'pause' }
  /** Delete the run's checkpoints. */
  | { readonly type: 'reset'; readonly settings: Settings };

/** The model's picture at one step: density on a grid, model samples, and the exact NLL when computed. */
export interface ViewData {
  readonly step: number;
  /** Cells per axis of `density`. */
  readonly grid: number;
  /** `exp(-E - log Z)` at cell centres, row-major from the bottom row (row j has y = ys[j]). */
  readonly density: Float32Array;
  /** Model samples, x0 y0 x1 y1 ... */
  readonly samples: Float32Array;
  /** Exact test NLL (nats) by quadrature, on the evaluation steps. */
  readonly nll?: number;
  /** `nll - H(p)` where the data set's entropy is known. */
  readonly gap?: number;
}

/** Worker -> page. */
export type Report =
  | {
      readonly type: 'started';
      readonly backend: string;
      /** wasm threads in use (1 without cross-origin isolation). */
      readonly threads: number;
      readonly crossOriginIsolated: boolean;
      /** The checkpoint step training continues from (0: a fresh run). */
      readonly resumedFrom: number;
      /** The training data, x0 y0 x1 y1 ... (a subsample, for the plot). */
      readonly data: Float32Array;
      readonly entropy?: number;
    }
  /** Losses of the steps since the last report, and the speed over the last second. */
  | { readonly type: 'progress'; readonly step: number; readonly totalSteps: number; readonly losses: readonly number[]; readonly stepsPerSecond: number }
  | ({ readonly type: 'view' } & ViewData)
  /** `trainStepsPerSecond`: steps run / time in `fit`, without the time spent on views and evaluations. */
  | { readonly type: 'stopped'; readonly step: number; readonly completed: boolean; readonly trainStepsPerSecond: number }
  | { readonly type: 'reset' }
  | { readonly type: 'error'; readonly name: string; readonly message: string };
