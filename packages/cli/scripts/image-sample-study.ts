/**
 * How good are a trained image run's samples, drawn in different ways? Loads the run's latest
 * checkpoint once, trains the run's judge classifier once (as `ebm eval` does), then for each
 * variant draws 500 samples, prints one JSON line (Fréchet distance to the test images in the
 * classifier's features, classes covered, Inception score, class counts, seconds) and writes
 * `<out>/<variant>.png` (the first 64 as an 8 x 8 grid). Variants: rows of the replay buffer
 * (500 at random) continued 0 / k / 3k / 300 SGLD steps, fresh chains from uniform noise with
 * k / 3k / 300 / 1000 steps, and two annealed noise schedules (k = the run's --mcmc-steps).
 *
 *   cd packages/cli && RUN=/path/to/run OUT=/tmp/study [VARIANTS=buffer+0,noise+20] [DATA_DIR=...] \
 *     npx vitest run --config scripts/image-sample-study.vitest.config.ts
 *
 * DATA_DIR overrides the run's --data-dir (a relative one is read from the directory ebm train ran in).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { type Key, disposeState, foldIn, prngKey, runChain, split, uniform } from '@ebm/core';
import { loadCheckpoint } from '@ebm/core/train';
import { langevin } from '@ebm/mcmc-langevin';
import { it } from 'vitest';
import { runCheckpoints } from '../src/checkpoints.js';
import { asImages, continueReplaySamples, qualityOf, trainJudge } from '../src/image-evaluation.js';
import { imageGridPng } from '../src/image-plots.js';
import { openImageSession } from '../src/image-session.js';
import { readImageConfig } from '../src/image-train.js';
import { RunFolder } from '../src/run-folder.js';

/** One stretch of SGLD at a fixed step size and noise scale. */
interface Segment {
  readonly steps: number;
  readonly noise: number;
}

it('image sample study', async () => {
  const [runDir, out] = [process.env.RUN, process.env.OUT ?? '/tmp/image-sample-study'];
  if (runDir === undefined) throw new Error('RUN=<run folder> is required.');
  mkdirSync(out, { recursive: true });
  const folder = new RunFolder(runDir);
  const saved = readImageConfig(folder);
  const config = { ...saved, dataDir: process.env.DATA_DIR ?? saved.dataDir };
  const session = await openImageSession(config);
  const store = runCheckpoints(folder);
  const loaded = await loadCheckpoint(store, { model: session.model, step: (await store.latest())! });
  const n = 500;
  const t0 = Date.now();
  const classifier = trainJudge(session, split(foldIn(session.evalKey, 0), 3)[0] as Key);
  const testImages = asImages(session, session.test);
  const testFeatures = classifier.features(testImages);
  console.log(`classifier trained in ${(Date.now() - t0) / 1000} s`);
  const energy = session.model.energy;
  const chain = (start: tf.Tensor, segments: readonly Segment[], key: Key): tf.Tensor => {
    let x = start;
    segments.forEach((segment, i) => {
      const sampler = langevin({ stepSize: config.stepSize, noiseScale: segment.noise, gradClip: config.gradClip, clamp: [0, 1] });
      const { state, meanInfo } = runChain(sampler, sampler.init(x, energy, { check: false }), { energy, key: foldIn(key, i), numSteps: segment.steps });
      const next = tf.clone(state.position);
      disposeState([x, state, meanInfo]);
      x = next;
    });
    return x;
  };
  const k = config.mcmcSteps;
  const s = config.noiseScale;
  const fromNoise = (segments: readonly Segment[]) => () => chain(uniform(prngKey(7), [n, ...session.dataset.imageShape], 0, 1), segments, prngKey(11));
  const fromBuffer = (steps: number) => () => continueReplaySamples(session, loaded.objectiveState, n, steps, prngKey(8))!.images;
  // Noise scale annealed geometrically from `from` to s over 5 equal stretches.
  const annealed = (steps: number, from: number): Segment[] => Array.from({ length: 5 }, (_, i) => ({ steps: steps / 5, noise: from * (s / from) ** (i / 4) }));
  const variants: Record<string, () => tf.Tensor> = {
    'buffer+0': () => continueReplaySamples(session, loaded.objectiveState, n, 0, prngKey(8))!.images,
    [`buffer+${k}`]: fromBuffer(k),
    [`buffer+${3 * k}`]: fromBuffer(3 * k),
    'buffer+300': fromBuffer(300),
    [`noise+${k}`]: fromNoise([{ steps: k, noise: s }]),
    [`noise+${3 * k}`]: fromNoise([{ steps: 3 * k, noise: s }]),
    'noise+200-annealed-noise-10s-to-s': fromNoise(annealed(200, 10 * s)),
    'noise+200-noise-4s': fromNoise([{ steps: 200, noise: 4 * s }]),
    'noise+300': fromNoise([{ steps: 300, noise: s }]),
    'noise+1000': fromNoise([{ steps: 1000, noise: s }]),
  };
  const only = (process.env.VARIANTS ?? '').split(',').filter(Boolean);
  for (const [name, draw] of Object.entries(variants)) {
    if (only.length > 0 && !only.includes(name)) continue;
    const started = Date.now();
    const images = asImages(session, draw());
    const q = qualityOf(classifier, testFeatures, images);
    const line = { run: runDir, variant: name, seconds: (Date.now() - started) / 1000, fd: q.frechetDistance, classes: q.classesCovered, inceptionScore: q.inceptionScore, counts: q.counts };
    console.log(JSON.stringify(line));
    appendFileSync(`${out}/results.jsonl`, `${JSON.stringify(line)}\n`);
    const shown = tf.slice(images, 0, 64);
    writeFileSync(`${out}/${name}.png`, imageGridPng(await shown.data(), 64, session.dataset.imageShape[0], session.dataset.imageShape[1], { columns: 8 }));
    tf.dispose([shown, images]);
  }
  disposeState(loaded.objectiveState);
  tf.dispose([testImages, testFeatures]);
  classifier.dispose();
  session.dispose();
});
