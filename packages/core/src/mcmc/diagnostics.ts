/**
 * MCMC convergence diagnostics over a trace `[numDraws, numChains]` (one scalar quantity), with
 * the definitions Stan and ArviZ use (Vehtari et al. 2021, "Rank-normalization, folding, and
 * localization"; without the rank normalisation): chains are split in half, autocorrelations are
 * combined across chains, and the sum is truncated by Geyer's initial monotone sequence.
 */
import { InvalidArgumentError } from '../errors.js';

/** A trace for one scalar quantity: `trace[t][c]` is draw t of chain c. */
export type ScalarTrace = readonly (readonly number[])[] | { readonly draws: number; readonly chains: number; readonly values: ArrayLike<number> };

interface Chains {
  readonly chains: Float64Array[];
}

function toChains(trace: ScalarTrace): Chains {
  let draws: number;
  let numChains: number;
  let at: (t: number, c: number) => number;
  if (Array.isArray(trace)) {
    draws = trace.length;
    numChains = draws > 0 ? (trace[0] as readonly number[]).length : 0;
    at = (t, c) => (trace as readonly (readonly number[])[])[t]![c]!;
  } else {
    const t = trace as { draws: number; chains: number; values: ArrayLike<number> };
    draws = t.draws;
    numChains = t.chains;
    at = (i, c) => t.values[i * numChains + c]!;
  }
  if (draws < 4 || numChains < 1) {
    throw new InvalidArgumentError('trace', `needs at least 4 draws and 1 chain, got ${draws} x ${numChains}.`);
  }
  // Split every chain into two halves (dropping the middle draw of an odd length).
  const half = Math.floor(draws / 2);
  const chains: Float64Array[] = [];
  for (let c = 0; c < numChains; c++) {
    const first = new Float64Array(half);
    const second = new Float64Array(half);
    for (let t = 0; t < half; t++) {
      first[t] = at(t, c);
      second[t] = at(draws - half + t, c);
    }
    chains.push(first, second);
  }
  return { chains };
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}

function variance(a: ArrayLike<number>, ddof = 1): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - m) ** 2;
  return s / (a.length - ddof);
}

/**
 * Split R-hat: `sqrt(((n - 1)/n W + B/n) / W)` with `W` the mean within-chain variance and
 * `B = n var(chain means)` over the split chains of length n. Near 1 when the chains agree;
 * above 1.01 means they have not mixed.
 */
export function splitRhat(trace: ScalarTrace): number {
  const { chains } = toChains(trace);
  const n = chains[0]!.length;
  const means = chains.map(mean);
  const within = mean(chains.map((c) => variance(c)));
  const between = n * variance(means);
  if (within === 0) return between === 0 ? 1 : Infinity;
  return Math.sqrt((between / within + n - 1) / n);
}

/**
 * Effective sample size `M n / tau`, with the integrated autocorrelation time
 * `tau = -1 + 2 sum_t rho_t` estimated from split chains as in Stan:
 * `rho_t = 1 - (W - mean_c acov_c(t)) / var+`, `var+ = (n-1)/n W + var(chain means)`, summed
 * over pairs while positive and made monotone (Geyer 1992). Capped below by `tau >= 1/log10(Mn)`.
 */
export function effectiveSampleSize(trace: ScalarTrace): number {
  const { chains } = toChains(trace);
  const m = chains.length;
  const n = chains[0]!.length;
  const means = chains.map(mean);
  const centered = chains.map((c, i) => c.map((v) => v - means[i]!));
  const acov = (lag: number): number => {
    let total = 0;
    for (const c of centered) {
      let s = 0;
      for (let t = 0; t + lag < n; t++) s += c[t]! * c[t + lag]!;
      total += s / n;
    }
    return total / m;
  };
  const meanVar = (acov(0) * n) / (n - 1);
  let varPlus = (meanVar * (n - 1)) / n;
  if (m > 1) varPlus += variance(means);
  if (varPlus === 0) return m * n;
  const rho = new Float64Array(n);
  rho[0] = 1;
  let rhoEven = 1;
  let rhoOdd = 1 - (meanVar - acov(1)) / varPlus;
  rho[1] = rhoOdd;
  let t = 1;
  while (t < n - 3 && rhoEven + rhoOdd > 0) {
    rhoEven = 1 - (meanVar - acov(t + 1)) / varPlus;
    rhoOdd = 1 - (meanVar - acov(t + 2)) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rho[t + 1] = rhoEven;
      rho[t + 2] = rhoOdd;
    }
    t += 2;
  }
  const maxT = t - 2;
  if (rhoEven > 0) rho[maxT + 1] = rhoEven;
  for (let s = 1; s <= maxT - 2; s += 2) {
    if (rho[s + 1]! + rho[s + 2]! > rho[s - 1]! + rho[s]!) {
      rho[s + 1] = (rho[s - 1]! + rho[s]!) / 2;
      rho[s + 2] = rho[s + 1]!;
    }
  }
  let sum = 0;
  for (let s = 0; s <= maxT; s++) sum += rho[s]!;
  const total = m * n;
  let tau = -1 + 2 * sum + (maxT + 1 < n ? rho[maxT + 1]! : 0);
  tau = Math.max(tau, 1 / Math.log10(total));
  return total / tau;
}
