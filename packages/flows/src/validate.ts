import { InvalidArgumentError, ShapeError, assertInteger } from '@ebm/core';

/** `dim` must be an integer >= 2: a coupling layer splits the coordinates into two non-empty groups. */
export function assertFlowDim(dim: number): void {
  if (!Number.isInteger(dim) || dim < 2) {
    throw new InvalidArgumentError('dim', `must be an integer >= 2 (coupling layers split the coordinates in two), got ${String(dim)}.`);
  }
}

/** `mask` must hold `dim` entries of 0 and 1, with at least one of each; returns it as numbers. */
export function checkMask(mask: readonly number[], dim: number): number[] {
  if (!Array.isArray(mask) || mask.length !== dim) {
    throw new ShapeError('mask', `must have one entry per coordinate (length ${dim}), got ${JSON.stringify(mask)}.`);
  }
  if (!mask.every((m) => m === 0 || m === 1) || !mask.includes(0) || !mask.includes(1)) {
    throw new InvalidArgumentError(
      'mask',
      `must hold 0 (transformed) and 1 (conditioned on, passed through) entries, at least one of each, got [${mask.join(', ')}]. E.g. [1, 0] and then [0, 1].`,
    );
  }
  return [...mask];
}

/** `hidden` must be a list of positive integer widths; returns a copy. */
export function checkHidden(hidden: readonly number[]): number[] {
  if (!Array.isArray(hidden)) throw new InvalidArgumentError('hidden', `must be an array of layer widths such as [64, 64], got ${JSON.stringify(hidden)}.`);
  hidden.forEach((h, i) => assertInteger(`hidden[${i}]`, h));
  return [...hidden];
}
