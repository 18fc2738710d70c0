/**
 * The one place where the `ebm` command turns an error into what the user sees: one line on
 * stderr (what failed, which path, what to do) and an exit code, never a stack trace unless
 * `--debug` (or `EBM_DEBUG=1`) asks for it.
 */
import { EbmError } from '@ebm/core';
import { ConfigError } from './config.js';
import { CommandError, EXIT_CODES } from './failures.js';
import { fileSystemErrorMessage, isFileSystemError } from './fs-errors.js';

/** The environment variable that turns on stack traces, like `--debug`: `EBM_DEBUG=1`. */
export const DEBUG_ENV = 'EBM_DEBUG';

/** What to print for an error and the exit code to return. */
export interface FailureReport {
  readonly exitCode: number;
  /** The text for stderr, ending with a newline: `error: ...`, plus the stack traces with debug. */
  readonly text: string;
}

/** Whether stack traces were asked for: `--debug` among the arguments, or `EBM_DEBUG` set to anything but empty, `0` or `false`. */
export function debugRequested(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[DEBUG_ENV];
  return argv.includes('--debug') || (value !== undefined && !['', '0', 'false'].includes(value.toLowerCase()));
}

/**
 * Signs that an allocation failed: V8's RangeErrors, the wasm backend's aborts and XNNPACK's
 * out-of-memory status (6), as they appear in error messages.
 */
const OUT_OF_MEMORY = [/Array buffer allocation failed/, /Invalid typed array length/, /Invalid array length/, /Cannot enlarge memory/, /\bOOM\b/, /out of memory/i, /XNN status.*status 6\b/];

/**
 * The report for `error`: expected failures (`CommandError`, `ConfigError`, any `EbmError`, Node
 * file-system errors, running out of memory) give `error: <one line>` and their exit code (1, or
 * 3 / 130 for a diverged or interrupted run); anything else is a bug, reported as
 * `internal error: <message>` with exit code 2 and the advice to rerun with `--debug`. With
 * `debug`, every error's stack trace (and its causes') follows the line.
 *
 * @example
 * const { exitCode, text } = reportFailure(error, debugRequested(argv));
 * io.err(text);
 * return exitCode;
 */
export function reportFailure(error: unknown, debug: boolean): FailureReport {
  const { exitCode, line } = describe(error);
  return { exitCode, text: `${line}\n${debug ? stackTraces(error) : ''}` };
}

function describe(error: unknown): { exitCode: number; line: string } {
  if (error instanceof CommandError) return { exitCode: error.exitCode, line: `error: ${error.message}` };
  if (error instanceof ConfigError || error instanceof EbmError) return { exitCode: EXIT_CODES.error, line: `error: ${error.message}` };
  if (isFileSystemError(error)) return { exitCode: EXIT_CODES.error, line: `error: ${fileSystemErrorMessage(error)}` };
  const message = error instanceof Error ? error.message : String(error);
  if (OUT_OF_MEMORY.some((pattern) => pattern.test(message))) {
    return {
      exitCode: EXIT_CODES.error,
      line: `error: out of memory (${firstLine(message)}). Lower --data-size, --hidden, --batch-size or --sample-size, or choose another --backend.`,
    };
  }
  return {
    exitCode: EXIT_CODES.internal,
    line: `internal error: ${firstLine(message)}. This is a bug in ebm: rerun with --debug (or ${DEBUG_ENV}=1) for the stack trace, and report it.`,
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim().replace(/\.$/, '');
}

/** The stack traces of `error` and of its chain of causes. */
function stackTraces(error: unknown): string {
  const traces: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    traces.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
  }
  return `${traces.join('\ncaused by: ')}\n`;
}
