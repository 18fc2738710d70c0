/**
 * The playground's settings and their place in the URL: every choice is a query parameter, so a
 * link reproduces a run (`?data=moons&objective=ssm&backend=webgl`), and the points drawn with the
 * mouse travel in the URL too, packed into 3 bytes each.
 */
import type { ToyDatasetName } from '@ebm/datasets';

/**
 * The toy data sets of @ebm/datasets by name. Listed here, not imported, so that the page does
 * not load tfjs (only the worker does); the check below fails to compile when the lists differ.
 */
export const TOY_NAMES = ['8gaussians', 'checkerboard', 'moons', 'swissroll', 'circles', 'rings', 'pinwheel', '2spirals'] as const satisfies readonly ToyDatasetName[];
const everyToyListed: Exclude<ToyDatasetName, (typeof TOY_NAMES)[number]> extends never ? true : false = true;
void everyToyListed;

/** The objectives the playground offers (the names of the CLI's recipes). */
export const OBJECTIVES = ['nce', 'pcd', 'replay', 'dsm', 'ssm'] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

/** The samplers that draw the model samples (and the negatives of pcd and replay). */
export const SAMPLERS = ['langevin', 'mala', 'hmc', 'rwm'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** The tfjs backends the playground can train on (webgpu only where the browser has it). */
export const BACKENDS = ['wasm', 'webgl', 'webgpu', 'cpu'] as const;
export type PlaygroundBackend = (typeof BACKENDS)[number];

/** Model sizes: the MLP's hidden widths. */
export const MODEL_SIZES = ['32', '32,32', '64,64', '128,128', '64,64,64'] as const;
export type ModelSize = (typeof MODEL_SIZES)[number];

/** `'drawn'`: the points drawn with the mouse; otherwise a toy data set of @ebm/datasets. */
export type DataName = ToyDatasetName | 'drawn';

export interface Settings {
  readonly data: DataName;
  /** The drawn points (x0, y0, x1, y1, ...), in the box; empty unless drawn. */
  readonly points: readonly number[];
  readonly objective: ObjectiveName;
  readonly sampler: SamplerName;
  readonly size: ModelSize;
  readonly backend: PlaygroundBackend;
  /** Adam's initial learning rate (cosine decay to 0 over `steps`). */
  readonly lr: number;
  readonly batch: number;
  /** Training steps in all (a resumed run continues to this count). */
  readonly steps: number;
  readonly seed: number;
}

/** The default recipe: the CLI's (NCE, MLP 64-64, Adam 3e-3 cosine, batch 256) on 8gaussians, on wasm. */
export const DEFAULT_SETTINGS: Settings = {
  data: '8gaussians',
  points: [],
  objective: 'nce',
  sampler: 'langevin',
  size: '64,64',
  backend: 'wasm',
  lr: 3e-3,
  batch: 256,
  steps: 2000,
  seed: 0,
};

/** Every data set and the drawn one. */
export const DATA_NAMES: readonly DataName[] = [...TOY_NAMES, 'drawn'];

/** The square every data set lives in, for drawing, plots and the exact log Z. */
export const BOX: readonly [readonly [number, number], readonly [number, number]] = [
  [-4.5, 4.5],
  [-4.5, 4.5],
];

/** Drawn coordinates are quantised to 12 bits over the box: 9 / 4095 = 0.002 units. */
const LEVELS = 4095;

/** Packs points (x, y pairs in the box) as 12-bit pairs, 3 bytes per point, in base64url. */
export function encodePoints(points: readonly number[]): string {
  const [[lo, hi]] = BOX;
  const q = (v: number) => Math.round(((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * LEVELS);
  const bytes = new Uint8Array((points.length / 2) * 3);
  for (let i = 0; i < points.length / 2; i++) {
    const x = q(points[2 * i]!);
    const y = q(points[2 * i + 1]!);
    bytes[3 * i] = x >> 4;
    bytes[3 * i + 1] = ((x & 15) << 4) | (y >> 8);
    bytes[3 * i + 2] = y & 255;
  }
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The inverse of {@link encodePoints}. */
export function decodePoints(text: string): number[] {
  const [[lo, hi]] = BOX;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const points: number[] = [];
  for (let i = 0; i + 2 < binary.length; i += 3) {
    const [a, b, c] = [binary.charCodeAt(i), binary.charCodeAt(i + 1), binary.charCodeAt(i + 2)];
    points.push(lo + (((a << 4) | (b >> 4)) / LEVELS) * (hi - lo), lo + ((((b & 15) << 8) | c) / LEVELS) * (hi - lo));
  }
  return points;
}

function pick<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function positive(value: string | null, fallback: number, integer = false): number {
  const n = value === null ? Number.NaN : Number(value);
  return Number.isFinite(n) && n > 0 && (!integer || Number.isInteger(n)) ? n : fallback;
}

/** The settings in a query string; missing or invalid values take their defaults. */
export function settingsFromQuery(query: string): Settings {
  const q = new URLSearchParams(query);
  const d = DEFAULT_SETTINGS;
  const data = q.get('data');
  return {
    data: pick(data, DATA_NAMES, d.data),
    points: data === 'drawn' && q.get('points') ? decodePoints(q.get('points')!) : [],
    objective: pick(q.get('objective'), OBJECTIVES, d.objective),
    sampler: pick(q.get('sampler'), SAMPLERS, d.sampler),
    size: pick(q.get('size'), MODEL_SIZES, d.size),
    backend: pick(q.get('backend'), BACKENDS, d.backend),
    lr: positive(q.get('lr'), d.lr),
    batch: positive(q.get('batch'), d.batch, true),
    steps: positive(q.get('steps'), d.steps, true),
    seed: q.get('seed') !== null && Number.isInteger(Number(q.get('seed'))) && Number(q.get('seed')) >= 0 ? Number(q.get('seed')) : d.seed,
  };
}

/** The query string of `settings`: only the values that differ from the defaults. */
export function settingsToQuery(settings: Settings): string {
  const q = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    if (key === 'points') continue;
    if (settings[key] !== DEFAULT_SETTINGS[key]) q.set(key, String(settings[key]));
  }
  if (settings.data === 'drawn' && settings.points.length > 0) q.set('points', encodePoints(settings.points));
  return q.toString();
}

/**
 * The name of the IndexedDB checkpoint store of a run: everything that determines the training
 * except the backend (a run paused on webgl resumes on wasm).
 */
export function runName(settings: Settings): string {
  const { backend: _backend, ...rest } = settings;
  const text = JSON.stringify(rest);
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return `ebm-playground-${hash.toString(16).padStart(8, '0')}`;
}
