import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { prngKey } from './key.js';
import { randomIndices } from './random-indices.js';
import { expectWithinStandardErrors } from './testing/index.js';

describe('randomIndices', () => {
  it('draws every value of {0..k-1} with probability 1/k, deterministically', () => {
    const n = 60_000;
    const k = 6;
    const draws = randomIndices(prngKey(3), n, k);
    expect(randomIndices(prngKey(3), n, k)).toEqual(draws);
    const counts = new Array<number>(k).fill(0);
    for (const d of draws) counts[d]!++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
    // Each count is Binomial(n, 1/k): se of the frequency sqrt(p (1 - p) / n).
    for (const c of counts) expectWithinStandardErrors(c / n, 1 / k, Math.sqrt(((1 / k) * (1 - 1 / k)) / n));
  });

  it('rejects bad sizes naming the argument', () => {
    expect(() => randomIndices(prngKey(0), -1, 3)).toThrow(InvalidArgumentError);
    expect(() => randomIndices(prngKey(0), 4, 0)).toThrow(/k: must be an integer in \[1, 2\^31\]/);
  });
});
