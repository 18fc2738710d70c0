import { BackendError, CheckpointError, EbmError, EnvironmentError, InvalidArgumentError, NonFiniteError, ShapeError } from '@ebm/core';
import type { SerializedError } from './protocol.js';

/**
 * An error raised in a chain worker that is not one of core's named errors (a model that throws a
 * `TypeError`, a worker that crashed). Its message is the worker's `"<name>: <message>"`;
 * `workerIndex` says which worker, `workerStack` holds the worker's stack trace. Errors of core's
 * classes (an `InvalidArgumentError` for a bad module path, a `NonFiniteError` for a non-finite
 * start...) come back as their own class instead, with the worker's message.
 */
export class WorkerError extends EbmError {
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'WorkerError', writable: true, configurable: true, enumerable: false });
  }
  constructor(
    message: string,
    /** The worker that raised it (0-based), or -1 for the pool itself. */
    readonly workerIndex: number,
    /** The worker's stack trace, when it had one. */
    readonly workerStack?: string,
  ) {
    super(message);
  }
}

/** An error as it crosses the thread: its class name, message and (for argument errors) the argument. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const argument = (error as { argument?: unknown }).argument;
    return { name: error.name, message: error.message, ...(typeof argument === 'string' ? { argument } : {}), ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

/** Core's error classes that take `(argument, message)`, by name. */
const ARGUMENT_ERRORS = { InvalidArgumentError, ShapeError, NonFiniteError } as const;
/** Core's error classes that take `(message)`, by name. */
const MESSAGE_ERRORS = { BackendError, CheckpointError, EnvironmentError } as const;

/**
 * Rebuilds a worker's error in the calling thread: the same core error class (and `argument`) when
 * it was one, a {@link WorkerError} otherwise; the message gains where it was raised.
 */
export function errorFromWorker(error: SerializedError, workerIndex: number): Error {
  const where = ` (raised in chain worker ${workerIndex})`;
  if (error.argument !== undefined && error.name in ARGUMENT_ERRORS) {
    const prefix = `${error.argument}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return new ARGUMENT_ERRORS[error.name as keyof typeof ARGUMENT_ERRORS](error.argument, message + where);
  }
  if (error.name in MESSAGE_ERRORS) return new MESSAGE_ERRORS[error.name as keyof typeof MESSAGE_ERRORS](error.message + where);
  return new WorkerError(`${error.name}: ${error.message}${where}`, workerIndex, error.stack);
}
