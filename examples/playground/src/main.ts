/**
 * The page: controls bound to the URL, the training worker, and the plots. The page never touches
 * tfjs itself; the worker trains and sends numbers.
 */
import type { Command, Report, ViewData } from './messages.js';
import { clear, drawCurves, drawDensity, drawPoints, fromPixel } from './plots.js';
import {
  BACKENDS,
  DATA_NAMES,
  MODEL_SIZES,
  OBJECTIVES,
  SAMPLERS,
  type Settings,
  settingsFromQuery,
  settingsToQuery,
} from './settings.js';

/** What the page knows of the run; also on `window.ebmPlayground` for the end-to-end test and the curious. */
export interface PlaygroundState {
  status: 'idle' | 'starting' | 'training' | 'paused' | 'done' | 'error';
  backend?: string;
  threads?: number;
  crossOriginIsolated?: boolean;
  resumedFrom?: number;
  step: number;
  totalSteps: number;
  /** Loss of every step since the run (re)started, from step `firstStep`. */
  losses: number[];
  firstStep: number;
  evaluations: { step: number; nll: number; gap?: number }[];
  stepsPerSecond: number;
  /** When the run stopped: steps per second of training alone (views and evaluations excluded). */
  trainStepsPerSecond?: number;
  views: number;
  error?: string;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const canvases = { density: byId<HTMLCanvasElement>('density'), samples: byId<HTMLCanvasElement>('samples'), curves: byId<HTMLCanvasElement>('curves') };
const statusLine = byId<HTMLDivElement>('status');
const buttons = { train: byId<HTMLButtonElement>('train'), pause: byId<HTMLButtonElement>('pause'), reset: byId<HTMLButtonElement>('reset'), clearDrawing: byId<HTMLButtonElement>('clear-drawing') };
const selects = { data: DATA_NAMES, objective: OBJECTIVES, sampler: SAMPLERS, size: MODEL_SIZES, backend: BACKENDS } as const;
const numbers = ['steps', 'lr', 'batch', 'seed'] as const;
/** Whether this browser has a WebGPU adapter (the webgpu option is disabled otherwise). */
let hasWebGpu = false;

let settings: Settings = settingsFromQuery(location.search);
let points: number[] = [...settings.points];
let data: Float32Array = new Float32Array();
let lastView: ViewData | undefined;
const state: PlaygroundState = { status: 'idle', step: 0, totalSteps: settings.steps, losses: [], firstStep: 1, evaluations: [], stepsPerSecond: 0, views: 0 };
(window as unknown as { ebmPlayground: PlaygroundState }).ebmPlayground = state;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (command: Command) => worker.postMessage(command);
worker.onerror = (event) => {
  state.status = 'error';
  state.error = `the training worker failed to load: ${event.message}`;
  console.error(state.error);
  setStatus();
};

/** Fills the controls from `settings`. */
function showSettings(): void {
  for (const [id, options] of Object.entries(selects)) {
    const select = byId<HTMLSelectElement>(id);
    if (select.options.length === 0) {
      for (const option of options) {
        select.add(new Option(option, option));
      }
    }
    select.value = String(settings[id as keyof typeof selects]);
  }
  const webgpu = byId<HTMLSelectElement>('backend').querySelector<HTMLOptionElement>('option[value="webgpu"]')!;
  webgpu.disabled = !hasWebGpu;
  webgpu.title = hasWebGpu ? '' : 'This browser has no WebGPU adapter';
  for (const id of numbers) byId<HTMLInputElement>(id).value = String(settings[id]);
  const drawing = settings.data === 'drawn';
  buttons.clearDrawing.hidden = !drawing;
  canvases.density.classList.toggle('drawing', drawing);
  byId('density-caption').textContent = drawing
    ? 'Draw your data here (hold the mouse button and move); model density exp(-E(x)) / Z behind it'
    : 'Model density exp(-E(x)) / Z, training data in white';
}

/** Reads the controls into `settings` and the URL; a running run pauses (its settings changed). */
function readSettings(): void {
  const query = new URLSearchParams();
  for (const id of Object.keys(selects)) query.set(id, byId<HTMLSelectElement>(id).value);
  for (const id of numbers) query.set(id, byId<HTMLInputElement>(id).value);
  settings = settingsFromQuery(query.toString());
  settings = { ...settings, points: settings.data === 'drawn' ? points : [] };
  history.replaceState(null, '', `${location.pathname}?${settingsToQuery(settings)}`);
  if (state.status === 'training' || state.status === 'starting') send({ type: 'pause' });
  showSettings();
  redraw();
}

function setStatus(): void {
  const s = state;
  const lines: string[] = [];
  if (s.backend) {
    const threads = s.backend === 'wasm' ? `, ${s.threads} thread${s.threads === 1 ? '' : 's'}` : '';
    lines.push(`backend ${s.backend}${threads}; cross-origin isolated: ${s.crossOriginIsolated ? 'yes' : 'no'}${s.resumedFrom ? `; resumed from the checkpoint at step ${s.resumedFrom}` : ''}`);
  }
  const last = s.losses.at(-1);
  const evaluation = s.evaluations.at(-1);
  const nll = evaluation ? `  exact NLL ${evaluation.nll.toFixed(3)}${evaluation.gap === undefined ? '' : ` (gap ${evaluation.gap.toFixed(3)})`} at step ${evaluation.step}` : '';
  const progress = `step ${s.step}/${s.totalSteps}${last === undefined ? '' : `  loss ${last.toFixed(4)}`}  ${s.stepsPerSecond.toFixed(1)} steps/s${nll}`;
  const label = { idle: 'ready', starting: 'starting...', training: 'training', paused: `paused at step ${s.step} (checkpoint saved in IndexedDB)`, done: `done: ${s.step} steps (${s.trainStepsPerSecond?.toFixed(1)} steps/s training alone)`, error: `error: ${s.error}` }[s.status];
  lines.push(`${label}  |  ${progress}`);
  statusLine.textContent = lines.join('\n');
  buttons.train.disabled = s.status === 'training' || s.status === 'starting';
  buttons.pause.disabled = !buttons.train.disabled;
}

let frame = 0;
/** Redraws every plot on the next animation frame. */
function redraw(): void {
  if (frame !== 0) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    if (lastView) drawDensity(canvases.density, lastView.density, lastView.grid);
    else clear(canvases.density, '#000');
    drawPoints(canvases.density, settings.data === 'drawn' ? points : data, 'rgba(255,255,255,0.7)', 1);
    clear(canvases.samples, '#111');
    if (lastView) drawPoints(canvases.samples, lastView.samples, '#ffa94d', 1.5);
    const withGap = state.evaluations.every((e) => e.gap !== undefined);
    drawCurves(canvases.curves, {
      firstStep: state.firstStep,
      losses: state.losses,
      evaluations: state.evaluations.map((e) => ({ step: e.step, value: withGap ? e.gap! : e.nll })),
      label: withGap ? 'NLL gap' : 'NLL',
      totalSteps: state.totalSteps,
    });
  });
}

