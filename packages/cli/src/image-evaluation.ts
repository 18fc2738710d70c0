/**
 * Evaluating an image run where no exact likelihood exists (@ebm/eval): a classifier trained on
 * the real training images judges model samples (Fréchet distance to the test images in its
 * penultimate features, spread over classes), next to the same numbers for held-out real images
 * and trivial baselines so they mean something; Langevin denoising and inpainting of test images
 * (PSNR); and for an RBM the test log-likelihood with log Z exact or by AIS.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type Key, disposeState, foldIn, normal, permutation, runChain, split, uniform } from '@ebm/core';
import { type ContrastiveDivergenceState } from '@ebm/cd';
import { type ClassSpread, type ImageClassifier, classSpread, frechetDistance, pixelBernoulli, psnr, restoreImages, trainImageClassifier } from '@ebm/eval';
import { gaussianNoise } from '@ebm/nce';
import { ais, exactLogPartition, logLikelihood, visibleBiasFromData } from '@ebm/rbm';
import { divergence } from './evaluation.js';
import type { ImageConfig } from './image-config.js';
import type { ImageSession } from './image-session.js';
import { sampleStepsOf } from './image-session.js';
import type { RunFolder } from './run-folder.js';
import { formatTable } from './table.js';

/** Quality of one set of images, judged by the run's classifier. */
export interface ImageQuality extends ClassSpread {
  /** Fréchet distance to the test images in the classifier's penultimate features (lower is better). */
  readonly frechetDistance: number;
  readonly count: number;
}

/** Where the chains of a set of model samples start: rows of the replay buffer, or fresh from the run's chain start. */
export type SampleStart = 'replay buffer' | 'uniform noise' | 'pixel-mean Bernoulli';

/** Quality of a set of model samples, with how they were drawn. */
export interface SampleQuality extends ImageQuality {
  /** Where their chains start. */
  readonly from: SampleStart;
  /** Sampler steps from there. */
  readonly steps: number;
}

/** Model samples as drawn (`[N, ...]` in the model's shape), with where their chains started and for how many steps. */
export interface DrawnSamples {
  readonly images: tf.Tensor;
  readonly from: SampleStart;
  readonly steps: number;
}

/** Denoising and inpainting PSNR (dB) of test images, before and after Langevin restoration. */
export interface RestorationSummary {
  readonly images: number;
  readonly steps: number;
  /** Standard deviation of the Gaussian noise added to the [0, 1] images (then clipped). */
  readonly noiseStd: number;
  readonly denoise: { readonly corruptedPsnr: number; readonly restoredPsnr: number };
  /** The bottom half replaced by uniform noise, the top half kept. */
  readonly inpaint: { readonly corruptedPsnr: number; readonly restoredPsnr: number };
}

/** An RBM's average log-probabilities (nats per image) with log Z exact or by AIS. */
export interface RbmLikelihood {
  readonly method: 'exact' | 'ais';
  readonly logZ: number;
  /** AIS's 3-standard-error bounds on log Z (absent when exact). */
  readonly logZLower?: number;
  readonly logZUpper?: number;
  readonly aisRuns?: number;
  readonly testLogLikelihood: number;
  readonly trainLogLikelihood: number;
}

/** The final numbers of an image run, as written to `summary.json`. */
export interface ImageSummary {
  readonly dataset: string;
  readonly model: string;
  readonly objective: string;
  readonly steps: number;
  readonly seconds: number;
  readonly loss: number;
  readonly backend: string;
  /** `completed`, or `diverged` when a number of the evaluation is not finite or an RBM's test NLL is absurd (see `problems`). */
  readonly status: 'completed' | 'diverged';
  /** What went wrong, one sentence each, when `status` is `diverged`. */
  readonly problems?: readonly string[];
  /** The classifier's accuracy on the real test images: how far to trust its judgement. */
  readonly classifierAccuracy: number;
  /**
   * The model samples (samples.png): with a replay buffer, `sampleSize` random buffer rows
   * continued `mcmcSteps` SGLD steps (`from: 'replay buffer'`: the negatives a further training
   * step would draw, as IGEBM and JEM report samples); otherwise `sampleSteps` steps of fresh
   * chains from the chain start.
   */
  readonly samples: SampleQuality;
  /** Fresh chains: `sampleSteps` sampler steps from the chain start (fresh-samples.png); present when `samples` continue the replay buffer. */
  readonly freshSamples?: SampleQuality;
  /** The replay buffer (or persistent chains), where training left it. */
  readonly buffer?: ImageQuality;
  /**
   * The same numbers for real images other than the test set (the last `sampleSize` training
   * images, at most a quarter of them, held out from the classifier: about the floor a perfect
   * model would reach with as many samples) and for trivial baselines fitted to the training
   * images: independent Bernoulli pixels, and a full-covariance Gaussian (clipped to [0, 1]).
   */
  readonly reference: { readonly realImages: ImageQuality; readonly pixelBernoulli: ImageQuality; readonly gaussian: ImageQuality };
  readonly restoration?: RestorationSummary;
  readonly rbm?: RbmLikelihood;
}

