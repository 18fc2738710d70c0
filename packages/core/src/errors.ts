/**
 * Every error @ebm throws on purpose is an {@link EbmError}. Each names what was wrong and what
 * to do about it, so a caller can `catch (e) { if (e instanceof EbmError) ... }` and a user can
 * read the fix from the message.
 *
 * Each class sets its `name` from a string literal (on its prototype, like `Error.prototype.name`),
 * not from `new.target.name`: minifiers rename classes, and a browser bundle would otherwise report
 * "vo: ..." instead of "ShapeError: ...".
 */

/** Sets `name` on a class's prototype (non-enumerable, as on `Error.prototype`). */
function nameClass(errorClass: abstract new (...args: never[]) => Error, name: string): void {
  Object.defineProperty(errorClass.prototype, 'name', { value: name, writable: true, configurable: true, enumerable: false });
}

/** The base class of every error `@ebm` throws on purpose. */
export class EbmError extends Error {
  static {
    nameClass(this, 'EbmError');
  }
  /** `options.cause`: the error that led to this one (a file-system error under a failed checkpoint write). */
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
  }
}

/**
 * An argument has an invalid value (a non-positive step size, an unknown option...).
 * `argument` is the name of the offending argument as the caller wrote it, e.g. `"stepSize"`.
 */
export class InvalidArgumentError extends EbmError {
  static {
    nameClass(this, 'InvalidArgumentError');
  }
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(`${argument}: ${message}`);
  }
}

/** A tensor has the wrong rank or dimensions for the model, sampler or objective it was given to. */
export class ShapeError extends InvalidArgumentError {
  static {
    nameClass(this, 'ShapeError');
  }
}

/** Data, an energy, a gradient or a loss contains NaN or Infinity. */
export class NonFiniteError extends InvalidArgumentError {
  static {
    nameClass(this, 'NonFiniteError');
  }
}

/** A tfjs backend could not be selected: unknown name, package not installed or not imported, or unavailable here. */
export class BackendError extends EbmError {
  static {
    nameClass(this, 'BackendError');
  }
}

/** A checkpoint is missing, corrupt, of another format version, or does not match the model. */
export class CheckpointError extends EbmError {
  static {
    nameClass(this, 'CheckpointError');
  }
}

/**
 * A function that needs Node (a file path, the file system) was called in a browser or a worker.
 * The message names the browser alternative (e.g. `indexedDbCheckpointStore` for `fileCheckpointStore`).
 */
export class EnvironmentError extends EbmError {
  static {
    nameClass(this, 'EnvironmentError');
  }
}
