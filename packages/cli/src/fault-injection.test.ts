/**
 * The fault-injection suite: the real `ebm` bin in child processes, killed with SIGKILL inside
 * every write and at random moments, given a full disk (ENOSPC) and a read-only file system
 * (injected by scripts/inject-fs.mjs: CI runs as root, where chmod denies nothing), and run
 * folders with torn and garbage files. Every case ends in one of two ways: the folder recovers
 * (`ebm train --resume`, or the original command when no run was written yet) to a result equal
 * to an uninterrupted run, bit for bit (checkpoint tensors, metrics, summary, pictures; wall-clock
 * seconds aside), or the command fails with one clear line on stderr and changes nothing.
 * The longer campaign (100 random kills) is scripts/fault-campaign.mjs.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EBM_BIN,
  type Fault,
  type RunResult,
  TINY_RUN,
  errorLines,
  isOneClearLine,
  recover,
  runEbm,
  runResult,
  snapshot,
} from '../scripts/fault-harness.mjs';

const root = mkdtempSync(join(tmpdir(), 'ebm-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The child processes run the built bin: refuse to test a dist/ older than its sources (or a dependency's). */
function assertBuilt(): void {
  const packages = fileURLToPath(new URL('../../', import.meta.url));
  const newest = (dir: string): number =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.endsWith('.test.ts'))
      .reduce((latest, entry) => Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);
  for (const name of ['cli', 'core', 'conditional', 'datasets', 'eval', 'nce', 'cd', 'score-matching', 'mcmc-langevin', 'mcmc-mh', 'mcmc-hmc']) {
    const dist = join(packages, name, 'dist');
    if (!existsSync(dist) || newest(dist) < newest(join(packages, name, 'src'))) {
      throw new Error(`packages/${name}/dist is missing or older than its sources: run \`pnpm build\` before this suite (it runs ${EBM_BIN}).`);
    }
  }
}

let reference: RunResult;
let referenceMs = 0;
const trainArgs = (dir: string): string[] => ['train', '--out', dir, ...TINY_RUN];
let counter = 0;
const freshDir = (): string => join(root, `run-${counter++}`);

beforeAll(async () => {
  assertBuilt();
  const dir = join(root, 'reference');
  const start = performance.now();
  const result = await runEbm(trainArgs(dir));
  referenceMs = performance.now() - start;
  expect(result.code, result.stderr).toBe(0);
  reference = runResult(dir);
  expect(reference.checkpoint.step).toBe(12);
  expect(reference.metrics).toHaveLength(12);
  expect(reference.checkpoints).toEqual(['step-000009', 'step-000012']);
});

/** Recovers `dir` as a user would and expects the uninterrupted run's result (without the checkpoint list when `sameCheckpoints` is false). */
async function expectRecovers(dir: string, sameCheckpoints = true): Promise<void> {
  const recovered = await recover(dir, trainArgs(dir));
  expect(recovered.code, recovered.stderr).toBe(0);
  const result = runResult(dir);
  if (sameCheckpoints) expect(result).toEqual(reference);
  else expect({ ...result, checkpoints: [] }).toEqual({ ...reference, checkpoints: [] });
}

/** A folder killed mid-run: SIGKILL halfway through the metrics line of step 8 (checkpoint 6 saved, line 8 torn). */
async function killedMidRun(): Promise<string> {
  const dir = freshDir();
  const killed = await runEbm(trainArgs(dir), { fault: { op: 'write', target: '^metrics\\.jsonl$', fault: 'kill', nth: 8, partial: true } });
  expect(killed.signal).toBe('SIGKILL');
  return dir;
}

/** A finished run, copied from the reference. */
function finishedRun(): string {
  const dir = freshDir();
  cpSync(join(root, 'reference'), dir, { recursive: true });
  return dir;
}

/** Expects one clear error line matching `pattern`, exit code 1, and the folder exactly as before. */
function expectRefused(result: { code: number | null; stderr: string }, pattern: RegExp, dir: string, before: Record<string, string>): void {
  expect(result.code, result.stderr).toBe(1);
  expect(isOneClearLine(result.stderr), result.stderr).toBe(true);
  expect(errorLines(result.stderr)[0]).toMatch(pattern);
  expect(snapshot(dir)).toEqual(before);
}

