/**
 * How model samples spread over the classes of a classifier trained on the real data: a sample
 * set that covers every class in about equal shares, each confidently, is what a good
 * generative model of a balanced labelled data set produces.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError } from '@ebm/core';

/** A class counts as covered when it gets at least this share of its fair share `n / K` of the samples. */
export const COVERED_SHARE = 0.2;

/** What {@link classSpread} returns. */
export interface ClassSpread {
  /** Samples per predicted (arg-max) class. */
  readonly counts: number[];
  /** Classes predicted for at least `COVERED_SHARE * n / K` samples. */
  readonly classesCovered: number;
  /** Entropy of the predicted-class histogram over `log K`: 1 when every class gets `n / K` samples, 0 when one gets all. */
  readonly normalizedEntropy: number;
  /** `mean_n max_k p(k | x_n)`: how sure the classifier is about the samples (about its test accuracy on real images). */
  readonly meanConfidence: number;
  /**
   * `exp(mean_n KL(p(y | x_n) || p(y)))` with `p(y) = mean_n p(y | x_n)`, the Inception score of
   * Salimans et al. (2016) with this classifier: between 1 and K, high when samples are both
   * confidently classified and spread over the classes.
   */
  readonly inceptionScore: number;
}

/**
 * Summarises the class probabilities `[n, K]` a classifier gives model samples (e.g.
 * `classifier.probabilities(samples)`): predicted-class counts, coverage, spread, confidence and
 * Inception score, in float64 on the host (one device read).
 *
 * @example
 * const spread = classSpread(classifier.probabilities(samples));
 * spread.classesCovered; // 10 for a model that draws every digit
 */
export function classSpread(probabilities: tf.Tensor2D): ClassSpread {
  if (!(probabilities instanceof tf.Tensor) || probabilities.rank !== 2) {
    throw new ShapeError('probabilities', 'must be a [n, K] tensor of class probabilities (rows summing to 1).');
  }
  const [n, k] = probabilities.shape;
  if (n === 0 || k < 2) throw new InvalidArgumentError('probabilities', `needs at least one sample and two classes, got [${n}, ${k}].`);
  const p = Float64Array.from(probabilities.dataSync());
  const counts = new Array<number>(k).fill(0);
  const marginal = new Float64Array(k);
  let confidence = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 0; c < k; c++) {
      marginal[c]! += p[i * k + c]! / n;
      if (p[i * k + c]! > p[i * k + best]!) best = c;
    }
    counts[best]! += 1;
    confidence += p[i * k + best]! / n;
  }
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const q = p[i * k + c]!;
      if (q > 0) kl += (q * Math.log(q / marginal[c]!)) / n;
    }
  }
  const entropy = counts.reduce((h, count) => (count > 0 ? h - (count / n) * Math.log(count / n) : h), 0);
  return {
    counts,
    classesCovered: counts.filter((count) => count >= (COVERED_SHARE * n) / k).length,
    normalizedEntropy: entropy / Math.log(k),
    meanConfidence: confidence,
    inceptionScore: Math.exp(kl),
  };
}
