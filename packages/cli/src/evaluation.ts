/**
 * Evaluating a run: exact test NLL by quadrature (@ebm/eval), MMD between model samples and test
 * data, the pictures, `summary.json` and the summary table.
 */
import * as tf from '@tensorflow/tfjs';
import { disposeState, foldIn, sampleChain, split } from '@ebm/core';
import type { Box2d } from '@ebm/core/math';
import { type Nll2dResult, densityGrid, mmd, nll2d } from '@ebm/eval';
import { DivergedError } from './failures.js';
import type { Interrupts } from './interrupt.js';
import type { Io } from './io.js';
import { densitySpec, lossSpec, renderPng } from './plots.js';
import { RunFolder, type Summary } from './run-folder.js';
import { CHAIN_START } from './samplers.js';
import type { Session } from './session.js';
import { formatTable } from './table.js';

/** Grid cells per axis for the quadrature of log Z during training: 40k energy evaluations, a fraction of a second on wasm. */
const TRAIN_GRID = 200;
/** Grid cells per axis for the final evaluation (its error bound, `logZError`, was 1e-9 nats on the default run). */
const FINAL_GRID = 400;
/** Grid nodes per axis of the density heatmap. */
const PLOT_GRID = 100;
/** Data points drawn on the density picture. */
const PLOT_POINTS = 1000;

/**
 * How much larger than the data set's box the quadrature box is, per side: a trained energy may
 * put mass beyond the data, and log Z must count it (what is still outside is in `errorBound`).
 */
const QUADRATURE_BOX_SCALE = 1.5;

/**
 * How much worse than a constant energy a model's test NLL may be before the run counts as
 * diverged: a model that gives the test data `e^10` (about 22,000) times less probability than
 * the uniform density on the quadrature box has learnt nothing and its numbers mean nothing (a
 * PCD run with `--step-size 1e6` reaches 347,000 nats; an untrained MLP stays within a nat or two
 * of the uniform).
 */
const DIVERGENCE_MARGIN = 10;

/** The data set's box scaled by {@link QUADRATURE_BOX_SCALE} about its centre. */
function quadratureBox(session: Session): Box2d {
  const scale = ([lo, hi]: readonly [number, number]): [number, number] => {
    const [mid, half] = [(lo + hi) / 2, ((hi - lo) / 2) * QUADRATURE_BOX_SCALE];
    return [mid - half, mid + half];
  };
  return [scale(session.dataset.box[0]), scale(session.dataset.box[1])];
}

/** The test NLL of the session's model: mean energy of the test set plus log Z by quadrature. */
export function evaluateNll(session: Session, grid = TRAIN_GRID): Nll2dResult {
  return nll2d(session.model.energy, session.test, { box: quadratureBox(session), grid });
}

/**
 * `n` model samples `[n, 2]`: `steps` steps of the run's sampler from {@link CHAIN_START}, or, when
 * the model is the run's flow, `n` exact draws of the flow. The caller disposes them.
 */
export function drawSamples(session: Session, n: number, steps: number, key = session.sampleKey): tf.Tensor2D {
  if (session.flow !== undefined && session.model === session.flow) return session.flow.sample(key, n);
  const [initKey, chainKey] = split(key);
  const init = CHAIN_START.sample(initKey!, n);
  const { finalState } = sampleChain(session.sampler, {
    energy: session.model.energy,
    init,
    key: chainKey!,
    numSteps: steps,
    collect: false,
  });
  const position = tf.clone(finalState.position) as tf.Tensor2D;
  init.dispose();
  disposeState(finalState);
  return position;
}

/**
 * What makes a run diverged, one sentence each: any of `values` not finite (loss, NLL, MMD; an
 * image run's Fréchet distances and PSNRs, named by their summary.json fields), or a test NLL more
 * than {@link DIVERGENCE_MARGIN} nats above `uniformNll`, that of a constant energy: `log area` of
 * the quadrature box for a density of points; for a conditional run, `log volume` of the target
 * box, or `log K` for a classifier of K classes; for an RBM, `D log 2` for D binary pixels.
 *
 * @example
 * divergence({ loss: Number.NaN, nll: 3.1 }, Math.log(64)); // ['loss is NaN']
 */