const KILLS: readonly (readonly [string, Fault])[] = [
  ['config.json, half written', { op: 'write', target: '^config\\.json$', fault: 'kill', partial: true }],
  ['config.json, before its rename', { op: 'rename', target: '^config\\.json$', fault: 'kill' }],
  ['metrics.jsonl, half a line', { op: 'write', target: '^metrics\\.jsonl$', fault: 'kill', nth: 5, partial: true }],
  ['metrics.jsonl, its fsync at a checkpoint', { op: 'sync', target: '^metrics\\.jsonl$', fault: 'kill', nth: 2 }],
  ['a checkpoint tensors.bin, half written', { op: 'write', target: '^tensors\\.bin$', fault: 'kill', nth: 2, partial: true }],
  ['a checkpoint manifest.json, half written', { op: 'write', target: '^manifest\\.json$', fault: 'kill', nth: 3, partial: true }],
  ['a checkpoint folder, before its rename', { op: 'rename', target: '^step-\\d+$', fault: 'kill', nth: 2 }],
  ['latest.json, half written', { op: 'write', target: '^latest\\.json$', fault: 'kill', nth: 2, partial: true }],
  ['latest.json, before its rename', { op: 'rename', target: '^latest\\.json$', fault: 'kill', nth: 3 }],
  ['pruning, before the last old checkpoint is renamed away', { op: 'rename', target: '^removed-step-', fault: 'kill', nth: 2 }],
  ['pruning, an old checkpoint renamed away but not deleted', { op: 'remove', target: '^removed-step-', fault: 'kill' }],
  ['summary.json, half written', { op: 'write', target: '^summary\\.json$', fault: 'kill', partial: true }],
  ['density.png, half written', { op: 'write', target: '^density\\.png$', fault: 'kill', partial: true }],
];

