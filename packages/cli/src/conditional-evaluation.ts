/**
 * Evaluating a conditional run. On a conditional toy: the exact conditional test NLL (the model's
 * closed-form log-partition, or quadrature over y for an EBM) against the floor `-log p_data(y | x)`
 * on the same pairs, and pictures of p(y | x). On the digits: test accuracy, cross-entropy,
 * expected calibration error, out-of-distribution AUROC of log p(x) (uniform noise, and the images
 * of `--ood-images`), class-conditional samples and the reliability diagram.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import {
  type ClassifierModel,
  type ConditionalEnergyModel,
  conditionalDensityGrid,
  conditionalEnergyModel,
  conditionalNll,
  energyGivenInput,
  energyGivenTarget,
} from '@ebm/conditional';
import { disposeState, sampleChain, split, uniformDistribution } from '@ebm/core';
import type { ConditionalToyDataset } from '@ebm/datasets';
import { readIdx } from '@ebm/datasets/node';
import { auroc, densityGrid, expectedCalibrationError } from '@ebm/eval';
import { ConfigError } from './config.js';
import { type ConditionalSession, DIGIT_CLASSES } from './conditional-session.js';
import { type TitledGrid, heatmapRowsSpec, imageGridPng, reliabilitySpec } from './conditional-plots.js';
import { assertConverged, divergence, warn } from './evaluation.js';
import type { Interrupts } from './interrupt.js';
import type { Io } from './io.js';
import { lossSpec, renderPng } from './plots.js';
import type { RunFolder, Summary } from './run-folder.js';
import { formatTable } from './table.js';

/** Test pairs of the NLL logged during training (quadrature per pair: keep it a fraction of a second per 1-D evaluation). */
const TRAIN_PAIRS = 500;
/** Test pairs of the final NLL. */
const FINAL_PAIRS = 2000;
/** Quadrature cells over y: 1-D targets (training, final), 2-D targets per axis (training, final). */
const GRID_1D = [256, 512] as const;
const GRID_2D = [64, 128] as const;
/** Cells per axis of the p(y | x) pictures. */
const PLOT_GRID = 160;
/** Test points drawn on the pictures. */
const PLOT_POINTS = 1000;
/** Inputs at which the pictures of 2-D targets show p(y | x): a quarter, half and three quarters into the input range. */
const PANEL_FRACTIONS = [0.25, 0.5, 0.75] as const;
/** Uniform-noise images scored against the test digits for the noise AUROC. */
const NOISE_IMAGES = 1000;
/** Images of `--ood-images` scored (the first ones of the file). */
const OOD_IMAGES = 1000;
/** Class-conditional samples per class in samples.png (one row per class). */
const SAMPLES_PER_CLASS = 10;
/** Bins of the expected calibration error (Guo et al. 2017). */
const CALIBRATION_BINS = 15;

/**
 * Final numbers of a conditional run, as written to `summary.json`: the fields of a run's
 * `Summary` (`status` is `diverged` when the loss or the NLL is not finite, or the NLL is more
 * than 10 nats above a constant energy's), with `nll` the conditional one, and these.
 */
export interface ConditionalSummary extends Summary {
  /** Conditional test NLL `-mean log p(y | x)` in nats (exact: closed form, or quadrature over y). */
  readonly nll: number;
  /** Its standard error over the test pairs. */
  readonly standardError: number;
  /** Test pairs it was computed on. */
  readonly testPairs: number;
  /** Toys: `-mean log p_data(y | x)` on the same pairs, the gap `nll - nllFloor`, and the gap's standard error over the pairs. */
  readonly nllFloor?: number;
  readonly gap?: number;
  readonly gapStandardError?: number;
  /** Toys: the largest quadrature error bound of the log-partitions (0 for the closed-form Gaussian regression). */
  readonly logZError?: number;
  /** Digits: test accuracy, expected calibration error (15 bins), AUROC of log p(x) against uniform noise and against `--ood-images`. */
  readonly accuracy?: number;
  readonly ece?: number;
  readonly aurocNoise?: number;
  readonly aurocOod?: number;
}

/** The first `count` test pairs (or all). The caller disposes them. */
function testSubset(session: ConditionalSession, count: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const n = Math.min(count, session.test.x.shape[0]);
  return { x: tf.slice(session.test.x, [0, 0], [n, -1]), y: tf.slice(session.test.y, [0, 0], [n, -1]) };
}

/**
 * The conditional test NLL on up to `final ? 2000 : 500` test pairs: `conditionalNll`, closed form
 * for a model with a log-partition (Gaussian regression, classifier), quadrature over y otherwise.
 */
