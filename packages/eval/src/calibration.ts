/**
 * Calibration of a classifier's predicted probabilities: the expected calibration error and the
 * reliability diagram behind it.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, ShapeError, assertBatch, assertInteger } from '@ebm/core';

/** One bin of the reliability diagram. */
export interface CalibrationBin {
  /** The bin's confidence interval `(lo, hi]`. */
  readonly lo: number;
  readonly hi: number;
  /** Predictions whose confidence falls in the bin. */
  readonly count: number;
  /** Their mean confidence (NaN when the bin is empty). */
  readonly confidence: number;
  /** The fraction of them that are correct (NaN when the bin is empty). */
  readonly accuracy: number;
}

/** What {@link expectedCalibrationError} returns. */
export interface CalibrationResult {
  /** `sum_b |B_b| / N * |acc(B_b) - conf(B_b)|`, in [0, 1]. */
  readonly ece: number;
  /** The fraction of argmax predictions equal to the label. */
  readonly accuracy: number;
  /** The reliability diagram, bin by bin. */
  readonly bins: readonly CalibrationBin[];
}

/**
 * The expected calibration error of a classifier (Naeini et al. 2015; Guo et al. 2017, "On
 * calibration of modern neural networks", ICML): each prediction's confidence is its largest
 * probability, `conf_i = max_k p_ik`, and it is correct when that class is the label. With
 * `bins` equal-width bins `((m - 1)/M, m/M]`,
 *
 *   ECE = sum_m |B_m| / N * | acc(B_m) - conf(B_m) |,
 *
 * the gap between accuracy and confidence averaged over the predictions. 0 is perfect calibration.
 * `probabilities` is `[N, K]` (each row sums to 1: a softmax), `labels` the N true classes.
 *
 * @example
 * const { ece, accuracy } = expectedCalibrationError(tf.softmax(logits), testLabels); // 15 bins
 */
export function expectedCalibrationError(probabilities: tf.Tensor, labels: ArrayLike<number>, options: { readonly bins?: number } = {}): CalibrationResult {
  const bins = options.bins ?? 15;
  assertInteger('bins', bins, 1);
  assertBatch('probabilities', probabilities, 2);
  const [n, k] = probabilities.shape as [number, number];
  if (probabilities.rank !== 2 || labels.length !== n) {
    throw new ShapeError('labels', `must hold one class per row of probabilities [N, K] (N = ${n}), got ${labels.length} labels for shape [${probabilities.shape.join(', ')}].`);
  }
  const p = probabilities.dataSync();
  const count = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  const correct = new Float64Array(bins);
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
    const conf = p[i * k + best]!;
    if (!(conf >= 0 && conf <= 1 + 1e-6)) {
      throw new InvalidArgumentError('probabilities', `must be probabilities in [0, 1] (a softmax), got ${conf} in row ${i}.`);
    }
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= k) throw new InvalidArgumentError('labels', `must be classes 0..${k - 1}, got ${label} at ${i}.`);
    const m = Math.min(bins - 1, Math.max(0, Math.ceil(conf * bins) - 1));
    const hit = best === label ? 1 : 0;
    count[m]! += 1;
    confidence[m]! += conf;
    correct[m]! += hit;
    right += hit;
  }
  let ece = 0;
  const table: CalibrationBin[] = [];
  for (let m = 0; m < bins; m++) {
    const c = count[m]!;
    const [conf, acc] = c === 0 ? [NaN, NaN] : [confidence[m]! / c, correct[m]! / c];
    if (c > 0) ece += (c / n) * Math.abs(acc - conf);
    table.push({ lo: m / bins, hi: (m + 1) / bins, count: c, confidence: conf, accuracy: acc });
  }
  return { ece, accuracy: right / n, bins: table };
}