export function divergence(values: Readonly<Record<string, number | undefined>>, uniformNll: number): string[] {
  const problems = Object.entries(values)
    .filter((entry): entry is [string, number] => entry[1] !== undefined && !Number.isFinite(entry[1]))
    .map(([name, value]) => `${name} is ${value}`);
  const nll = values.nll;
  if (nll !== undefined && Number.isFinite(nll) && nll > uniformNll + DIVERGENCE_MARGIN) {
    problems.push(`the test NLL ${nll.toFixed(1)} is ${(nll - uniformNll).toFixed(1)} nats worse than a constant energy's (${uniformNll.toFixed(2)})`);
  }
  return problems;
}

/** Evaluates the trained model: NLL, floor, gap, MMD, with the run's seconds and steps, whether it diverged, and warnings. */
export function evaluateRun(session: Session, folder: RunFolder, steps: number, samples: tf.Tensor2D): Summary {
  const { config, dataset } = session;
  const last = folder.readMetrics().lines.at(-1);
  const quadrature = evaluateNll(session, FINAL_GRID);
  const testSubset = tf.slice(session.test, [0, 0], [Math.min(samples.shape[0], session.test.shape[0]), 2]);
  const mmdValue = mmd(samples, testSubset).mmd2;
  testSubset.dispose();
  const flowNll = trainedFlowNll(session);
  const loss = last?.loss ?? Number.NaN;
  const [[x0, x1], [y0, y1]] = quadratureBox(session);
  const problems = divergence({ loss, nll: quadrature.nll, mmd: mmdValue }, Math.log((x1 - x0) * (y1 - y0)));
  const logZError = quadrature.partition.errorBound;
  const warnings = Number.isFinite(logZError)
    ? []
    : [
        `logZError is ${logZError}: the model density does not fall off at the edge of the quadrature box, so the test NLL counts the box only ` +
          '(an undertrained or diverging model)',
      ];
  return {
    dataset: config.dataset,
    objective: config.objective,
    steps,
    seconds: last?.seconds ?? 0,
    status: problems.length === 0 ? 'completed' : 'diverged',
    ...(problems.length === 0 ? {} : { problems }),
    ...(warnings.length === 0 ? {} : { warnings }),
    nll: quadrature.nll,
    ...(dataset.entropy === undefined ? {} : { nllFloor: dataset.entropy, gap: quadrature.nll - dataset.entropy }),
    logZError,
    mmd: mmdValue,
    ...(flowNll === undefined ? {} : { flowNll, ...(dataset.entropy === undefined ? {} : { flowGap: flowNll - dataset.entropy }) }),
    loss,
    backend: config.backend,
  };
}

/**
 * The exact test NLL `-mean log q(x)` of the flow an objective trained WITH the model (fce), or
 * undefined when the run has no such flow (when the flow is the model, `nll` is its NLL already).
 */
function trainedFlowNll(session: Session): number | undefined {
  const { flow, model, test } = session;
  if (flow === undefined || flow === model) return undefined;
  return tf.tidy(() => tf.neg(tf.mean(flow.logProb(test))).dataSync()[0]!);
}

/** The title of a density picture: data set, objective, what is drawn, and its test NLL and gap when known. */
function pictureTitle(session: Session, nll: number | undefined, gap: number | undefined, subject = ''): string {
  const { config } = session;
  const numbers = nll === undefined ? '' : ` · test NLL ${nll.toFixed(3)}${gap === undefined ? '' : `, gap ${gap.toFixed(3)}`}`;
  return `${config.dataset} · ${config.objective}${subject}${numbers}`;
}

/**
 * The summary of a run whose training stopped on a non-finite loss (`fit`'s NonFiniteError), at
 * the last finite step: `run` names its data set, objective and backend (a 2-D or conditional
 * run's config; an image run's description).
 */
export function divergedTrainingSummary(
  run: { readonly dataset: string; readonly objective: string; readonly backend: string },
  folder: RunFolder,
  problem: string,
): Summary {
  const last = folder.readMetrics().lines.at(-1);
  return {
    dataset: run.dataset,
    objective: run.objective,
    steps: last?.step ?? 0,
    seconds: last?.seconds ?? 0,
    status: 'diverged',
    problems: [problem],
    loss: Number.NaN,
    backend: run.backend,
  };
}

/**
 * Draws `density.png` (model density with data and samples) and `loss.png`; for a run with a flow
 * trained with the model (fce), also `flow.png` (the flow's density with data and flow samples).
 */
