/**
 * The outcomes of the `ebm` command besides success, each with its exit code, and the error
 * classes that carry them to the one place that reports them (`report.ts`).
 */

/**
 * Exit codes of `ebm`: `ok` 0; `error` 1, an expected failure reported in one line (a bad flag or
 * config, a file-system error, a damaged run file or checkpoint); `internal` 2, a bug (one line,
 * the stack trace with `--debug`); `diverged` 3, training diverged (non-finite loss or
 * evaluation; summary.json says so); `interrupted` 130, stopped by Ctrl-C (or SIGTERM), after
 * saving what could be saved (128 + SIGINT, the shell convention).
 */
export const EXIT_CODES = { ok: 0, error: 1, internal: 2, diverged: 3, interrupted: 130 } as const;

/**
 * An expected failure whose message is ready to print as one line: what failed, on which path,
 * what to do. `cause` keeps the original error for `--debug`.
 *
 * @example
 * throw new CommandError(`${dir} holds no checkpoint yet. Continue the run with: ebm train --out ${dir} --resume`);
 */
export class CommandError extends Error {
  override readonly name: string = 'CommandError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_CODES.error,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Ctrl-C (or SIGTERM) stopped the command; the message says what was saved and how to continue. Exit code 130. */
export class InterruptedError extends CommandError {
  override readonly name = 'InterruptedError';
  constructor(message: string) {
    super(message, EXIT_CODES.interrupted);
  }
}

/** Training diverged: a non-finite loss, or a trained model whose evaluation is not finite. Exit code 3. */
export class DivergedError extends CommandError {
  override readonly name = 'DivergedError';
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, EXIT_CODES.diverged, options);
  }
}