/** Noise of the denoising check, in intensity units of [0, 1] images. */
const RESTORE_NOISE_STD = 0.3;
/** Test images restored (and shown in restoration.png). */
const RESTORE_IMAGES = 64;
/** Images the classifier trains on per epoch budget: epochs = clamp(ceil(CLASSIFIER_IMAGES / N), 1, 10). */
const CLASSIFIER_IMAGES = 20_000;
/** Ridge on the diagonal of the pixel covariance of the Gaussian baseline (the border pixels of digits never vary). */
const GAUSSIAN_RIDGE = 1e-3;
/** Training images the Gaussian baseline is fitted to (its covariance is D x D; more rows only cost time). */
const GAUSSIAN_FIT_IMAGES = 10_000;
/** Enumerate log Z exactly when the smaller layer of the RBM has at most this many units (2^20 states); AIS otherwise. */
const EXACT_UNITS = 20;
/** Training images whose log-likelihood is reported next to the test set's. */
const TRAIN_LIKELIHOOD_IMAGES = 10_000;

/** The objective an image run's summary names: `replay` / `cd` / `pcd` for conv and mlp, `pcd-1` (objective and Gibbs sweeps) for an RBM. */
export function imageObjective(config: ImageConfig): string {
  return config.model === 'rbm' ? `${config.rbmObjective}-${config.gibbsSteps}` : config.objective;
}

/**
 * What makes a trained image run diverged ({@link divergence} of evaluation.ts), one sentence
 * each, naming summary.json's keys: a non-finite loss, Fréchet distance, restored PSNR or RBM
 * `rbm.testLogLikelihood`, or an RBM whose test NLL (`-testLogLikelihood`) is more than 10 nats
 * above that of the uniform distribution on the binary images, `D log 2`.
 *
 * @example
 * imageDivergence(summary, 64); // ['rbm.testLogLikelihood is NaN'] for an RBM whose likelihood is NaN
 */
export function imageDivergence(summary: Omit<ImageSummary, 'status' | 'problems'>, pixels: number): string[] {
  const testLogLikelihood = summary.rbm?.testLogLikelihood;
  return divergence(
    {
      loss: summary.loss,
      'samples.frechetDistance': summary.samples.frechetDistance,
      'freshSamples.frechetDistance': summary.freshSamples?.frechetDistance,
      'buffer.frechetDistance': summary.buffer?.frechetDistance,
      'restoration.denoise.restoredPsnr': summary.restoration?.denoise.restoredPsnr,
      'restoration.inpaint.restoredPsnr': summary.restoration?.inpaint.restoredPsnr,
      'rbm.testLogLikelihood': testLogLikelihood,
      // divergence's NLL threshold, for a finite likelihood only: a non-finite one is named by its own key above.
      nll: testLogLikelihood !== undefined && Number.isFinite(testLogLikelihood) ? -testLogLikelihood : undefined,
    },
    pixels * Math.LN2,
  );
}

/** `x` as `[N, H, W, C]` images (RBM data is flattened). */
export function asImages(session: ImageSession, x: tf.Tensor): tf.Tensor4D {
  return tf.reshape(x, [x.shape[0]!, ...session.dataset.imageShape]);
}

/** Where fresh chains of the run start: uniform noise, or for an RBM the pixel-mean Bernoulli model. */
export function freshStart(session: ImageSession): SampleStart {
  return session.rbm === undefined ? 'uniform noise' : 'pixel-mean Bernoulli';
}

