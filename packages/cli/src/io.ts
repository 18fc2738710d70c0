/** Where the CLI writes: stdout and stderr by default, buffers in tests. */
export interface Io {
  /** Writes to standard output (results, tables). */
  readonly out: (text: string) => void;
  /** Writes to standard error (progress, warnings). */
  readonly err: (text: string) => void;
  /** Whether `out` is a terminal (progress bar) or not (plain log lines). */
  readonly tty: boolean;
}

/** The process's stdout and stderr; `tty` is whether stdout is a terminal. */
export const defaultIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  tty: Boolean(process.stdout.isTTY),
};