export function evaluateConditionalNll(
  session: ConditionalSession,
  final = false,
): { nll: number; standardError: number; errorBound: number; pairs: number; perPair: Float64Array } {
  const { x, y } = testSubset(session, final ? FINAL_PAIRS : TRAIN_PAIRS);
  try {
    const [first, second] = session.targetRange;
    const options =
      second === undefined
        ? { interval: first, grid: GRID_1D[final ? 1 : 0] }
        : { box: [first!, second] as const, grid: GRID_2D[final ? 1 : 0] };
    const result = conditionalNll(session.model, x, y, options);
    return { nll: result.nll, standardError: result.standardError, errorBound: result.partition.errorBound, pairs: x.shape[0], perPair: result.perPair };
  } finally {
    tf.dispose([x, y]);
  }
}

/** The toy's true conditional density as a model (energy `-log p(y | x)`), for pictures beside the learned one. */
function truthModel(toy: ConditionalToyDataset): ConditionalEnergyModel {
  return conditionalEnergyModel({
    energy: (x, y) => tf.tidy(() => tf.neg(toy.logDensity(x, y))),
    variables: [],
    inputShape: toy.inputShape,
    targetShape: toy.targetShape,
  });
}

/**
 * The floor `-mean log p_data(y | x)` on the same test pairs as `perPair` (the model's
 * `-log p(y | x)` per pair), the gap, and the gap's standard error: the pairs are iid, so it is
 * `sd_i(model_i - floor_i) / sqrt(N)`, much smaller than either NLL's own.
 */
function gapTo(session: ConditionalSession, toy: ConditionalToyDataset, perPair: Float64Array): { nllFloor: number; gap: number; gapStandardError: number } {
  const n = perPair.length;
  const { x, y } = testSubset(session, n);
  const floors = Array.from(tf.tidy(() => tf.neg(toy.logDensity(x, y)).dataSync()));
  tf.dispose([x, y]);
  const gaps = Array.from(perPair, (v, i) => v - floors[i]!);
  const gap = gaps.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(gaps.reduce((s, v) => s + (v - gap) ** 2, 0) / Math.max(n - 1, 1));
  return { nllFloor: floors.reduce((s, v) => s + v, 0) / n, gap, gapStandardError: sd / Math.sqrt(n) };
}

/** `log p(x) + log Z = -E(x) = logsumexp f(x)` of each row: the in-distribution score. */
function logPx(model: ClassifierModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => tf.neg(model.marginal.energy(x)).dataSync() as Float32Array);
}

/**
 * The first {@link OOD_IMAGES} images of an IDX file (MNIST format, e.g. Fashion-MNIST) as 8x8
 * digits-like rows in [0, 1]: binarised at half intensity, padded from 28 to 32 pixels, and each
 * 4x4 block averaged, the way the UCI digits were made from 32x32 bitmaps.
 */
export async function idxImagesAs8x8(path: string): Promise<tf.Tensor2D> {
  if (!existsSync(path)) throw new ConfigError(`--ood-images ${path}: no such file. Pass an IDX images file, e.g. Fashion-MNIST's t10k-images-idx3-ubyte.gz.`);
  const raw = await readIdx(path);
  try {
    const [count, h, w] = raw.shape as [number, number, number];
    if (raw.rank !== 3 || h !== 28 || w !== 28) throw new ConfigError(`--ood-images ${path}: expected 28x28 images (MNIST format), got shape [${raw.shape.join(', ')}].`);
    const n = Math.min(OOD_IMAGES, count);
    return tf.tidy(() => {
      const binary = tf.cast(tf.greater(tf.slice(raw, [0, 0, 0], [n, 28, 28]), 127), 'float32');
      const padded = tf.reshape(tf.pad(binary, [[0, 0], [2, 2], [2, 2]]), [n, 32, 32, 1]) as tf.Tensor4D;
      return tf.reshape(tf.avgPool(padded, 4, 4, 'valid'), [n, 64]) as tf.Tensor2D;
    });
  } finally {
    raw.dispose();
  }
}

/**
 * The conditional NLL of a constant energy: `log volume` of the quadrature box over y for a toy,
 * `log K` for a classifier of K classes (what {@link divergence} measures a diverged run against).
 */
function uniformNll(session: ConditionalSession): number {
  if (session.toy === undefined) return Math.log(DIGIT_CLASSES);
  return session.targetRange.reduce((sum, [lo, hi]) => sum + Math.log(hi - lo), 0);
}