/** `steps` sampler steps from `start` (consumed: disposed here), in the model's shape; the caller disposes the result. */
function continueChains(session: ImageSession, start: tf.Tensor, steps: number, key: Key): tf.Tensor {
  const { state, meanInfo } = runChain(session.sampler, session.sampler.init(start, session.model.energy, { check: false }), {
    energy: session.model.energy,
    key,
    numSteps: steps,
  });
  const samples = tf.clone(state.position);
  disposeState([start, state, meanInfo]);
  return samples;
}

/** `n` model samples from fresh chains (`steps` sampler steps from `chainStart`), in the model's shape; the caller disposes them. */
export function drawImageSamples(session: ImageSession, n: number, steps: number, key: Key = session.sampleKey): DrawnSamples {
  const [startKey, chainKey] = split(key, 2) as [Key, Key];
  return { images: continueChains(session, session.chainStart.sample(startKey, n), steps, chainKey), from: freshStart(session), steps };
}

/** The filled rows of the replay buffer in an objective state (undefined without one: CD from the data, persistent chains, an RBM). */
function replayRows(state: unknown): { buffer: tf.Tensor; filled: number } | undefined {
  const { replay } = (state ?? {}) as Partial<ContrastiveDivergenceState>;
  if (replay == null) return undefined;
  const filled = Math.min(replay.count, replay.buffer.shape[0]!);
  return filled === 0 ? undefined : { buffer: replay.buffer, filled };
}

/** How many model samples the replay buffer of `state` can start (its filled rows), or undefined without a buffer. */
export function replayCapacity(state: unknown): number | undefined {
  return replayRows(state)?.filled;
}

/**
 * `n` model samples from the replay buffer: `n` distinct rows drawn at random (by `key`) from its
 * filled part, each continued `steps` sampler steps, as a further training step would (without
 * its restarts from noise); undefined when `state` has no filled replay buffer. Throws an
 * `InvalidArgumentError` naming `n` when the buffer holds fewer rows. The caller disposes them.
 *
 * @example
 * const drawn = continueReplaySamples(session, objectiveState, 64, session.config.mcmcSteps, key); // drawn.from === 'replay buffer'
 */
export function continueReplaySamples(session: ImageSession, state: unknown, n: number, steps: number, key: Key): DrawnSamples | undefined {
  const rows = replayRows(state);
  if (rows === undefined) return undefined;
  if (n > rows.filled) throw new InvalidArgumentError('n', `asks for ${n} samples from a replay buffer of ${rows.filled} images: ask for at most ${rows.filled}.`);
  const [pickKey, chainKey] = split(key, 2) as [Key, Key];
  const picked = tf.tensor1d(permutation(pickKey, rows.filled).subarray(0, n), 'int32');
  const start = tf.gather(rows.buffer, picked);
  picked.dispose();
  return { images: continueChains(session, start, steps, chainKey), from: 'replay buffer', steps };
}

/** Up to `n` rows of the replay buffer (its filled part) or the persistent chains; undefined for CD from the data. The caller disposes them. */
export function bufferImages(state: unknown, n: number): tf.Tensor | undefined {
  const replay = replayRows(state);
  if (replay !== undefined) return tf.slice(replay.buffer, 0, Math.min(n, replay.filled));
  const { chains } = (state ?? {}) as Partial<ContrastiveDivergenceState>;
  return chains == null ? undefined : tf.slice(chains, 0, Math.min(n, chains.shape[0]!));
}

/** Corrupted and restored test images of the denoising and inpainting check; the caller disposes them. */
export interface Restorations {
  readonly clean: tf.Tensor;
  readonly noisy: tf.Tensor;
  readonly denoised: tf.Tensor;
  readonly masked: tf.Tensor;
  readonly inpainted: tf.Tensor;
}

/** Runs the denoising and inpainting check on the first test images (conv and mlp models). */
export function restore(session: ImageSession, key: Key): Restorations {
  const [noiseKey, holeKey, denoiseKey, inpaintKey] = split(key, 4) as [Key, Key, Key, Key];
  const { imageShape } = session.dataset;
  const n = Math.min(RESTORE_IMAGES, session.test.shape[0]!);
  const steps = session.config.restoreSteps;
  const clean = tf.slice(session.test, 0, n);
  const noisy = tf.tidy(() => tf.clipByValue(tf.add(clean, tf.mul(normal(noiseKey, clean.shape), RESTORE_NOISE_STD)), 0, 1));
  const keep = tf.tidy(() => {
    const top = Math.floor(imageShape[0] / 2);
    return tf.concat([tf.ones([1, top, imageShape[1], imageShape[2]]), tf.zeros([1, imageShape[0] - top, imageShape[1], imageShape[2]])], 1);
  });
  const masked = tf.tidy(() => tf.add(tf.mul(keep, clean), tf.mul(tf.sub(1, keep), uniform(holeKey, clean.shape, 0, 1))));
  const denoised = restoreImages({ energy: session.model.energy, sampler: session.sampler, corrupted: noisy, key: denoiseKey, steps });
  const inpainted = restoreImages({ energy: session.model.energy, sampler: session.sampler, corrupted: masked, keep, key: inpaintKey, steps });
  keep.dispose();
  return { clean, noisy, denoised, masked, inpainted };
}