export async function drawPictures(session: Session, folder: RunFolder, samples: tf.Tensor2D, summary: Summary | undefined): Promise<void> {
  const { config, dataset, flow } = session;
  const grid = densityGrid(session.model.energy, { box: dataset.box, grid: PLOT_GRID });
  const shown = tf.slice(session.test, [0, 0], [Math.min(PLOT_POINTS, session.test.shape[0]), 2]);
  const dataPoints = (await shown.array()) as number[][];
  shown.dispose();
  const samplePoints = (await samples.array()) as number[][];
  await folder.writePicture('density', await renderPng(densitySpec(grid, dataPoints, samplePoints, pictureTitle(session, summary?.nll, summary?.gap))));
  if (flow !== undefined && flow !== session.model) {
    const flowGrid = densityGrid(flow.energy, { box: dataset.box, grid: PLOT_GRID });
    const flowSamples = flow.sample(foldIn(session.sampleKey, 1), samples.shape[0]);
    const flowPoints = (await flowSamples.array()) as number[][];
    flowSamples.dispose();
    const title = pictureTitle(session, summary?.flowNll, summary?.flowGap, ' · flow');
    await folder.writePicture('flow', await renderPng(densitySpec(flowGrid, dataPoints, flowPoints, title, 'flow')));
  }
  await folder.writePicture(
    'loss',
    await renderPng(lossSpec(folder.readMetrics().lines, `${config.dataset} · ${config.objective} · ${config.steps} steps`, dataset.entropy)),
  );
}

/** The summary table printed at the end of `ebm train` and by `ebm eval`. */
export function summaryTable(summary: Summary): string {
  return formatTable(
    ['metric', 'value'],
    [
      ['test NLL (nats)', summary.nll],
      ['NLL floor', summary.nllFloor],
      ['gap', summary.gap],
      ['MMD^2', summary.mmd === undefined ? undefined : summary.mmd.toExponential(2)],
      ...(summary.flowNll === undefined ? [] : [['flow test NLL', summary.flowNll], ['flow gap', summary.flowGap]] as const),
      ['steps', String(summary.steps)],
      ['time (s)', summary.seconds.toFixed(1)],
      ...(summary.status === 'diverged' ? [['status', 'DIVERGED']] : []),
    ],
    4,
  );
}

/**
 * After training: evaluate, write summary.json, draw the pictures, print the table; between
 * these phases a Ctrl-C stops with what is saved said. A diverged run (see {@link evaluateRun})
 * gets its summary (with `status: "diverged"`) and pictures, then throws a `DivergedError`.
 */
export async function finishRun(session: Session, folder: RunFolder, steps: number, io: Io, interrupts: Interrupts): Promise<Summary> {
  const interrupted = `Interrupted during the final evaluation: training is complete (checkpoint step ${steps} saved). Finish it with: ebm train --out ${folder.dir} --resume`;
  interrupts.check(interrupted);
  const samples = drawSamples(session, session.config.sampleSize, session.config.sampleSteps);
  let summary: Summary;
  try {
    interrupts.check(interrupted);
    summary = evaluateRun(session, folder, steps, samples);
    interrupts.check(interrupted);
    await folder.writeSummary(summary);
    interrupts.check(`Interrupted while drawing the pictures: summary.json is written. Redraw them with: ebm plot ${folder.dir}`);
    await drawPictures(session, folder, samples, summary);
  } finally {
    samples.dispose();
  }
  const pictures = session.flow !== undefined && session.flow !== session.model ? 'density.png, flow.png' : 'density.png';
  io.out(`\n${summaryTable(summary)}\n\nRun folder: ${folder.dir} (summary.json, ${pictures}, loss.png, metrics.jsonl, checkpoint/)\n`);
  warn(summary, io);
  assertConverged(summary);
  return summary;
}

/** Prints the summary's warnings as notes on stderr. */
export function warn(summary: Summary, io: Io): void {
  for (const warning of summary.warnings ?? []) io.err(`note: ${warning}.\n`);
}

/** Throws a `DivergedError` (exit code 3) naming the problems when `summary` (a 2-D, conditional or image run's) says the run diverged. */
export function assertConverged(summary: Pick<Summary, 'status' | 'problems'>): void {
  if (summary.status !== 'diverged') return;
  throw new DivergedError(
    `The run diverged: ${(summary.problems ?? []).join('; ')} (summary.json has status "diverged"). ` +
      "Lower --learning-rate or the sampler's --step-size, and train again with --force.",
  );
}