/** Evaluates a trained conditional model: the summary written to summary.json. */
export async function evaluateConditionalRun(session: ConditionalSession, folder: RunFolder, steps: number): Promise<ConditionalSummary> {
  const { config, toy } = session;
  const last = folder.readMetrics().lines.at(-1);
  const { nll, standardError, errorBound, pairs, perPair } = evaluateConditionalNll(session, true);
  const loss = last?.loss ?? Number.NaN;
  const problems = divergence({ loss, nll }, uniformNll(session));
  const base = {
    dataset: config.dataset,
    objective: config.objective,
    steps,
    seconds: last?.seconds ?? 0,
    status: problems.length === 0 ? ('completed' as const) : ('diverged' as const),
    ...(problems.length === 0 ? {} : { problems }),
    nll,
    standardError,
    testPairs: pairs,
  };
  const tail = { loss, backend: config.backend };
  if (toy !== undefined) {
    return { ...base, ...gapTo(session, toy, perPair), logZError: errorBound, ...tail };
  }
  const model = session.model as ClassifierModel;
  const probabilities = tf.tidy(() => tf.softmax(model.logits(session.test.x)));
  const { ece, accuracy } = expectedCalibrationError(probabilities, session.test.labels!, { bins: CALIBRATION_BINS });
  probabilities.dispose();
  const inDistribution = logPx(model, session.test.x);
  const noise = uniformDistribution({ eventShape: [64], low: 0, high: 1 }).sample(split(session.sampleKey)[0]!, NOISE_IMAGES);
  const aurocNoise = auroc(inDistribution, logPx(model, noise)).auroc;
  noise.dispose();
  let aurocOod: number | undefined;
  if (config.oodImages !== '') {
    const ood = await idxImagesAs8x8(config.oodImages);
    aurocOod = auroc(inDistribution, logPx(model, ood)).auroc;
    ood.dispose();
  }
  return { ...base, accuracy, ece, aurocNoise, ...(aurocOod === undefined ? {} : { aurocOod }), ...tail };
}

/**
 * Draws loss.png and, for a toy, conditional.png (p(y | x) beside the truth); for the digits,
 * samples.png and reliability.png (each written atomically). `check` runs before each picture (a
 * Ctrl-C check). Returns the paths written.
 */
export async function drawConditionalPictures(
  session: ConditionalSession,
  folder: RunFolder,
  summary: ConditionalSummary | undefined,
  check: () => void = () => undefined,
): Promise<string[]> {
  const { config, toy } = session;
  const title = `${config.dataset} · ${config.objective}`;
  check();
  await folder.writePicture('loss', await renderPng(lossSpec(folder.readMetrics().lines, `${title} · ${config.steps} steps (nll: conditional test NLL)`)));
  check();
  if (toy !== undefined) {
    const gap = summary?.gap === undefined ? '' : ` · NLL ${summary.nll.toFixed(3)}, gap ${summary.gap.toFixed(3)}`;
    await folder.writePicture('conditional', await renderPng(conditionalPicture(session, toy, `${title}${gap}`)));
    return [folder.path('loss'), folder.path('conditional')];
  }
  const model = session.model as ClassifierModel;
  await folder.writePicture('samples', classConditionalSamples(session, model));
  check();
  const probabilities = tf.tidy(() => tf.softmax(model.logits(session.test.x)));
  const { bins, ece, accuracy } = expectedCalibrationError(probabilities, session.test.labels!, { bins: CALIBRATION_BINS });
  probabilities.dispose();
  const reliabilityTitle = `${title} · accuracy ${(100 * accuracy).toFixed(1)}%, ECE ${ece.toFixed(4)}`;
  await folder.writePicture('reliability', await renderPng(reliabilitySpec(bins, reliabilityTitle)));
  return [folder.path('loss'), folder.path('samples'), folder.path('reliability')];
}