/** Training images held out from the classifier, as the real-image reference: `sampleSize`, at most a quarter of the training images. */
function heldOutCount(session: ImageSession): number {
  return Math.min(session.config.sampleSize, Math.floor(session.data.shape[0]! / 4));
}

/** The run's judge: a classifier trained on the model's training images (all but the held-out ones) with their labels. */
/**
 * The run's judge: `trainImageClassifier` on the training images but the held-out ones, for
 * `clamp(ceil(20000 / N), 1, 10)` epochs, deterministic from `key`. The caller disposes it.
 *
 * @example
 * const classifier = trainJudge(session, split(foldIn(session.evalKey, 0), 3)[0]); // as ebm eval
 */
export function trainJudge(session: ImageSession, key: Key): ImageClassifier {
  const n = session.data.shape[0]! - heldOutCount(session);
  const images = tf.tidy(() => asImages(session, tf.slice(session.data, 0, n)));
  const classifier = trainImageClassifier(images, session.dataset.train.labels.slice(0, n), {
    classes: session.dataset.classes.length,
    key,
    epochs: Math.min(10, Math.max(1, Math.ceil(CLASSIFIER_IMAGES / n))),
  });
  images.dispose();
  return classifier;
}

/**
 * Fréchet distance and class spread of `images` against the test features:
 * `FD = |mu_t - mu_x|^2 + tr(S_t + S_x - 2 (S_t S_x)^(1/2))` in the classifier's features.
 *
 * @example
 * const quality = qualityOf(classifier, classifier.features(testImages), samples); // quality.frechetDistance
 */
export function qualityOf(classifier: ImageClassifier, testFeatures: tf.Tensor2D, images: tf.Tensor): ImageQuality {
  const [features, probabilities] = [classifier.features(images), classifier.probabilities(images)];
  try {
    return { count: images.shape[0]!, frechetDistance: frechetDistance(testFeatures, features), ...classSpread(probabilities) };
  } finally {
    tf.dispose([features, probabilities]);
  }
}

/** The RBM's average test and train log-probabilities, log Z exact for a small layer, AIS (Salakhutdinov & Murray's schedule) otherwise. */
function rbmLikelihood(session: ImageSession, key: Key): RbmLikelihood {
  const rbm = session.rbm!;
  const trainRows = tf.slice(session.data, 0, Math.min(TRAIN_LIKELIHOOD_IMAGES, session.data.shape[0]!));
  try {
    const evaluate = (logZ: number) => ({ logZ, testLogLikelihood: logLikelihood(rbm, session.test, logZ), trainLogLikelihood: logLikelihood(rbm, trainRows, logZ) });
    if (Math.min(rbm.visible, rbm.hidden) <= EXACT_UNITS) return { method: 'exact', ...evaluate(exactLogPartition(rbm, { maxUnits: EXACT_UNITS })) };
    const base = visibleBiasFromData(session.data);
    const result = ais(rbm, { key, baseVisibleBias: base });
    base.dispose();
    return { method: 'ais', ...evaluate(result.logZ), logZLower: result.logZLower, logZUpper: result.logZUpper, aisRuns: result.logWeights.length };
  } finally {
    trainRows.dispose();
  }
}

/** What the pictures of a run are drawn from: samples, buffer rows and restorations; `dispose()` frees them. */
export interface ImageEvidence {
  /** The model samples: replay-buffer rows continued `mcmcSteps` steps when the run has a buffer, else fresh chains (see {@link ImageSummary.samples}). */
  readonly samples: DrawnSamples;
  /** Fresh chains, `sampleSteps` steps from the chain start, when `samples` continue the replay buffer. */
  readonly freshSamples: DrawnSamples | undefined;
  readonly buffer: tf.Tensor | undefined;
  readonly restorations: Restorations | undefined;
  dispose(): void;
}

