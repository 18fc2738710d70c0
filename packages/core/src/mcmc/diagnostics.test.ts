import { describe, expect, it } from 'vitest';
import { effectiveSampleSize, splitRhat } from './diagnostics.js';
import { InvalidArgumentError } from '../errors.js';
import { prngKey, randomUint32 } from '../key.js';

/** draws x chains AR(1) trace x_t = rho x_{t-1} + sqrt(1 - rho^2) z_t, stationary N(0, 1), plus per-chain offsets. */
function ar1(rho: number, draws: number, chains: number, offsets: number[] = []): number[][] {
  const words = randomUint32(prngKey(17), 2 * (draws + 1) * chains);
  let w = 0;
  const gaussian = () => {
    const u1 = (words[w++]! + 1) / 2 ** 32;
    const u2 = words[w++]! / 2 ** 32;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  const state = Array.from({ length: chains }, () => gaussian());
  const trace: number[][] = [];
  for (let t = 0; t < draws; t++) {
    trace.push(state.map((x, c) => (state[c] = rho * x + Math.sqrt(1 - rho * rho) * gaussian()) + (offsets[c] ?? 0)));
  }
  return trace;
}

describe('effectiveSampleSize', () => {
  it('is close to n (1 - rho) / (1 + rho) for AR(1) chains', () => {
    for (const rho of [0, 0.5, 0.9]) {
      const draws = 4000;
      const chains = 4;
      const expected = (draws * chains * (1 - rho)) / (1 + rho);
      const ess = effectiveSampleSize(ar1(rho, draws, chains));
      // The estimator's relative error at these sizes is a few percent; 15% leaves a margin.
      expect(Math.abs(ess / expected - 1)).toBeLessThan(0.15);
    }
  });

  it('accepts the flat { draws, chains, values } layout', () => {
    const trace = ar1(0.5, 200, 3);
    const flat = { draws: 200, chains: 3, values: trace.flat() };
    expect(effectiveSampleSize(flat)).toBeCloseTo(effectiveSampleSize(trace), 10);
  });

  it('rejects traces that are too short', () => {
    expect(() => effectiveSampleSize([[1], [2], [3]])).toThrow(InvalidArgumentError);
  });
});

describe('splitRhat', () => {
  it('is about 1 for mixed chains and large for chains stuck in different places', () => {
    expect(splitRhat(ar1(0.5, 2000, 4))).toBeLessThan(1.01);
    expect(splitRhat(ar1(0.5, 2000, 4, [0, 0, 3, 3]))).toBeGreaterThan(1.5);
  });

  it('detects a trend within chains (the split halves disagree)', () => {
    const trend = Array.from({ length: 1000 }, (_, t) => [t / 100, t / 100 + 0.01]);
    expect(splitRhat(trend)).toBeGreaterThan(1.5);
  });
});