/** p(y | x) of the model beside the truth: heatmaps over (x, y) for 1-D targets, p(y | x) at three inputs for 2-D targets. */
function conditionalPicture(session: ConditionalSession, toy: ConditionalToyDataset, title: string) {
  const truth = truthModel(toy);
  const [inputInterval] = [toy.inputInterval];
  const { x, y } = testSubset(session, PLOT_POINTS);
  const [xs, ys] = [x.dataSync(), y.dataSync()];
  tf.dispose([x, y]);
  if (toy.targetShape[0] === 1) {
    const options = { inputInterval, targetInterval: toy.targetRange[0]!, grid: PLOT_GRID };
    const points = Array.from(xs, (v, i) => [v, ys[i]!]);
    const row = [
      { title: 'true p(y | x)', grid: conditionalDensityGrid(truth, options) },
      { title: `model p(y | x) + test pairs`, grid: conditionalDensityGrid(session.model, options) },
    ];
    return heatmapRowsSpec([row], points, title, { x: 'x', y: 'y', legend: 'p(y | x)' });
  }
  const box = [toy.targetRange[0]!, toy.targetRange[1]!] as const;
  const inputs = PANEL_FRACTIONS.map((f) => inputInterval[0] + f * (inputInterval[1] - inputInterval[0]));
  const gridAt = (model: ConditionalEnergyModel, input: number): TitledGrid['grid'] => {
    const row = tf.tensor2d([[input]]);
    const grid = densityGrid(energyGivenInput(model, row), { box, grid: PLOT_GRID });
    row.dispose();
    return grid;
  };
  const rows = [truth, session.model].map((model, m) =>
    inputs.map((input) => ({ title: `${m === 0 ? 'true' : 'model'} p(y | x = ${input.toFixed(2)})`, grid: gridAt(model, input) })),
  );
  return heatmapRowsSpec(rows, [], title, { x: 'y1', y: 'y2', legend: 'p(y | x)' });
}

/** Class-conditional samples: Langevin on E(x, y) = -f(x)[y] from uniform noise, `sampleSteps` steps, one row per class. */
function classConditionalSamples(session: ConditionalSession, model: ClassifierModel): Uint8Array {
  const count = DIGIT_CLASSES * SAMPLES_PER_CLASS;
  const [initKey, chainKey] = split(session.sampleKey, 2);
  const labels = Int32Array.from({ length: count }, (_, i) => Math.floor(i / SAMPLES_PER_CLASS));
  const targets = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), DIGIT_CLASSES));
  const init = uniformDistribution({ eventShape: [64], low: 0, high: 1 }).sample(initKey!, count);
  const { finalState } = sampleChain(session.sgld, {
    energy: energyGivenTarget(model, targets),
    init,
    key: chainKey!,
    numSteps: session.config.sampleSteps,
    collect: false,
  });
  const images = finalState.position.arraySync() as number[][];
  disposeState([finalState, targets, init]);
  return imageGridPng(images, SAMPLES_PER_CLASS, 8);
}

/** The summary table of a conditional run. */
export function conditionalSummaryTable(summary: ConditionalSummary): string {
  const rows: [string, number | string | undefined][] = [
    ['conditional test NLL (nats)', summary.nll],
    ['  standard error', summary.standardError],
    ['NLL floor', summary.nllFloor],
    ['gap', summary.gap],
    ['  standard error', summary.gapStandardError],
    ['test accuracy', summary.accuracy],
    ['ECE (15 bins)', summary.ece],
    ['AUROC log p(x), noise', summary.aurocNoise],
    ['AUROC log p(x), --ood-images', summary.aurocOod],
    ['steps', String(summary.steps)],
    ['time (s)', summary.seconds.toFixed(1)],
    ...(summary.status === 'diverged' ? [['status', 'DIVERGED'] as [string, string]] : []),
  ];
  return formatTable(['metric', 'value'], rows.filter(([, v]) => v !== undefined), 4);
}

/**
 * After training: evaluate, write summary.json, draw the pictures, print the table; between these
 * phases a Ctrl-C stops with what is saved said. A diverged run gets its summary (with
 * `status: "diverged"`) and pictures, then throws a `DivergedError`.
 */
export async function finishConditionalRun(
  session: ConditionalSession,
  folder: RunFolder,
  steps: number,
  io: Io,
  interrupts: Interrupts,
): Promise<ConditionalSummary> {
  const interrupted = `Interrupted during the final evaluation: training is complete (checkpoint step ${steps} saved). Finish it with: ebm train --out ${folder.dir} --resume`;
  interrupts.check(interrupted);
  const summary = await evaluateConditionalRun(session, folder, steps);
  interrupts.check(interrupted);
  await folder.writeSummary(summary);
  const pictures = await drawConditionalPictures(session, folder, summary, () =>
    interrupts.check(`Interrupted while drawing the pictures: summary.json is written. Redraw them with: ebm plot ${folder.dir}`),
  );
  io.out(`\n${conditionalSummaryTable(summary)}\n\nRun folder: ${folder.dir} (summary.json, ${pictures.map((p) => p.slice(folder.dir.length + 1)).join(', ')}, metrics.jsonl, checkpoint/)\n`);
  warn(summary, io);
  assertConverged(summary);
  return summary;
}
