import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConditionalSummary } from './conditional-evaluation.js';
import { runCli as run } from './run-cli.test-kit.js';

/** Tiny conditional runs: small data and network, few steps, so each takes seconds. */
const TINY = ['--hidden', '8', '--data-size', '256', '--test-size', '64', '--batch-size', '32', '--eval-every', '5', '--checkpoint-every', '5', '--backend', 'wasm'];

const root = mkdtempSync(join(tmpdir(), 'ebm-cli-conditional-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const readSummary = (dir: string): ConditionalSummary => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as ConditionalSummary;
const pngSize = (path: string): [number, number] => {
  const png = PNG.sync.read(readFileSync(path));
  return [png.width, png.height];
};

describe('ebm train on a conditional toy', () => {
  it('trains conditional NCE on branching: exact conditional NLL, its floor and gap, and p(y | x) beside the truth', async () => {
    const out = join(root, 'branching');
    const { code, stdout, stderr } = await run(['train', '--out', out, '--dataset', 'branching', '--objective', 'cnce', '--num-noise', '4', '--steps', '10', ...TINY]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/conditional test NLL \(nats\)/);
    const summary = readSummary(out);
    expect(summary).toMatchObject({ dataset: 'branching', objective: 'cnce', steps: 10, testPairs: 64 });
    expect(summary.gap).toBeCloseTo(summary.nll - summary.nllFloor!, 10);
    // The gap's standard error is over paired differences: below either NLL's own.
    expect(summary.gapStandardError).toBeGreaterThan(0);
    // A quadrature over y stands behind the NLL of an energy (after 10 steps the energy is still flat-ish, so the bound is loose).
    expect(summary.logZError).toBeGreaterThan(0);
    const [width, height] = pngSize(join(out, 'conditional.png'));
    expect(width).toBeGreaterThan(600);
    expect(height).toBeGreaterThan(300);
    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { nll?: number });
    expect(metrics.filter((m) => m.nll !== undefined)).toHaveLength(2);

    // eval recomputes the same summary from the checkpoint; plot redraws; sample refuses.
    const evaluated = await run(['eval', out]);
    expect(evaluated.code).toBe(0);
    expect(readSummary(out).nll).toBe(summary.nll);
    const plotted = await run(['plot', out]);
    expect(plotted.code).toBe(0);
    expect(plotted.stdout).toMatch(/conditional\.png/);
    const sampled = await run(['sample', out]);
    expect(sampled.code).toBe(1);
    expect(sampled.stderr).toMatch(/conditional run/);
  });

  it('trains the Gaussian baseline on ring (2-D targets): closed-form NLL, p(y | x) at three inputs', async () => {
    const out = join(root, 'ring');
    const { code, stderr } = await run(['train', '--out', out, '--dataset', 'ring', '--objective', 'gaussian', '--steps', '5', ...TINY]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = readSummary(out);
    expect(summary.logZError).toBe(0);
    expect(Number.isFinite(summary.gap)).toBe(true);
    const [width, height] = pngSize(join(out, 'conditional.png'));
    expect(width).toBeGreaterThan(900);
    expect(height).toBeGreaterThan(600);
  });

  it('a run that learnt nothing counts as diverged: exit code 3, status and problem in summary.json, pictures drawn', async () => {
    // Learning rate 10 wrecks the energy in 20 steps: a conditional NLL of about 65 nats against log 5 = 1.61 for a constant energy.
    const out = join(root, 'diverged');
    const { code, stderr } = await run(['train', '--out', out, '--dataset', 'branching', '--objective', 'cnce', '--num-noise', '4', '--learning-rate', '10', '--steps', '20', ...TINY]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/The run diverged: the test NLL [\d.]+ is [\d.]+ nats worse than a constant energy's \(1\.61\)/);
    const summary = readSummary(out);
    expect(summary.status).toBe('diverged');
    expect(summary.problems).toHaveLength(1);
    expect(summary.nll).toBeGreaterThan(Math.log(5) + 10);
    expect(existsSync(join(out, 'conditional.png'))).toBe(true);
    // ebm eval agrees, with the same exit code.
    expect((await run(['eval', out])).code).toBe(3);
  });

  it('names a data set that does not fit the objective', async () => {
    const toyOnDigits = await run(['train', '--out', join(root, 'bad-1'), '--dataset', 'digits', '--objective', 'cnce']);
    expect(toyOnDigits.code).toBe(1);
    expect(toyOnDigits.stderr).toMatch(/--objective cnce trains p\(y \| x\) on a conditional toy: pass --dataset branching\|heteroscedastic\|ring/);
    const jemOnToy = await run(['train', '--out', join(root, 'bad-2'), '--dataset', 'ring', '--objective', 'jem']);
    expect(jemOnToy.stderr).toMatch(/pass --dataset digits/);
    const densityOnPairs = await run(['train', '--out', join(root, 'bad-3'), '--dataset', 'ring', '--objective', 'nce']);
    expect(densityOnPairs.stderr).toMatch(/not a 2-D toy/);
    for (const dir of ['bad-1', 'bad-2', 'bad-3']) expect(existsSync(join(root, dir, 'summary.json'))).toBe(false);
  });
});

describe('ebm train --objective jem', () => {
  it('trains JEM on the digits: accuracy, ECE, AUROC of log p(x), class-conditional samples, reliability diagram', async () => {
    const out = join(root, 'jem');
    const args = ['train', '--out', out, '--dataset', 'digits', '--objective', 'jem', '--sgld-steps', '2', '--sgld-buffer-size', '256', '--sample-steps', '5', '--steps', '10'];
    const { code, stdout, stderr } = await run([...args, ...TINY]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/ECE \(15 bins\)/);
    const summary = readSummary(out);
    // The digits hold out 20% of their 1,797 images, whatever --test-size says.
    expect(summary.testPairs).toBe(359);
    for (const key of ['accuracy', 'ece', 'aurocNoise'] as const) {
      expect(summary[key]).toBeGreaterThanOrEqual(0);
      expect(summary[key]).toBeLessThanOrEqual(1);
    }
    expect(summary.aurocOod).toBeUndefined();
    // One row of 10 samples per class: 10 x 10 tiles of 8 x 4 + 1 pixels.
    expect(pngSize(join(out, 'samples.png'))).toEqual([331, 331]);
    expect(existsSync(join(out, 'reliability.png'))).toBe(true);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!) as Record<string, number>;
    expect(Object.keys(metrics)).toEqual(expect.arrayContaining(['crossEntropy', 'accuracy', 'generativeEnergyGap']));
    // Resuming with the flags repeated (--dataset digits alone would name an image run) continues this jem run.
    const resumed = await run([...args, ...TINY, '--steps', '12', '--resume']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(readSummary(out).steps).toBe(12);
  });

  it('lists the conditional data sets and objectives', async () => {
    const { stdout } = await run(['list']);
    expect(stdout).toMatch(/conditional datasets:\n {2}branching, heteroscedastic, ring \(pairs x, y\), digits/);
    expect(stdout).toMatch(/jem +JEM/);
    expect(stdout).toMatch(/gaussian +Gaussian regression/);
  });
});
