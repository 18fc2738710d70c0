/**
 * Every error @ebm throws on purpose is an {@link EbmError}. Each names what was wrong and what
 * to do about it, so a caller can `catch (e) { if (e instanceof EbmError) ... }` and a user can
 * read the fix from the message.
 */
export class EbmError extends Error {
  /** `options.cause`: the error that led to this one (a file-system error under a failed checkpoint write). */
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * An argument has an invalid value (a non-positive step size, an unknown option...).
 * `argument` is the name of the offending argument as the caller wrote it, e.g. `"stepSize"`.
 */
export class InvalidArgumentError extends EbmError {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(`${argument}: ${message}`);
  }
}

/** A tensor has the wrong rank or dimensions for the model, sampler or objective it was given to. */
export class ShapeError extends InvalidArgumentError {}

/** Data, an energy, a gradient or a loss contains NaN or Infinity. */
export class NonFiniteError extends InvalidArgumentError {}

/** A tfjs backend could not be selected: unknown name, package not installed, or unavailable here. */
export class BackendError extends EbmError {}

/** A checkpoint is missing, corrupt, of another format version, or does not match the model. */
export class CheckpointError extends EbmError {}
