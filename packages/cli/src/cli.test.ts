import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileCheckpointStore } from '@ebm/core/node';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Io } from './io.js';
import { main } from './program.js';
import type { MetricsLine, Summary } from './run-folder.js';

/** A tiny recipe: 8-unit MLP, small data, few sampling steps, so a run takes seconds. */
const TINY = [
  '--hidden', '8',
  '--data-size', '512',
  '--test-size', '256',
  '--batch-size', '64',
  '--sample-size', '64',
  '--sample-steps', '5',
  '--eval-every', '10',
  '--checkpoint-every', '10',
  '--backend', 'wasm',
];

const root = mkdtempSync(join(tmpdir(), 'ebm-cli-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function capture(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), tty: false, stdout: () => out, stderr: () => err };
}

async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture();
  const code = await main(args, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const readMetrics = (dir: string): MetricsLine[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as MetricsLine);

describe('ebm train', () => {
  const out = join(root, 'tiny');

  it('runs a tiny recipe end to end and writes the whole run folder', async () => {
    const { code, stdout, stderr } = await run(['train', '--out', out, '--steps', '20', ...TINY]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/test NLL \(nats\)/);
    expect(stdout).toMatch(/NLL floor\s+2\.83/);
    for (const name of ['config.json', 'metrics.jsonl', 'summary.json', 'density.png', 'loss.png', 'checkpoint']) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
    const summary = readJson<Summary>(join(out, 'summary.json'));
    expect(summary.steps).toBe(20);
    expect(summary.nllFloor).toBeCloseTo(2.832, 3);
    expect(Number.isFinite(summary.nll)).toBe(true);
    expect(summary.gap).toBeCloseTo(summary.nll! - summary.nllFloor!, 10);
    expect(Number.isFinite(summary.mmd)).toBe(true);
    expect(summary.seconds).toBeGreaterThan(0);
    const metrics = readMetrics(out);
    expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(metrics.filter((m) => m.nll !== undefined).map((m) => m.step)).toEqual([10, 20]);
    for (const name of ['density.png', 'loss.png']) {
      const png = PNG.sync.read(readFileSync(join(out, name)));
      expect(png.width).toBeGreaterThan(500);
      expect(png.height).toBeGreaterThan(300);
    }
    const config = readJson<Record<string, unknown>>(join(out, 'config.json'));
    expect(config).toMatchObject({ dataset: '8gaussians', objective: 'nce', steps: 20, hidden: [8] });
  });

  it('refuses to overwrite a run without --resume or --force, and overwrites with --force', async () => {
    const before = statSync(join(out, 'config.json')).mtimeMs;
    const refused = await run(['train', '--out', out, '--steps', '5', ...TINY]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds a run/);
    expect(refused.stderr).toMatch(/--resume/);
    expect(refused.stderr).toMatch(/--force/);
    expect(statSync(join(out, 'config.json')).mtimeMs).toBe(before);
    expect(readMetrics(out)).toHaveLength(20);

    const forced = await run(['train', '--out', out, '--steps', '5', '--force', ...TINY]);
    expect(forced.code).toBe(0);
    expect(readMetrics(out)).toHaveLength(5);
    expect(readJson<Summary>(join(out, 'summary.json')).steps).toBe(5);
  });

  it('names a wrong flag and lists the accepted ones', async () => {
    const dir = join(root, 'bad-flag');
    const { code, stderr } = await run(['train', '--out', dir, '--objectiv', 'pcd']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/unknown option '--objectiv'/);
    expect(stderr).toMatch(/Did you mean --objective\?/);
    expect(stderr).toMatch(/Accepted options: .*--objective.*--learning-rate/);
    expect(existsSync(dir)).toBe(false);
  });

  it('names a wrong value and lists the accepted values', async () => {
    const dir = join(root, 'bad-value');
    const bad = await run(['train', '--out', dir, '--objective', 'mle']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid value 'mle' for --objective \(config key 'objective'\)\. Accepted values: cd, pcd, replay, nce, dsm, ssm, sm, cnce, ccd, cdsm, gaussian, jem, classifier\./);
    const notNumber = await run(['train', '--out', dir, '--learning-rate', 'fast']);
    expect(notNumber.stderr).toMatch(/Invalid value 'fast' for --learning-rate .*expected a number/);
    const negative = await run(['train', '--out', dir, '--steps', '-3']);
    expect(negative.stderr).toMatch(/Invalid value -3 for --steps \(config key 'steps'\): Too small/);
    const hidden = await run(['train', '--out', dir, '--hidden', '64,x']);
    expect(hidden.stderr).toMatch(/Invalid value 'x' for --hidden .*comma-separated list of positive integers/);
    const fraction = await run(['train', '--out', dir, '--steps', '1.5']);
    expect(fraction.stderr).toMatch(/Invalid value 1.5 for --steps .*expected an integer/);
    expect(existsSync(dir)).toBe(false);
  });

  it('names an unknown key in a --config file', async () => {
    const dir = join(root, 'bad-config');
    const file = join(root, 'bad-config.json');
    writeFileSync(file, JSON.stringify({ objective: 'pcd', lr: 0.1 }));
    const { code, stderr } = await run(['train', '--out', dir, '--config', file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/Unknown config key\(s\) 'lr'\. Accepted keys: .*learningRate/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('ebm train --resume', () => {
  const latestStep = (dir: string): number => readJson<{ step: number }>(join(dir, 'checkpoint', 'latest.json')).step;

  it('continues from the checkpoint: steps add up and the result equals an uninterrupted run', async () => {
    const whole = join(root, 'whole');
    const split = join(root, 'split');
    // A constant learning rate: a cosine schedule depends on --steps, which the resume raises.
    expect((await run(['train', '--out', whole, '--steps', '20', '--lr-schedule', 'constant', ...TINY])).code).toBe(0);
    expect((await run(['train', '--out', split, '--steps', '10', '--lr-schedule', 'constant', ...TINY])).code).toBe(0);
    const resumed = await run(['train', '--out', split, '--resume', '--steps', '20']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/Resuming at step 10/);
    expect(latestStep(split)).toBe(20);
    expect(readMetrics(split).map((m) => m.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const a = readJson<Summary>(join(whole, 'summary.json'));
    const b = readJson<Summary>(join(split, 'summary.json'));
    expect(b.steps).toBe(20);
    expect(b.nll).toBe(a.nll);
    expect(b.mmd).toBe(a.mmd);
    expect(readMetrics(split).map((m) => m.loss)).toEqual(readMetrics(whole).map((m) => m.loss));
  });

  it('continues the cosine learning-rate schedule: a run resumed from its middle checkpoint ends where it ended', async () => {
    const dir = join(root, 'cosine');
    expect((await run(['train', '--out', dir, '--steps', '20', '--lr-schedule', 'cosine', ...TINY])).code).toBe(0);
    const [losses, summary] = [readMetrics(dir).map((m) => m.loss), readJson<Summary>(join(dir, 'summary.json'))];
    // Rewind the run to its step-10 checkpoint (the optimizer's update count, which drives the schedule, is in it).
    const store = fileCheckpointStore(join(dir, 'checkpoint'));
    await store.write(10, await store.read(10));
    await store.remove(20);
    const resumed = await run(['train', '--out', dir, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/Resuming at step 10/);
    expect(readMetrics(dir).map((m) => m.loss)).toEqual(losses);
    expect(readJson<Summary>(join(dir, 'summary.json')).nll).toBe(summary.nll);
  });

  it('refuses to change the recipe of a saved run', async () => {
    const { code, stderr } = await run(['train', '--out', join(root, 'split'), '--resume', '--objective', 'dsm']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/--objective "dsm" differs from the saved run's "nce"/);
  });

  it('saves a checkpoint on Ctrl-C (SIGINT) and exits cleanly; --resume then finishes the run', async () => {
    const dir = join(root, 'interrupted');
    const pending = run(['train', '--out', dir, '--steps', '100000', ...TINY]);
    // Interrupt once a few steps are logged (the run would otherwise take many minutes).
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(join(dir, 'metrics.jsonl')) && readMetrics(dir).length >= 3) {
          clearInterval(poll);
          process.emit('SIGINT');
          resolve();
        }
      }, 20);
    });
    const { code, stdout } = await pending;
    expect(code).toBe(0);
    expect(stdout).toMatch(/Interrupted at step \d+; checkpoint saved/);
    const stopped = latestStep(dir);
    expect(stopped).toBe(readMetrics(dir).length);
    expect(stopped).toBeLessThan(100000);
    expect(existsSync(join(dir, 'summary.json'))).toBe(false);
    const resumed = await run(['train', '--out', dir, '--resume', '--steps', String(stopped + 5)]);
    expect(resumed.code).toBe(0);
    expect(latestStep(dir)).toBe(stopped + 5);
    expect(readMetrics(dir)).toHaveLength(stopped + 5);
  });
});

describe('memory', () => {
  it('a run frees every tensor it made (two runs in one process leave the same count)', async () => {
    const tf = await import('@tensorflow/tfjs');
    const once = async (name: string): Promise<number> => {
      expect((await run(['train', '--out', join(root, name), '--steps', '5', '--force', ...TINY])).code).toBe(0);
      return tf.memory().numTensors;
    };
    const first = await once('memory-1');
    expect(await once('memory-2')).toBe(first);
  });
});

describe('ebm sample / eval / plot / list', () => {
  const out = join(root, 'tiny');

  it('samples, evaluates and plots a saved run', async () => {
    const file = join(root, 'samples.csv');
    const sampled = await run(['sample', out, '-n', '50', '--steps', '5', '--file', file]);
    expect(sampled.code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('x1,x2');
    expect(lines).toHaveLength(51);
    expect(lines.slice(1).every((l) => l.split(',').map(Number).every(Number.isFinite))).toBe(true);

    const evaluated = await run(['eval', out]);
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toMatch(/test NLL \(nats\)/);
    const summary = readJson<Summary>(join(out, 'summary.json'));
    expect(summary.steps).toBe(5);

    const plotted = await run(['plot', out]);
    expect(plotted.code).toBe(0);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['density.png', 'loss.png']));

    const missing = await run(['eval', join(root, 'nothing-here')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/holds no run/);
  });

  it('lists data sets, objectives and samplers', async () => {
    const { code, stdout } = await run(['list']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/8gaussians/);
    expect(stdout).toMatch(/nce/);
    expect(stdout).toMatch(/mala/);
  });
});
