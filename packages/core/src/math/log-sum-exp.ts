/**
 * `log sum exp` in float64 on the host, for partition functions summed over many terms (quadrature
 * lattices, 2^n RBM states, AIS weights) where float32 on the device would lose digits.
 */

/**
 * A running `log sum_k w_k exp(a_k)` in float64 that never overflows: it keeps the largest
 * exponent seen and the sum scaled by it, so terms can be added one chunk at a time.
 *
 * @example
 * const lse = new LogSumExp();
 * for (const e of energies) lse.add(-e);
 * const logZ = lse.value() + Math.log(cellArea);
 */
export class LogSumExp {
  private max = -Infinity;
  private scaled = 0;

  /** Adds `weight * exp(logValue)` (weight >= 0). */
  add(logValue: number, weight = 1): void {
    if (logValue === -Infinity || weight === 0) return;
    if (logValue > this.max) {
      this.scaled = this.scaled * Math.exp(this.max - logValue) + weight;
      this.max = logValue;
    } else {
      this.scaled += weight * Math.exp(logValue - this.max);
    }
  }

  /** `log sum`; -Infinity when nothing positive was added. */
  value(): number {
    return this.scaled > 0 ? this.max + Math.log(this.scaled) : -Infinity;
  }
}

/**
 * `log sum_i exp(x_i)` of an array in float64 (the largest term factored out first, so it neither
 * overflows nor underflows to -Infinity while some term is finite).
 *
 * @example
 * logSumExp([0, 0]); // log 2
 */
export function logSumExp(x: ArrayLike<number>): number {
  const lse = new LogSumExp();
  for (let i = 0; i < x.length; i++) lse.add(x[i]!);
  return lse.value();
}
