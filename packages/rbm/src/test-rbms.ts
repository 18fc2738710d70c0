/**
 * Test helpers (not exported from the package): tiny RBMs with chosen parameters, and their
 * distributions computed by brute force in float64 JavaScript, independent of the package code.
 */
import * as tf from '@tensorflow/tfjs';
import { type Key, normal, split } from '@ebm/core';
import { logSumExp } from '@ebm/core/math';
import type { RBM } from './rbm.js';

export interface Parameters {
  readonly weights: number[][];
  readonly visibleBias: number[];
  readonly hiddenBias: number[];
}

/** Draws parameters with `W ~ N(0, scale^2)`, biases `~ N(0, biasScale^2)`, and assigns them to `rbm`. */
export function randomizeParameters(rbm: RBM, key: Key, scale: number, biasScale = scale): Parameters {
  const [wKey, bKey, cKey] = split(key, 3);
  tf.tidy(() => {
    rbm.weights.assign(tf.mul(normal(wKey!, [rbm.visible, rbm.hidden]), scale));
    rbm.visibleBias.assign(tf.mul(normal(bKey!, [rbm.visible]), biasScale));
    rbm.hiddenBias.assign(tf.mul(normal(cKey!, [rbm.hidden]), biasScale));
  });
  return readParameters(rbm);
}

export function readParameters(rbm: RBM): Parameters {
  return {
    weights: rbm.weights.arraySync() as number[][],
    visibleBias: rbm.visibleBias.arraySync() as number[],
    hiddenBias: rbm.hiddenBias.arraySync() as number[],
  };
}

/** All binary vectors of length n. */
export function allStates(n: number): number[][] {
  return Array.from({ length: 2 ** n }, (_, r) => Array.from({ length: n }, (_, j) => Math.floor(r / 2 ** j) % 2));
}

/** `-E(v, h) = v.b + h.c + v W h` of a Bernoulli RBM. */
export function negativeJointEnergy(p: Parameters, v: readonly number[], h: readonly number[]): number {
  let s = 0;
  v.forEach((vi, i) => {
    s += vi * p.visibleBias[i]!;
    h.forEach((hj, j) => {
      s += vi * p.weights[i]![j]! * hj;
    });
  });
  h.forEach((hj, j) => {
    s += hj * p.hiddenBias[j]!;
  });
  return s;
}

/** log Z by summing exp(-E) over every (v, h) pair. */
export function bruteForceLogZ(p: Parameters): number {
  const hs = allStates(p.hiddenBias.length);
  return logSumExp(allStates(p.visibleBias.length).flatMap((v) => hs.map((h) => negativeJointEnergy(p, v, h))));
}

/** F(v) = -log sum_h exp(-E(v, h)). */
export function bruteForceFreeEnergy(p: Parameters, v: readonly number[]): number {
  return -logSumExp(allStates(p.hiddenBias.length).map((h) => negativeJointEnergy(p, v, h)));
}

/** p(v) for every visible state, in the order of `allStates(visible)`. */
export function visibleDistribution(p: Parameters): number[] {
  const logZ = bruteForceLogZ(p);
  return allStates(p.visibleBias.length).map((v) => Math.exp(-bruteForceFreeEnergy(p, v) - logZ));
}