/**
 * Draws the samples (from the replay buffer when the run has one, and fresh from the chain start),
 * buffer rows and (conv, mlp) restorations of a trained run; `check` runs before each of these
 * phases (Ctrl-C: it throws, and what was drawn is freed).
 */
export function gatherEvidence(session: ImageSession, objectiveState: unknown, check: () => void = () => undefined): ImageEvidence {
  const drawn: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor | undefined>(x: T): T => {
    if (x !== undefined) drawn.push(x);
    return x;
  };
  let samples: DrawnSamples;
  let freshSamples: DrawnSamples | undefined;
  let buffer: tf.Tensor | undefined;
  let restorations: Restorations | undefined;
  const { sampleSize, mcmcSteps } = session.config;
  try {
    check();
    const fresh = drawImageSamples(session, sampleSize, sampleStepsOf(session.config));
    keep(fresh.images);
    check();
    const replayed = continueReplaySamples(session, objectiveState, Math.min(sampleSize, replayCapacity(objectiveState) ?? 0), mcmcSteps, foldIn(session.sampleKey, 1));
    if (replayed !== undefined) keep(replayed.images);
    [samples, freshSamples] = replayed === undefined ? [fresh, undefined] : [replayed, fresh];
    check();
    buffer = keep(bufferImages(objectiveState, session.config.sampleSize));
    check();
    restorations = session.rbm === undefined ? restore(session, foldIn(session.evalKey, 1)) : undefined;
    if (restorations !== undefined) drawn.push(...Object.values(restorations));
  } catch (error) {
    tf.dispose(drawn);
    throw error;
  }
  return {
    samples,
    freshSamples,
    buffer,
    restorations,
    dispose: () => tf.dispose(drawn),
  };
}

/**
 * Evaluates a trained image run (see the module comment); `evidence` holds its samples, buffer
 * rows and restorations. `check` runs before the classifier trains, after it, and before an RBM's
 * likelihood (Ctrl-C: it throws). The summary's `status` is `diverged` when {@link imageDivergence}
 * finds a problem.
 */
export function evaluateImageRun(session: ImageSession, folder: RunFolder, steps: number, evidence: ImageEvidence, check: () => void = () => undefined): ImageSummary {
  const { config } = session;
  const [classifierKey, baselineKey, aisKey] = split(foldIn(session.evalKey, 0), 3) as [Key, Key, Key];
  check();
  const classifier = trainJudge(session, classifierKey);
  const testImages = asImages(session, session.test);
  const testFeatures = classifier.features(testImages);
  const n = config.sampleSize;
  const judged = (x: tf.Tensor): ImageQuality => {
    const images = asImages(session, x);
    try {
      return qualityOf(classifier, testFeatures, images);
    } finally {
      images.dispose();
    }
  };
  const judgedSamples = ({ images, from, steps }: DrawnSamples): SampleQuality => ({ from, steps, ...judged(images) });
  try {
    check();
    const pixels = session.dataset.imageShape.reduce((a, b) => a * b, 1);
    const flat = tf.tidy(() => tf.reshape(tf.slice(session.data, 0, Math.min(GAUSSIAN_FIT_IMAGES, session.data.shape[0]!)), [-1, pixels]));
    const bernoulli = pixelBernoulli(flat);
    const gaussian = gaussianNoise.fit(flat, { ridge: GAUSSIAN_RIDGE });
    const [bernoulliKey, gaussianKey] = split(baselineKey, 2) as [Key, Key];
    const baselines = tf.tidy(() => [
      tf.slice(session.data, session.data.shape[0]! - heldOutCount(session), heldOutCount(session)),
      bernoulli.sample(bernoulliKey, n),
      tf.clipByValue(gaussian.sample(gaussianKey, n), 0, 1),
    ]);
    const [real, pixel, gauss] = baselines.map(judged) as [ImageQuality, ImageQuality, ImageQuality];
    tf.dispose([flat, ...baselines]);
    bernoulli.dispose();
    gaussian.dispose();
    const metrics = folder.readMetrics().lines;
    const { restorations } = evidence;
    const quality = {
      dataset: config.dataset,
      model: config.model,
      objective: imageObjective(config),
      steps,
      seconds: metrics.at(-1)?.seconds ?? 0,
      loss: metrics.at(-1)?.loss ?? Number.NaN,
      backend: config.backend,
      classifierAccuracy: classifier.accuracy(testImages, session.dataset.test.labels),
      samples: judgedSamples(evidence.samples),
      ...(evidence.freshSamples === undefined ? {} : { freshSamples: judgedSamples(evidence.freshSamples) }),
      ...(evidence.buffer === undefined ? {} : { buffer: judged(evidence.buffer) }),
      reference: { realImages: real, pixelBernoulli: pixel, gaussian: gauss },
      ...(restorations === undefined
        ? {}
        : {
            restoration: {
              images: restorations.clean.shape[0]!,
              steps: config.restoreSteps,
              noiseStd: RESTORE_NOISE_STD,
              denoise: { corruptedPsnr: psnr(restorations.noisy, restorations.clean).mean, restoredPsnr: psnr(restorations.denoised, restorations.clean).mean },
              inpaint: { corruptedPsnr: psnr(restorations.masked, restorations.clean).mean, restoredPsnr: psnr(restorations.inpainted, restorations.clean).mean },
            },
          }),
    };
    if (session.rbm !== undefined) check();
    const summary = { ...quality, ...(session.rbm === undefined ? {} : { rbm: rbmLikelihood(session, aisKey) }) };
    const problems = imageDivergence(summary, pixels);
    return { ...summary, status: problems.length === 0 ? 'completed' : 'diverged', ...(problems.length === 0 ? {} : { problems }) };
  } finally {
    tf.dispose([testImages, testFeatures]);
    classifier.dispose();
  }
}

