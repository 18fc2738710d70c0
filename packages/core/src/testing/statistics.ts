/**
 * Statistical assertions for sampler and objective tests. Every tolerance is `z` Monte Carlo
 * standard errors, and every standard error uses the effective sample size of the draws
 * (`se = sd / sqrt(ESS)`), so correlated MCMC draws get honest, wider tolerances.
 */
import * as tf from '@tensorflow/tfjs';
import { effectiveSampleSize } from '../mcmc/diagnostics.js';

/** Default width of a tolerance in standard errors: a two-sided false-failure rate of 6e-5. */
export const DEFAULT_Z = 4;

/** Options shared by the statistical assertions. */
export interface StatisticalOptions {
  /** Tolerance in standard errors (default {@link DEFAULT_Z}). */
  readonly z?: number;
  /** A name for the quantity in the failure message. */
  readonly label?: string;
}

/** Asserts `|estimate - expected| <= z * standardError`. */
export function expectWithinStandardErrors(
  estimate: number,
  expected: number,
  standardError: number,
  options: StatisticalOptions = {},
): void {
  const z = options.z ?? DEFAULT_Z;
  const deviation = Math.abs(estimate - expected);
  if (!(deviation <= z * standardError)) {
    throw new Error(
      `${options.label ?? 'estimate'} = ${estimate.toPrecision(6)}, expected ${expected.toPrecision(6)}: ` +
        `off by ${(deviation / standardError).toFixed(2)} standard errors (se = ${standardError.toPrecision(3)}, tolerance ${z} se).`,
    );
  }
}

/** A draws x chains x dims view of a `[draws, chains, ...event]` tensor or of iid `[N, ...event]` samples. */
export interface Trace {
  readonly draws: number;
  readonly chains: number;
  readonly dims: number;
  readonly values: Float32Array | Float64Array;
}

/** Reads samples into a {@link Trace}. Rank-2 `[N, D]` input is treated as N draws of one chain. */
export function toTrace(samples: tf.Tensor, layout: 'chains' | 'iid' = samples.rank >= 3 ? 'chains' : 'iid'): Trace {
  const values = samples.dataSync() as Float32Array;
  if (layout === 'iid') {
    const draws = samples.shape[0]!;
    return { draws, chains: 1, dims: samples.size / draws, values };
  }
  const [draws, chains] = samples.shape as [number, number];
  return { draws, chains, dims: samples.size / (draws * chains), values };
}

/** One scalar function of each draw, as a draws x chains trace. */
function mapTrace(trace: Trace, f: (draw: (d: number) => number) => number) {
  const out = new Float64Array(trace.draws * trace.chains);
  for (let i = 0; i < out.length; i++) out[i] = f((d) => trace.values[i * trace.dims + d]!);
  return { draws: trace.draws, chains: trace.chains, values: out };
}

function meanAndSd(values: Float64Array): { mean: number; sd: number } {
  let s = 0;
  for (const v of values) s += v;
  const mean = s / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / (values.length - 1)) };
}

/** Mean of a scalar trace with its MCMC standard error `sd / sqrt(ESS)`. */
export function monteCarloEstimate(scalar: { draws: number; chains: number; values: Float64Array }): {
  mean: number;
  standardError: number;
  ess: number;
} {
  const { mean, sd } = meanAndSd(scalar.values);
  const ess = effectiveSampleSize(scalar);
  return { mean, standardError: sd / Math.sqrt(ess), ess };
}

/** Asserts every event dimension's mean matches `expected[d]` within z MCMC standard errors. */
export function expectMeans(samples: tf.Tensor | Trace, expected: readonly number[], options: StatisticalOptions = {}): void {
  const trace = samples instanceof tf.Tensor ? toTrace(samples) : samples;
  expected.forEach((mu, d) => {
    const est = monteCarloEstimate(mapTrace(trace, (x) => x(d)));
    expectWithinStandardErrors(est.mean, mu, est.standardError, { ...options, label: `${options.label ?? 'mean'}[${d}] (ESS ${est.ess.toFixed(0)})` });
  });
}

/**
 * Asserts the covariance matrix matches `expected` entry by entry: `E[(x_i - m_i)(x_j - m_j)]`
 * with `m` the true means `means`, each within z standard errors of the product's own ESS.
 */
export function expectCovariance(
  samples: tf.Tensor | Trace,
  means: readonly number[],
  expected: readonly (readonly number[])[],
  options: StatisticalOptions = {},
): void {
  const trace = samples instanceof tf.Tensor ? toTrace(samples) : samples;
  expected.forEach((row, i) =>
    row.forEach((cov, j) => {
      if (j < i) return;
      const est = monteCarloEstimate(mapTrace(trace, (x) => (x(i) - means[i]!) * (x(j) - means[j]!)));
      expectWithinStandardErrors(est.mean, cov, est.standardError, {
        ...options,
        label: `${options.label ?? 'cov'}[${i}][${j}] (ESS ${est.ess.toFixed(0)})`,
      });
    }),
  );
}

/**
 * Asserts the probability of an event matches `p`: the fraction of draws where `event(draw)` is
 * true, with standard error `sqrt(p (1 - p) / ESS)` (ESS of the indicator trace).
 */
export function expectProbability(
  samples: tf.Tensor | Trace,
  event: (draw: (d: number) => number) => boolean,
  p: number,
  options: StatisticalOptions = {},
): void {
  const trace = samples instanceof tf.Tensor ? toTrace(samples) : samples;
  const indicator = mapTrace(trace, (x) => (event(x) ? 1 : 0));
  const { mean } = meanAndSd(indicator.values);
  const constant = indicator.values.every((v) => v === indicator.values[0]);
  const ess = constant ? indicator.values.length : effectiveSampleSize(indicator);
  const se = Math.sqrt((p * (1 - p)) / ess);
  expectWithinStandardErrors(mean, p, se, { ...options, label: `${options.label ?? 'probability'} (ESS ${ess.toFixed(0)})` });
}
