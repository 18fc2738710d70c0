/**
 * Test kit of the cli's tests (not shipped: no entry point imports it): the `ebm` command run
 * in-process through `main`, with its output captured.
 */
import type { Io } from './io.js';
import { main } from './program.js';

/** An `Io` that keeps what the command prints, for `stdout()` and `stderr()`; not a TTY. */
export function capture(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), tty: false, stdout: () => out, stderr: () => err };
}

/** Runs `ebm <args>` in this process and returns its exit code and output. */
export async function runCli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture();
  const code = await main(args, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}