worker.onmessage = (event: MessageEvent<Report>) => {
  const report = event.data;
  switch (report.type) {
    case 'started':
      Object.assign(state, { status: 'training', backend: report.backend, threads: report.threads, crossOriginIsolated: report.crossOriginIsolated, resumedFrom: report.resumedFrom });
      state.step = report.resumedFrom;
      state.firstStep = report.resumedFrom + 1;
      state.losses = [];
      state.evaluations = state.evaluations.filter((e) => e.step <= report.resumedFrom);
      data = report.data;
      break;
    case 'progress':
      state.step = report.step;
      state.totalSteps = report.totalSteps;
      state.losses.push(...report.losses);
      state.stepsPerSecond = report.stepsPerSecond;
      break;
    case 'view':
      lastView = report;
      state.views += 1;
      if (report.nll !== undefined) state.evaluations.push({ step: report.step, nll: report.nll, ...(report.gap === undefined ? {} : { gap: report.gap }) });
      break;
    case 'stopped':
      state.step = report.step;
      state.trainStepsPerSecond = report.trainStepsPerSecond;
      state.status = report.completed ? 'done' : 'paused';
      break;
    case 'reset':
      Object.assign(state, { status: 'idle', step: 0, losses: [], evaluations: [], resumedFrom: 0, stepsPerSecond: 0 });
      lastView = undefined;
      break;
    case 'error':
      state.status = 'error';
      state.error = `${report.name}: ${report.message}`;
      console.error(`Training failed: ${state.error}`);
      break;
  }
  setStatus();
  redraw();
};

buttons.train.onclick = () => {
  state.status = 'starting';
  state.totalSteps = settings.steps;
  setStatus();
  send({ type: 'train', settings });
};
buttons.pause.onclick = () => send({ type: 'pause' });
buttons.reset.onclick = () => send({ type: 'reset', settings });
buttons.clearDrawing.onclick = () => {
  points = [];
  readSettings();
};
for (const id of [...Object.keys(selects), ...numbers]) byId(id).addEventListener('change', readSettings);

// Drawing: while the button is down, each move adds a point (at least 0.1 from the last one).
let drawing = false;
const addPoint = (event: PointerEvent) => {
  const [x, y] = fromPixel(canvases.density, event.offsetX, event.offsetY);
  const n = points.length;
  if (n === 0 || Math.hypot(x - points[n - 2]!, y - points[n - 1]!) >= 0.1) points.push(x, y);
  redraw();
};
canvases.density.addEventListener('pointerdown', (event) => {
  if (settings.data !== 'drawn') return;
  drawing = true;
  canvases.density.setPointerCapture(event.pointerId);
  addPoint(event);
});
canvases.density.addEventListener('pointermove', (event) => drawing && addPoint(event));
canvases.density.addEventListener('pointerup', () => {
  if (!drawing) return;
  drawing = false;
  readSettings();
});

showSettings();
setStatus();
redraw();
const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
void (gpu?.requestAdapter() ?? Promise.resolve(null)).then(
  (adapter) => {
    hasWebGpu = adapter !== null;
    showSettings();
  },
  () => undefined,
);