/** The summary table printed at the end of an image run and by `ebm eval`. */
export function imageSummaryTable(summary: ImageSummary): string {
  const fd = (q: ImageQuality | undefined) => (q === undefined ? undefined : q.frechetDistance.toFixed(2));
  const spread = (q: ImageQuality | undefined) => (q === undefined ? undefined : `${q.classesCovered}/${q.counts.length}, IS ${q.inceptionScore.toFixed(2)}`);
  const drawn = (q: SampleQuality) => `${q.steps} steps from ${q.from === 'replay buffer' ? 'the replay buffer' : q.from}`;
  const rows: [string, string | number | undefined][] = [
    [`FD samples, ${drawn(summary.samples)} (classifier features)`, fd(summary.samples)],
    ...(summary.freshSamples === undefined ? [] : [[`FD fresh samples, ${drawn(summary.freshSamples)}`, fd(summary.freshSamples)] as [string, string | undefined]]),
    ['FD replay buffer / chains', fd(summary.buffer)],
    ['FD held-out real images (floor)', fd(summary.reference.realImages)],
    ['FD per-pixel Bernoulli', fd(summary.reference.pixelBernoulli)],
    ['FD Gaussian fit', fd(summary.reference.gaussian)],
    ['classes covered, samples', spread(summary.samples)],
    ...(summary.freshSamples === undefined ? [] : [['classes covered, fresh samples', spread(summary.freshSamples)] as [string, string | undefined]]),
    ['classes covered, real images', spread(summary.reference.realImages)],
    ['classifier test accuracy', summary.classifierAccuracy.toFixed(4)],
  ];
  if (summary.restoration) {
    const r = summary.restoration;
    rows.push(['denoise PSNR dB (noisy -> restored)', `${r.denoise.corruptedPsnr.toFixed(2)} -> ${r.denoise.restoredPsnr.toFixed(2)}`]);
    rows.push(['inpaint PSNR dB (masked -> restored)', `${r.inpaint.corruptedPsnr.toFixed(2)} -> ${r.inpaint.restoredPsnr.toFixed(2)}`]);
  }
  if (summary.rbm) {
    rows.push([`log Z (${summary.rbm.method})`, summary.rbm.logZ.toFixed(2)]);
    rows.push(['test log-likelihood (nats)', summary.rbm.testLogLikelihood.toFixed(2)]);
    rows.push(['train log-likelihood (nats)', summary.rbm.trainLogLikelihood.toFixed(2)]);
  }
  rows.push(['steps', String(summary.steps)], ['time (s)', summary.seconds.toFixed(1)]);
  if (summary.status === 'diverged') rows.push(['status', 'DIVERGED']);
  return formatTable(['metric', 'value'], rows, 4);
}
