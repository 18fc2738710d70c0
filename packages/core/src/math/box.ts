import { InvalidArgumentError } from '../errors.js';

/** An axis-aligned 2-D box `[[xmin, xmax], [ymin, ymax]]`: a toy data set's support, a quadrature or plot region. */
export type Box2d = readonly [readonly [number, number], readonly [number, number]];

/**
 * Checks that `box` is `[[xmin, xmax], [ymin, ymax]]` with finite numbers and `min < max` on both
 * axes (an `InvalidArgumentError` on `argument` otherwise) and returns it as plain numbers.
 *
 * @example
 * const [[x0, x1], [y0, y1]] = checkBox2d(options.box);
 */
export function checkBox2d(box: Box2d, argument = 'box'): [[number, number], [number, number]] {
  const ok =
    Array.isArray(box) &&
    box.length === 2 &&
    box.every((axis) => Array.isArray(axis) && axis.length === 2 && axis.every((v) => typeof v === 'number' && Number.isFinite(v)));
  if (!ok) {
    throw new InvalidArgumentError(argument, `must be [[xmin, xmax], [ymin, ymax]] with finite numbers, got ${JSON.stringify(box)}.`);
  }
  box.forEach(([lo, hi], axis) => {
    if (!(lo < hi)) {
      throw new InvalidArgumentError(argument, `axis ${axis} has min ${lo} >= max ${hi}; pass [[xmin, xmax], [ymin, ymax]] with min < max.`);
    }
  });
  return [
    [box[0][0], box[0][1]],
    [box[1][0], box[1][1]],
  ];
}
