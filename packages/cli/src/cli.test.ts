import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileCheckpointStore } from '@ebm/core/node';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Io } from './io.js';
import { main } from './program.js';
import { type MetricsLine, RunFolder, type Summary, fromRunJson } from './run-folder.js';
import { runCli as run } from './run-cli.test-kit.js';

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

const readJson = <T>(path: string): T => fromRunJson(readFileSync(path, 'utf8')) as T;
const readMetrics = (dir: string): MetricsLine[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as MetricsLine);

describe('ebm train', () => {
  const out = join(root, 'tiny');

  it('runs a tiny recipe end to end and writes the whole run folder', async () => {
    const { code, stdout, stderr } = await run(['train', '--out', out, '--steps', '20', ...TINY]);
    const summary = readJson<Summary>(join(out, 'summary.json'));
    // After 20 steps the density may not fall off at the quadrature box's edge yet: then the
    // infinite log Z error bound is kept in summary.json (not written as null) and told in a note.
    expect(stderr).toBe(Number.isFinite(summary.logZError) ? '' : `note: ${summary.warnings![0]}.\n`);
    expect(code).toBe(0);
    expect(summary.status).toBe('completed');
    expect(stdout).toMatch(/test NLL \(nats\)/);
    expect(stdout).toMatch(/NLL floor\s+2\.83/);
    for (const name of ['config.json', 'metrics.jsonl', 'summary.json', 'density.png', 'loss.png', 'checkpoint']) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
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
    expect(bad.stderr).toMatch(/Invalid value 'mle' for --objective \(config key 'objective'\)\. Accepted values: cd, pcd, replay, nce, dsm, ssm, sm, fce, flow, cnce, ccd, cdsm, gaussian, jem, classifier\./);
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

  it('saves a checkpoint on Ctrl-C (SIGINT) and exits with code 130; --resume then finishes the run', async () => {
    const dir = join(root, 'interrupted');
    const pending = run(['train', '--out', dir, '--steps', '100000', ...TINY]);
    // Interrupt once a few steps are logged (the run would otherwise take many minutes).
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        // The run appends while this reads: the run folder's reader leaves out a line being written.
        if (new RunFolder(dir).readMetrics().lines.length >= 3) {
          clearInterval(poll);
          process.emit('SIGINT');
          resolve();
        }
      }, 20);
    });
    const { code, stderr } = await pending;
    expect(code).toBe(130);
    expect(stderr).toMatch(/Stopping at the next safe point/);
    expect(stderr).toMatch(/error: Interrupted at step \d+; checkpoint saved\. Continue with: ebm train --out .* --resume\n$/);
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
    const imageOnly = await run(['sample', out, '--from', 'buffer', '--file', file]);
    expect(imageOnly.code).toBe(1);
    expect(imageOnly.stderr).toMatch(/--from is for image runs/);

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

/** TINY with a tiny flow, for the recipes that train one (fce, flow). */
const TINY_FLOW = [...TINY, '--flow-layers', '2', '--flow-width', '8'];

describe('ebm train --objective fce', () => {
  const out = join(root, 'fce');

  it("trains an energy against a flow and reports both: the energy's and the flow's NLL, density.png and flow.png", async () => {
    const { code, stdout, stderr } = await run(['train', '--out', out, '--objective', 'fce', '--dataset', 'checkerboard', '--steps', '20', ...TINY_FLOW]);
    // 20 tiny steps leave the energy undertrained: the evaluation may add a note (logZError), never an error.
    expect(stderr.split('\n').filter((line) => line !== '' && !line.startsWith('note: '))).toEqual([]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/flow test NLL/);
    expect(stdout).toMatch(/density\.png, flow\.png/);
    const summary = readJson<Summary>(join(out, 'summary.json'));
    expect(Number.isFinite(summary.nll)).toBe(true);
    expect(Number.isFinite(summary.flowNll)).toBe(true);
    expect(summary.flowGap).toBeCloseTo(summary.flowNll! - Math.log(32), 10);
    const line = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').split('\n')[0]!) as MetricsLine;
    for (const name of ['logZ', 'accuracy', 'dataAccuracy', 'flowAccuracy', 'flowLogLikelihood']) expect(Number.isFinite(line[name])).toBe(true);
    for (const name of ['density.png', 'flow.png']) {
      const png = PNG.sync.read(readFileSync(join(out, name)));
      expect(png.width).toBeGreaterThan(500);
    }
  });

  it('resumes exactly: the flow trained so far comes back from the checkpoint (losses and both NLLs equal an uninterrupted run)', async () => {
    const whole = join(root, 'fce-whole');
    const split = join(root, 'fce-split');
    const recipe = ['--objective', 'fce', '--warmup-steps', '5', '--mle-weight', '0.1', '--lr-schedule', 'constant', ...TINY_FLOW];
    expect((await run(['train', '--out', whole, '--steps', '20', ...recipe])).code).toBe(0);
    expect((await run(['train', '--out', split, '--steps', '10', ...recipe])).code).toBe(0);
    const resumed = await run(['train', '--out', split, '--resume', '--steps', '20']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(readMetrics(split).map((m) => m.loss)).toEqual(readMetrics(whole).map((m) => m.loss));
    const [a, b] = [readJson<Summary>(join(whole, 'summary.json')), readJson<Summary>(join(split, 'summary.json'))];
    expect(b.nll).toBe(a.nll);
    expect(b.flowNll).toBe(a.flowNll);
  });

  it('evaluates and plots a saved fce run with the flow restored from its checkpoint', async () => {
    const before = readJson<Summary>(join(out, 'summary.json'));
    const evaluated = await run(['eval', out]);
    expect(evaluated.code).toBe(0);
    expect(readJson<Summary>(join(out, 'summary.json')).flowNll).toBe(before.flowNll);
    const plotted = await run(['plot', out]);
    expect(plotted.code).toBe(0);
    expect(existsSync(join(out, 'flow.png'))).toBe(true);
  });
});

describe('ebm train --objective flow', () => {
  it('trains the flow alone by maximum likelihood, evaluates it as the energy -log q and samples it exactly', async () => {
    const out = join(root, 'flow');
    const { code, stderr } = await run(['train', '--out', out, '--objective', 'flow', '--flow-kind', 'realnvp', '--steps', '20', ...TINY_FLOW]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = readJson<Summary>(join(out, 'summary.json'));
    expect(Number.isFinite(summary.nll)).toBe(true);
    // The flow is the model: no second flow to report, one density picture.
    expect(summary.flowNll).toBeUndefined();
    expect(existsSync(join(out, 'flow.png'))).toBe(false);
    const file = join(root, 'flow-samples.csv');
    const sampled = await run(['sample', out, '-n', '30', '--file', file]);
    expect(sampled.code).toBe(0);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(31);
  });
});

describe('errors and outcomes', () => {
  const oneErrorLine = (stderr: string): string => {
    const lines = stderr.split('\n').filter((l) => l !== '' && !l.startsWith('note: '));
    expect(lines, stderr).toHaveLength(1);
    expect(stderr).not.toMatch(/^\s+at /m);
    return lines[0]!;
  };

  it('a run that diverges ends with exit code 3, one line, and summary.json saying so (no infinity written as null)', async () => {
    const dir = join(root, 'diverged');
    const { code, stderr } = await run(['train', '--out', dir, '--objective', 'pcd', '--step-size', '1e6', '--learning-rate', '0.1', '--steps', '60', ...TINY]);
    expect(code).toBe(3);
    expect(oneErrorLine(stderr)).toMatch(/^error: The run diverged: the test NLL \d+\.\d is \d+\.\d nats worse than a constant energy's \(5\.21\) \(summary\.json has status "diverged"\)\. Lower --learning-rate/);
    const summary = readJson<Summary>(join(dir, 'summary.json'));
    expect(summary.status).toBe('diverged');
    expect(summary.problems).toHaveLength(1);
    expect(readFileSync(join(dir, 'summary.json'), 'utf8')).not.toMatch(/null/);
    expect(existsSync(join(dir, 'density.png'))).toBe(true);
    // ebm eval says the same.
    const evaluated = await run(['eval', dir]);
    expect(evaluated.code).toBe(3);
    expect(oneErrorLine(evaluated.stderr)).toMatch(/^error: The run diverged/);
  });

  it('a loss that becomes infinite ends training with exit code 3 and a diverged summary at the last finite step', async () => {
    const dir = join(root, 'diverged-loss');
    const { code, stderr } = await run(['train', '--out', dir, '--objective', 'dsm', '--optimizer', 'sgd', '--learning-rate', '1000', '--steps', '40', ...TINY]);
    expect(code).toBe(3);
    expect(oneErrorLine(stderr)).toMatch(/^error: Training diverged: loss is Infinity at step 3 \(objective 'denoising-score-matching'\)\. Lower the learning rate/);
    const summary = readJson<Summary>(join(dir, 'summary.json'));
    expect(summary).toMatchObject({ status: 'diverged', steps: 2, loss: Number.NaN });
    expect(summary.problems![0]).toMatch(/^loss is Infinity at step 3/);
    expect(readMetrics(dir).map((m) => m.step)).toEqual([1, 2]);
  });

  it('sizes that cannot fit are refused up front, naming the flag to lower, and nothing is written', async () => {
    const dir = join(root, 'too-big');
    const cases = [
      [['--data-size', '2e9'], /^error: The run needs about 160 GB of memory, more than .*; the data alone takes about 160 GB \(--data-size 2000000000, --test-size 5000\)\. Lower --data-size or --test-size\.$/],
      [['--hidden', '200000,200000'], /^error: The run needs about 1 TB of memory, .*the model and its optimizer state alone takes about 960 GB \(--hidden 200000,200000\)\. Lower --hidden\.$/],
      [['--data-size', '100', '--batch-size', '256'], /^error: --batch-size 256 is larger than --data-size 100: a minibatch draws rows from the training data without replacement/],
      [['--test-size', '1'], /^error: Invalid value 1 for --test-size \(config key 'testSize'\): Too small: expected number to be >=2\.$/],
      [['--sample-size', '1'], /^error: Invalid value 1 for --sample-size \(config key 'sampleSize'\)/],
    ] as const;
    for (const [flags, pattern] of cases) {
      const { code, stderr } = await run(['train', '--out', dir, ...flags]);
      expect(code).toBe(1);
      expect(oneErrorLine(stderr)).toMatch(pattern);
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('file-system errors are one line naming the path and what to do', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const onFile = await run(['train', '--out', file, '--steps', '2', ...TINY]);
    expect(onFile.code).toBe(1);
    expect(oneErrorLine(onFile.stderr)).toBe(`error: cannot create the folder ${file}: ${file} is a file, not a folder. Choose another --out, or move that file away.`);
    const under = await run(['train', '--out', join(file, 'run'), '--steps', '2', ...TINY]);
    expect(oneErrorLine(under.stderr)).toBe(`error: cannot create the folder ${join(file, 'run')}: ${file} is a file, not a folder. Choose another --out, or move that file away.`);
    const csv = await run(['sample', join(root, 'tiny'), '-n', '3', '--file', join(root, 'missing', 'x.csv')]);
    expect(csv.code).toBe(1);
    expect(oneErrorLine(csv.stderr)).toBe(`error: cannot write ${join(root, 'missing', 'x.csv')}: no such file or folder (ENOENT). Check the path: its folder must exist.`);
    const config = await run(['train', '--out', join(root, 'unused'), '--config', join(root, 'missing.json')]);
    expect(oneErrorLine(config.stderr)).toMatch(/^error: --config: cannot read .*missing\.json: no such file or folder \(ENOENT\)\. .*Pass the path of a JSON file of config keys/);
  });

  it('an unexpected error is an internal error (exit code 2, one line); --debug and EBM_DEBUG=1 add the stack trace', async () => {
    const failing = (args: readonly string[]) => {
      let err = '';
      const io: Io = { out: () => { throw new Error('stdout went away'); }, err: (t) => void (err += t), tty: false };
      return main(args, io).then((code) => ({ code, err }));
    };
    const plain = await failing(['list']);
    expect(plain.code).toBe(2);
    expect(plain.err).toBe('internal error: stdout went away. This is a bug in ebm: rerun with --debug (or EBM_DEBUG=1) for the stack trace, and report it.\n');
    const debug = await failing(['list', '--debug']);
    expect(debug.code).toBe(2);
    expect(debug.err).toMatch(/^internal error: stdout went away\..*\nError: stdout went away\n\s+at /);
    process.env.EBM_DEBUG = '1';
    try {
      expect((await failing(['list'])).err).toMatch(/\nError: stdout went away\n\s+at /);
    } finally {
      delete process.env.EBM_DEBUG;
    }
  });
});

describe('Ctrl-C from the start of a command to its end', () => {
  it('before training starts: exit code 130 and nothing written', async () => {
    const dir = join(root, 'ctrl-c-early');
    const pending = run(['train', '--out', dir, '--steps', '20', ...TINY]);
    process.emit('SIGINT');
    const { code, stderr } = await pending;
    expect(code).toBe(130);
    expect(stderr).toMatch(/error: Interrupted before training started; nothing was written\.\n$/);
    expect(existsSync(dir)).toBe(false);
  });

  it('during the final evaluation: exit code 130, training kept; --resume finishes the evaluation', async () => {
    const dir = join(root, 'ctrl-c-evaluation');
    let err = '';
    // The last progress line is printed after the last step, before the evaluation starts.
    const io: Io = { out: (t) => void (t.startsWith('step 20/20') && process.emit('SIGINT')), err: (t) => void (err += t), tty: false };
    const code = await main(['train', '--out', dir, '--steps', '20', ...TINY], io);
    expect(code).toBe(130);
    expect(err).toMatch(/error: Interrupted during the final evaluation: training is complete \(checkpoint step 20 saved\)\. Finish it with: ebm train --out .* --resume\n$/);
    expect(existsSync(join(dir, 'summary.json'))).toBe(false);
    const resumed = await run(['train', '--out', dir, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/Run already trained to step 20; finishing its evaluation/);
    expect(readJson<Summary>(join(dir, 'summary.json')).steps).toBe(20);
  });
});
