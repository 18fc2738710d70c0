import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { Distribution } from '../types.js';

/** A distribution's `eventShape` option must be an array of positive integers. */
export function assertEventShapeOption(eventShape: unknown): asserts eventShape is readonly number[] {
  if (!Array.isArray(eventShape) || !eventShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ShapeError('eventShape', `must be the shape of one sample, an array of positive integers such as [2], got ${JSON.stringify(eventShape)}.`);
  }
}

/**
 * `value` must be a `Distribution` (an `eventShape` array, `sample` and `logProb` functions) and,
 * when `eventShape` is given, one over samples of that shape: an `InvalidArgumentError` /
 * `ShapeError` on `argument` otherwise, naming what is missing and how to build one.
 *
 * @example
 * assertDistribution('noise', options.noise, batch.shape.slice(1));
 */
export function assertDistribution(argument: string, value: unknown, eventShape?: readonly number[]): asserts value is Distribution {
  const candidate = value as Partial<Distribution> | null | undefined;
  const missing =
    candidate === null || typeof candidate !== 'object'
      ? `got ${candidate === null ? 'null' : typeof candidate}`
      : !Array.isArray(candidate.eventShape)
        ? 'it has no eventShape array (the shape of one sample, e.g. [2])'
        : typeof candidate.sample !== 'function'
          ? 'it has no sample(key, n) function'
          : typeof candidate.logProb !== 'function'
            ? 'it has no logProb(x) function'
            : undefined;
  if (missing !== undefined) {
    throw new InvalidArgumentError(
      argument,
      `must be a Distribution { eventShape, sample(key, n), logProb(x) }: ${missing}. ` +
        'Build one with normalDistribution({ eventShape }) or uniformDistribution({ eventShape }) from @ebm/core, or a fitted noise such as gaussianNoise.fit(data) from @ebm/nce.',
    );
  }
  const shape = candidate!.eventShape!;
  if (eventShape !== undefined && (shape.length !== eventShape.length || shape.some((d, i) => d !== eventShape[i]))) {
    throw new ShapeError(
      argument,
      `has event shape [${shape.join(', ')}] but the samples have shape [${eventShape.join(', ')}]. ` +
        `Build it for samples of that shape, e.g. normalDistribution({ eventShape: [${eventShape.join(', ')}] }).`,
    );
  }
}
