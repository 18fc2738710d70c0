/**
 * Ctrl-C from the start of a command to its end. The first Ctrl-C (SIGINT, or a SIGTERM) asks the
 * command to stop at its next safe point: training stops after the current step and saves a
 * checkpoint; any other phase stops before its next file is written. A second one exits at once
 * with code 130: every file is written atomically, so nothing is left half-written.
 */
import { EXIT_CODES, InterruptedError } from './failures.js';
import type { Io } from './io.js';

/** The signals that stop a command. */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** A command's view of Ctrl-C: a signal for `fit`, a check between phases, and the listeners' removal. */
export interface Interrupts {
  /** Aborted by the first Ctrl-C. */
  readonly signal: AbortSignal;
  /** Throws an {@link InterruptedError} with `message` (what was saved, how to continue) once Ctrl-C was pressed. */
  check(message: string): void;
  /** Removes the signal listeners (at the end of the command). */
  dispose(): void;
}

/**
 * Listens for Ctrl-C and SIGTERM until `dispose()`: the first aborts `signal` and prints that the
 * command is stopping, the second exits at once with code 130.
 *
 * @example
 * const interrupts = listenForInterrupts(io);
 * try { await trainCommand(input, flags, io, interrupts); } finally { interrupts.dispose(); }
 */
export function listenForInterrupts(io: Io): Interrupts {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) {
      io.err('\nStopped at once.\n');
      process.exit(EXIT_CODES.interrupted);
    } else {
      io.err('\nStopping at the next safe point (press Ctrl-C again to stop at once)...\n');
      controller.abort();
    }
  };
  for (const name of SIGNALS) process.on(name, onSignal);
  return {
    signal: controller.signal,
    check: (message) => {
      if (controller.signal.aborted) throw new InterruptedError(message);
    },
    dispose: () => {
      for (const name of SIGNALS) process.off(name, onSignal);
    },
  };
}

/**
 * Interrupts that never come: for a program built without signal listeners (`buildProgram(io)`
 * in a script that handles Ctrl-C itself).
 */
export function ignoreInterrupts(): Interrupts {
  return { signal: new AbortController().signal, check: () => undefined, dispose: () => undefined };
}
