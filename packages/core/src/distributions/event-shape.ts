import { ShapeError } from '../errors.js';

/** A distribution's `eventShape` option must be an array of positive integers. */
export function assertEventShapeOption(eventShape: unknown): asserts eventShape is readonly number[] {
  if (!Array.isArray(eventShape) || !eventShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ShapeError('eventShape', `must be the shape of one sample, an array of positive integers such as [2], got ${JSON.stringify(eventShape)}.`);
  }
}
