// The harness of the fault-injection suite (src/fault-injection.test.ts) and of the long
// campaign (scripts/fault-campaign.mjs): runs the real `ebm` bin as a child process (optionally
// with a file-system fault injected by inject-fs.mjs, or killed with SIGKILL after a delay),
// recovers a run folder the way a user would, and reads what a run folder holds so that two runs
// can be compared bit for bit.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `ebm` executable of this package (it runs dist/bin.js: build first). */
export const EBM_BIN = fileURLToPath(new URL('../bin/ebm.js', import.meta.url));
/** The preload module that injects file-system faults (see its header for EBM_FAULT). */
export const INJECT_FS = fileURLToPath(new URL('./inject-fs.mjs', import.meta.url));

/**
 * A run of a few seconds that still writes every kind of file: 12 steps, a checkpoint every 3
 * (so pruning runs), the test NLL every 4, the final evaluation and both pictures.
 */
export const TINY_RUN = [
  '--steps', '12', '--checkpoint-every', '3', '--eval-every', '4',
  '--hidden', '8', '--data-size', '256', '--test-size', '64', '--batch-size', '32',
  '--sample-size', '16', '--sample-steps', '2', '--backend', 'wasm', '--quiet',
];

/**
 * Runs `ebm ...args`. `fault` (an EBM_FAULT object) preloads the injector; `killAfterMs` sends
 * SIGKILL after that many milliseconds; `interruptOn` sends `count` SIGINTs (Ctrl-C), 100 ms
 * apart, once stdout matches `stdout`. Resolves with the exit code (null when killed), the signal,
 * stdout and stderr.
 */
export function runEbm(args, { fault, killAfterMs, interruptOn, env = {} } = {}) {
  const nodeArgs = fault === undefined ? [EBM_BIN, ...args] : ['--import', INJECT_FS, EBM_BIN, ...args];
  const child = spawn(process.execPath, nodeArgs, {
    env: { ...process.env, ...env, ...(fault === undefined ? {} : { EBM_FAULT: JSON.stringify(fault) }), EBM_DEBUG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (interruptOn === undefined || interrupted || !interruptOn.stdout.test(stdout)) return;
    interrupted = true;
    for (let i = 0; i < interruptOn.count; i++) setTimeout(() => child.kill('SIGINT'), 100 * i);
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The error lines of a command's stderr (notes and the "Stopping..." line of Ctrl-C left out). */
export function errorLines(stderr) {
  return stderr.split('\n').filter((line) => line !== '' && !line.startsWith('note: ') && !line.startsWith('Stopping at the next safe point'));
}

/**
 * Whether a failed command reported itself as it must: exactly one line on stderr besides notes,
 * starting with `error: `, and no stack trace.
 */
export function isOneClearLine(stderr) {
  const lines = errorLines(stderr);
  return lines.length === 1 && lines[0].startsWith('error: ') && !/^\s+at /m.test(stderr);
}

/**
 * Brings a run folder to its end the way a user would after a crash: `ebm train --out dir
 * --resume`, or, when the folder holds no run yet (the crash came before its config.json was
 * written), the original command again. Resolves with the last command's result.
 */
export async function recover(dir, args, options = {}) {
  const resumed = await runEbm(['train', '--out', dir, '--resume', ...(options.resumeArgs ?? [])], options);
  if (resumed.code === 1 && /holds no run/.test(resumed.stderr)) return runEbm(args, options);
  return resumed;
}

/** Every file under `dir` (relative path -> sha256 of its bytes), for "nothing changed" checks. */
export function snapshot(dir) {
  const files = {};
  const walk = (path) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

const hashOf = (path) => (existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : undefined);
const withoutSeconds = (record) => {
  const { seconds: _seconds, ...rest } = record;
  return rest;
};
const revive = (_key, value) => (value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? Number(value) : value);

/**
 * What a finished run folder holds, in a form two runs can be compared with: the latest
 * checkpoint's step, key and tensor bytes (model, optimizer and objective state; bit for bit),
 * every metrics line and the summary without their wall-clock `seconds`, and the pictures' bytes.
 */
export function runResult(dir) {
  const checkpoints = join(dir, 'checkpoint');
  const latest = JSON.parse(readFileSync(join(checkpoints, 'latest.json'), 'utf8')).step;
  const stepDir = join(checkpoints, `step-${String(latest).padStart(6, '0')}`);
  const manifest = JSON.parse(readFileSync(join(stepDir, 'manifest.json'), 'utf8'));
  const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => withoutSeconds(JSON.parse(line, revive)));
  const summary = existsSync(join(dir, 'summary.json')) ? withoutSeconds(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'), revive)) : undefined;
  return {
    checkpoint: { step: latest, manifestStep: manifest.step, key: manifest.key, tensors: hashOf(join(stepDir, 'tensors.bin')) },
    checkpoints: readdirSync(checkpoints).filter((name) => name.startsWith('step-')).sort(),
    leftovers: [...readdirSync(dir), ...readdirSync(checkpoints)].filter((name) => name.startsWith('.tmp-')),
    metrics,
    summary,
    pictures: { density: hashOf(join(dir, 'density.png')), loss: hashOf(join(dir, 'loss.png')) },
  };
}
