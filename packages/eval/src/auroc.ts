/**
 * The area under the ROC curve of a score that should rank positives above negatives (an
 * out-of-distribution detector: in-distribution data positive, other data negative).
 */
import { InvalidArgumentError } from '@ebm/core';

/** What {@link auroc} returns. */
export interface AurocResult {
  /** `P(s+ > s-) + 1/2 P(s+ = s-)` over all (positive, negative) pairs, in [0, 1]; 0.5 is chance. */
  readonly auroc: number;
  /** Hanley & McNeil's (1982) standard error of the AUROC. */
  readonly standardError: number;
}

/**
 * The AUROC of scores for positives and negatives: the probability that a random positive
 * scores above a random negative (ties count one half), the Mann-Whitney statistic
 *
 *   AUROC = (R+ - n+ (n+ + 1) / 2) / (n+ n-),
 *
 * with `R+` the sum of the positives' ranks among all scores (average ranks for ties), by one sort,
 * `O(n log n)`. The standard error is Hanley & McNeil's,
 * `sqrt((A(1-A) + (n+ - 1)(Q1 - A^2) + (n- - 1)(Q2 - A^2)) / (n+ n-))`, `Q1 = A / (2 - A)`,
 * `Q2 = 2 A^2 / (1 + A)`.
 *
 * @example
 * const { auroc: value } = auroc(logPxDigits, logPxNoise); // log p(x) as an in-distribution score
 */
export function auroc(positive: ArrayLike<number>, negative: ArrayLike<number>): AurocResult {
  const [np, nn] = [positive.length, negative.length];
  if (np === 0 || nn === 0) throw new InvalidArgumentError(np === 0 ? 'positive' : 'negative', 'must hold at least one score.');
  const scores: { s: number; positive: boolean }[] = [];
  for (let i = 0; i < np; i++) scores.push({ s: positive[i]!, positive: true });
  for (let i = 0; i < nn; i++) scores.push({ s: negative[i]!, positive: false });
  for (const { s, positive: p } of scores) {
    if (Number.isNaN(s)) throw new InvalidArgumentError(p ? 'positive' : 'negative', 'holds a NaN score.');
  }
  scores.sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < scores.length; ) {
    let j = i;
    while (j + 1 < scores.length && scores[j + 1]!.s === scores[i]!.s) j++;
    const rank = (i + j) / 2 + 1; // 1-based average rank of the tie group
    for (let t = i; t <= j; t++) if (scores[t]!.positive) rankSum += rank;
    i = j + 1;
  }
  const a = (rankSum - (np * (np + 1)) / 2) / (np * nn);
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  const variance = (a * (1 - a) + (np - 1) * (q1 - a * a) + (nn - 1) * (q2 - a * a)) / (np * nn);
  return { auroc: a, standardError: Math.sqrt(Math.max(variance, 0)) };
}
