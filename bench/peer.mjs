// Running a peer (numpy, scikit-learn, PyTorch) in a child process for a side-by-side row.
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Debian's python3 (python3-sklearn, python3-torch); a pyenv `python3` on PATH has neither. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/**
 * Environment variables that pin OpenBLAS to another machine's tuning (a core type, an L2 size);
 * unset for the peer's command only, so OpenBLAS picks its kernels for this CPU.
 */
const OPENBLAS_PINS = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

/**
 * Runs `exe args` and parses the last line of its output as JSON; `{ error }` (the last line of
 * stderr) when it fails, e.g. when the module is not installed.
 */
export function runPython(exe, args) {
  const env = { ...process.env };
  for (const name of OPENBLAS_PINS) delete env[name];
  try {
    const text = execFileSync(exe, args.map(String), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
    return JSON.parse(text.trim().split('\n').pop());
  } catch (error) {
    return { error: String(error.stderr || error.message).trim().split('\n').pop() };
  }
}

/** The median of a non-empty list (the upper one for an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Starts `exe script` as a line-oriented peer server (bench/torch_langevin.py): its first output
 * line describes it (or holds `{ error }`), then every `request(line)` writes one line to its
 * stdin and resolves with its next output line as JSON. Resolves with `{ error }` when it cannot
 * start. `close()` ends it.
 */
export async function startPeerServer(exe, script) {
  const env = { ...process.env };
  for (const name of OPENBLAS_PINS) delete env[name];
  let child;
  try {
    child = spawn(exe, [script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    return { error: String(error.message) };
  }
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('close', () => resolve({ done: true })));
  child.once('error', (error) => (stderr += String(error.message)));
  const next = async () => {
    const line = await Promise.race([lines.next(), exited]);
    if (line.done) return { error: stderr.trim().split('\n').pop() || `${exe} ${script} exited` };
    return JSON.parse(line.value);
  };
  const info = await next();
  if (info.error) {
    child.kill();
    return info;
  }
  return {
    info,
    request: (line) => {
      child.stdin.write(`${line}\n`);
      return next();
    },
    close: () => child.stdin.end(),
  };
}