describe('kill -9 inside every write', () => {
  it.each(KILLS)('%s: the folder recovers to the uninterrupted result', async (_, fault) => {
    const dir = freshDir();
    const killed = await runEbm(trainArgs(dir), { fault });
    expect(killed.signal, `the fault never fired: ${killed.stderr}`).toBe('SIGKILL');
    await expectRecovers(dir);
  });

  it("resume's rewrite of config.json (a changed --checkpoint-every): the old config survives and the folder recovers", async () => {
    const dir = await killedMidRun();
    const config = readFileSync(join(dir, 'config.json'), 'utf8');
    const killed = await runEbm(['train', '--out', dir, '--resume', '--checkpoint-every', '4'], {
      fault: { op: 'write', target: '^config\\.json$', fault: 'kill', partial: true },
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(config);
    await expectRecovers(dir, false);
  });

  it("resume's rewrite of metrics.jsonl (cut back to the checkpoint): no earlier line is lost and the folder recovers", async () => {
    const dir = await killedMidRun();
    const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8');
    const killed = await runEbm(['train', '--out', dir, '--resume'], { fault: { op: 'write', target: '^metrics\\.jsonl$', fault: 'kill', partial: true } });
    expect(killed.signal).toBe('SIGKILL');
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).toBe(metrics);
    await expectRecovers(dir);
  });

  it("resume's repair of a missing latest.json: the folder recovers", async () => {
    const dir = finishedRun();
    rmSync(join(dir, 'checkpoint', 'latest.json'));
    const killed = await runEbm(['train', '--out', dir, '--resume'], { fault: { op: 'rename', target: '^latest\\.json$', fault: 'kill' } });
    expect(killed.signal).toBe('SIGKILL');
    await expectRecovers(dir);
  });
});

describe('kill -9 at random moments', () => {
  it.each([0.2, 0.45, 0.7, 0.9])('at about %s of an uninterrupted run: the folder recovers to the uninterrupted result', async (fraction) => {
    const dir = freshDir();
    // The run's duration varies with the load: the kill lands somewhere around this fraction of it.
    const killed = await runEbm(trainArgs(dir), { killAfterMs: fraction * referenceMs });
    expect(killed.signal === 'SIGKILL' || killed.code === 0, killed.stderr).toBe(true);
    await expectRecovers(dir);
  });
});

describe('Ctrl-C (a real SIGINT)', () => {
  const untilQuiet = (dir: string): string[] => trainArgs(dir).filter((arg) => arg !== '--quiet');

  it('once during training: exit code 130 with the checkpoint saved; the folder recovers to the uninterrupted result', async () => {
    const dir = freshDir();
    const stopped = await runEbm(untilQuiet(dir), { interruptOn: { stdout: /step 4\/12/, count: 1 } });
    expect(stopped.code, stopped.stderr).toBe(130);
    // Under load the 12 steps may all be done when the signal is handled: then it stops the final evaluation.
    expect(errorLines(stopped.stderr).at(-1)).toMatch(/^error: Interrupted (at step \d+; checkpoint saved\. Continue|during the final evaluation: .*Finish it) with: ebm train --out .* --resume$/);
    expect(stopped.stderr).not.toMatch(/^\s+at /m);
    await expectRecovers(dir);
  });
});

const FULL_DISK: readonly (readonly [string, Fault, RegExp])[] = [
  ['config.json', { op: 'write', target: '^config\\.json$', fault: 'ENOSPC', partial: true }, /cannot write .*config\.json: no space left/],
  ['metrics.jsonl, and every later append', { op: 'write', target: '^metrics\\.jsonl$', fault: 'ENOSPC', nth: 5, partial: true, persist: true }, /cannot append to .*metrics\.jsonl: no space left/],
  ['a checkpoint tensors.bin', { op: 'write', target: '^tensors\\.bin$', fault: 'ENOSPC', nth: 2, partial: true }, /Could not write checkpoint step 6 .*ENOSPC/],
  ['a checkpoint manifest.json', { op: 'write', target: '^manifest\\.json$', fault: 'ENOSPC', nth: 3, partial: true }, /Could not write checkpoint step 9 .*ENOSPC/],
  ['latest.json', { op: 'write', target: '^latest\\.json$', fault: 'ENOSPC', nth: 2, partial: true }, /Could not write checkpoint step 6 .*ENOSPC/],
  ['the metrics fsync at a checkpoint', { op: 'sync', target: '^metrics\\.jsonl$', fault: 'ENOSPC', nth: 2 }, /cannot append to .*metrics\.jsonl: no space left/],
  ['summary.json', { op: 'write', target: '^summary\\.json$', fault: 'ENOSPC', partial: true }, /cannot write .*summary\.json: no space left/],
  ['loss.png', { op: 'write', target: '^loss\\.png$', fault: 'ENOSPC', partial: true }, /cannot write .*loss\.png: no space left/],
  ['every file from the 12th write on', { op: 'write', target: '.*', fault: 'ENOSPC', nth: 12, partial: true, persist: true }, /no space left/],
];

describe('a full disk (ENOSPC) on each file', () => {
  it.each(FULL_DISK)('%s: one clear line, then the folder recovers to the uninterrupted result (nothing lost)', async (_, fault, pattern) => {
    const dir = freshDir();
    const failed = await runEbm(trainArgs(dir), { fault });
    expect(failed.code, failed.stderr).toBe(1);
    expect(isOneClearLine(failed.stderr), failed.stderr).toBe(true);
    expect(errorLines(failed.stderr)[0]).toMatch(pattern);
    if (fault.target !== '^config\\.json$') expect(errorLines(failed.stderr)[0]).toMatch(/Then continue with: ebm train --out .* --resume/);
    await expectRecovers(dir);
  });

  it('ebm eval and ebm sample --file: one clear line, the run folder unchanged and no partial CSV', async () => {
    const dir = finishedRun();
    const before = snapshot(dir);
    const full = { op: 'write', target: '.*', fault: 'ENOSPC', partial: true } as const;
    const evaluated = await runEbm(['eval', dir], { fault: full });
    expectRefused(evaluated, /^error: cannot write .*summary\.json: no space left on the device \(ENOSPC\)/, dir, before);
    const csvDir = freshDir();
    mkdirSync(csvDir);
    const sampled = await runEbm(['sample', dir, '-n', '5', '--file', join(csvDir, 'x.csv')], { fault: full });
    expectRefused(sampled, /^error: cannot write .*x\.csv: no space left on the device \(ENOSPC\)\. Free some disk space\.$/, dir, before);
    expect(readdirSync(csvDir)).toEqual([]);
  });
});

/** Every way a read-only file system refuses a write. */
const READ_ONLY = (code: 'EROFS' | 'EACCES'): Fault => ({ op: ['open', 'write', 'rename', 'mkdir', 'remove'], target: '.*', fault: code, persist: true });

describe('read-only folders', () => {
  it('a new run on a read-only file system: one clear line, nothing created', async () => {
    const dir = freshDir();
    const failed = await runEbm(trainArgs(dir), { fault: READ_ONLY('EROFS') });
    expect(failed.code, failed.stderr).toBe(1);
    expect(isOneClearLine(failed.stderr), failed.stderr).toBe(true);
    expect(errorLines(failed.stderr)[0]).toMatch(/^error: cannot create the folder .*: the file system is read-only \(EROFS\)/);
    expect(existsSync(dir)).toBe(false);
  });

  it.each(['EROFS', 'EACCES'] as const)('--resume in a read-only folder (%s): one clear line, the folder unchanged; writable again, it recovers', async (code) => {
    const dir = await killedMidRun();
    const before = snapshot(dir);
    const failed = await runEbm(['train', '--out', dir, '--resume'], { fault: READ_ONLY(code) });
    expectRefused(failed, new RegExp(`^error: cannot .*\\(${code}\\)`), dir, before);
    await expectRecovers(dir);
  });

  it('eval in a read-only folder prints the summary, then one clear line; sample to stdout works', async () => {
    const dir = finishedRun();
    const before = snapshot(dir);
    const evaluated = await runEbm(['eval', dir], { fault: READ_ONLY('EROFS') });
    expectRefused(evaluated, /^error: cannot write .*summary\.json: the file system is read-only \(EROFS\)/, dir, before);
    expect(evaluated.stdout).toMatch(/test NLL \(nats\)/);
    const sampled = await runEbm(['sample', dir, '-n', '3'], { fault: READ_ONLY('EROFS') });
    expect(sampled.code, sampled.stderr).toBe(0);
    expect(sampled.stdout.trim().split('\n')).toHaveLength(4);
  });
});

describe('torn and garbage run files', () => {
  it('a torn last line of metrics.jsonl is dropped with a note; the folder recovers', async () => {
    const dir = await killedMidRun();
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').endsWith('\n')).toBe(false);
    const resumed = await runEbm(['train', '--out', dir, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/note: dropped the torn last line of .*metrics\.jsonl/);
    expect(runResult(dir)).toEqual(reference);
  });

  it.each([
    ['an empty config.json', 'config.json', '', /^error: .*config\.json is damaged: Unexpected end of JSON input\. Restore it/],
    ['a truncated config.json', 'config.json', '{"dataset": "8gaussians", "dataSize', /^error: .*config\.json is damaged: .*JSON.*Restore it/],
    ['a config.json of another shape', 'config.json', '[1, 2]', /^error: .*config\.json is damaged: it holds \[1,2\], not a config object/],
    ['a config.json with a bad value', 'config.json', '{"steps": -1}', /^error: .*config\.json is not a valid config .*--steps/],
    ['a garbage line in the middle of metrics.jsonl', 'metrics.jsonl', null, /^error: .*metrics\.jsonl is damaged at line 3 .*the checkpoints are intact/],
  ] as const)('%s: --resume and eval fail with one clear line and change nothing', async (_, file, content, pattern) => {
    const dir = await killedMidRun();
    if (content === null) {
      const lines = readFileSync(join(dir, file), 'utf8').split('\n');
      lines[2] = 'garbage';
      writeFileSync(join(dir, file), lines.join('\n'));
    } else {
      writeFileSync(join(dir, file), content);
    }
    const before = snapshot(dir);
    expectRefused(await runEbm(['train', '--out', dir, '--resume']), pattern, dir, before);
    if (file === 'config.json') expectRefused(await runEbm(['eval', dir]), pattern, dir, before);
  });

  it.each([
    ['missing', null],
    ['garbage', '{"st'],
    ['pointing at no checkpoint', '{"step": 7}'],
  ] as const)('latest.json %s: resume uses the newest checkpoint that loads, says so, repairs it, and ends equal', async (_, content) => {
    const dir = await killedMidRun();
    const latest = join(dir, 'checkpoint', 'latest.json');
    if (content === null) rmSync(latest);
    else writeFileSync(latest, content);
    const resumed = await runEbm(['train', '--out', dir, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/note: using step-000006, the newest checkpoint that loads\.\nnote: .*latest\.json now points at step 6\./);
    expect(resumed.stdout).toMatch(/Resuming at step 6/);
    expect(runResult(dir)).toEqual(reference);
  });

  it('latest.json missing in a finished run: eval uses the newest checkpoint with a note and writes no latest.json', async () => {
    const dir = finishedRun();
    rmSync(join(dir, 'checkpoint', 'latest.json'));
    const evaluated = await runEbm(['eval', dir]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stderr).toMatch(/note: using step-000012, the newest checkpoint that loads\.\n/);
    expect(existsSync(join(dir, 'checkpoint', 'latest.json'))).toBe(false);
  });

  it('a checkpoint whose manifest says another step than its folder: one clear line, nothing changed', async () => {
    const dir = await killedMidRun();
    cpSync(join(dir, 'checkpoint', 'step-000006'), join(dir, 'checkpoint', 'step-000009'), { recursive: true });
    writeFileSync(join(dir, 'checkpoint', 'latest.json'), '{"step": 9}');
    const before = snapshot(dir);
    expectRefused(
      await runEbm(['train', '--out', dir, '--resume']),
      /^error: The latest checkpoint \(step 9\) does not load: manifest\.json of checkpoint step 9 .* says it holds step 6: .*Move .*step-000009 away to use step 6/,
      dir,
      before,
    );
  });

  it('a corrupt tensors.bin in the latest checkpoint: one clear line naming the earlier checkpoint, nothing changed', async () => {
    const dir = await killedMidRun();
    const tensors = join(dir, 'checkpoint', 'step-000006', 'tensors.bin');
    const bytes = readFileSync(tensors);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(tensors, bytes);
    const before = snapshot(dir);
    expectRefused(
      await runEbm(['train', '--out', dir, '--resume']),
      /^error: The latest checkpoint \(step 6\) does not load: tensors\.bin .* is corrupt: its CRC-32 .*Move .*step-000006 away to use step 3/,
      dir,
      before,
    );
  });

  it('leftovers of interrupted writes (.tmp-*) are removed on resume, each said in a note; the folder recovers', async () => {
    const dir = await killedMidRun();
    writeFileSync(join(dir, '.tmp-config.json-1-2-3'), '{"hal');
    mkdirSync(join(dir, 'checkpoint', '.tmp-step-000009-1-2-4'));
    writeFileSync(join(dir, 'checkpoint', '.tmp-step-000009-1-2-4', 'tensors.bin'), 'half');
    const resumed = await runEbm(['train', '--out', dir, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/note: removed \.tmp-config\.json-1-2-3 \(left by an interrupted write\)/);
    expect(resumed.stderr).toMatch(/note: removed \.tmp-step-000009-1-2-4 \(left by an interrupted write\)/);
    expect(runResult(dir)).toEqual(reference);
  });

  it('--resume --steps 5 on a finished 12-step run is refused, naming the checkpoint step; config.json keeps 12', async () => {
    const dir = finishedRun();
    const before = snapshot(dir);
    expectRefused(
      await runEbm(['train', '--out', dir, '--resume', '--steps', '5']),
      /^error: --steps 5 is less than the 12 steps this run has trained \(checkpoint step 12 in .*\)\. A resumed run only trains further/,
      dir,
      before,
    );
  });

  it('a garbage summary.json: plot names `ebm eval` as the fix, eval rewrites it, plot then works', async () => {
    const dir = finishedRun();
    writeFileSync(join(dir, 'summary.json'), 'garbage');
    const before = snapshot(dir);
    expectRefused(await runEbm(['plot', dir]), /^error: .*summary\.json is damaged .*Rewrite it with `ebm eval /, dir, before);
    expect((await runEbm(['eval', dir])).code).toBe(0);
    expect(runResult(dir)).toEqual(reference);
    expect((await runEbm(['plot', dir])).code).toBe(0);
  });
});
