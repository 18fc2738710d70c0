/**
 * The registry of 2-D toy data sets: name -> sampler, closed-form log-density where one exists,
 * the true entropy (the best achievable test NLL) and a plotting/quadrature box.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Key } from '@ebm/core';
import type { Box2d } from '@ebm/core/math';
import { checkerboardLogDensity, circlesLogDensity, eightGaussiansLogDensity, ringsLogDensity } from './toy2d-densities.js';
import {
  sampleCheckerboard,
  sampleCircles,
  sampleEightGaussians,
  sampleMoons,
  samplePinwheel,
  sampleRings,
  sampleSwissroll,
  sampleTwoSpirals,
} from './toy2d-samplers.js';

/** One 2-D toy data set. */
export interface ToyDataset {
  /** The registry name, e.g. `'8gaussians'`. */
  readonly name: ToyDatasetName;
  /** `n` samples as a new `[n, 2]` float32 tensor; same key, same backend => same numbers. */
  sample(key: Key, n: number): tf.Tensor2D;
  /**
   * `log p(x)` of the true density for `x` of shape `[N, 2]` (a new `Tensor1D`), where it has a
   * closed form; `undefined` otherwise. `E(x) = -log p(x)` is the ideal energy.
   */
  readonly logDensity?: (x: tf.Tensor) => tf.Tensor1D;
  /**
   * The entropy `H(p) = -E_p[log p(x)]` in nats, i.e. the lowest expected test NLL any model can
   * reach (the "NLL floor"); `undefined` where the density has no closed form.
   */
  readonly entropy?: number;
  /** A square holding all but a negligible fraction of the mass, for quadrature and plots. */
  readonly box: Box2d;
}

/** The names of the 2-D toy data sets, FFJORD's spelling. */
export const TOY_DATASET_NAMES = ['8gaussians', 'checkerboard', 'moons', 'swissroll', 'circles', 'rings', 'pinwheel', '2spirals'] as const;
/** A 2-D toy data set name. */
export type ToyDatasetName = (typeof TOY_DATASET_NAMES)[number];

/**
 * Entropy of 8gaussians in nats: 2.83188, by 2-D quadrature of `-p log p` (trapezoid, 3001^2
 * nodes on [-6, 6]^2, converged to 1e-6). The 8 components overlap slightly, so it is a little
 * below `log 8 + log(2 pi e s^2) = 2.83818`. The literature quotes 2.833.
 */
export const EIGHT_GAUSSIANS_ENTROPY = 2.83188;
/** Entropy of checkerboard: `log 32 = 3.4657` nats (uniform on area 32). */
export const CHECKERBOARD_ENTROPY = Math.log(32);
/** Entropy of circles in nats: 3.26814, by 2-D quadrature as for {@link EIGHT_GAUSSIANS_ENTROPY}. */
export const CIRCLES_ENTROPY = 3.26814;
/** Entropy of rings in nats: 2.62318, by 2-D quadrature (6001^2 and 8001^2 nodes agree to 1e-9). */
export const RINGS_ENTROPY = 2.62318;

/** [-4, 4]^2 misses ~2e-4 of pinwheel's mass (its arms' tips) and < 1e-5 of the other toys'. */
const BOX4: Box2d = [
  [-4, 4],
  [-4, 4],
];
/** 8gaussians reaches 2.83 + 4.7 sd = 4.5 along the axes. */
const BOX45: Box2d = [
  [-4.5, 4.5],
  [-4.5, 4.5],
];

/**
 * The 2-D toy data sets by name (FFJORD's definitions, Grathwohl et al. 2019).
 *
 * @example
 * const data = toyDatasets['8gaussians'];
 * const x = data.sample(prngKey(0), 512);     // [512, 2]
 * const logp = data.logDensity!(x);          // [512]
 * console.log(data.entropy);                 // 2.83188, the NLL floor
 */
export const toyDatasets: Readonly<Record<ToyDatasetName, ToyDataset>> = Object.freeze({
  '8gaussians': {
    name: '8gaussians',
    sample: sampleEightGaussians,
    logDensity: eightGaussiansLogDensity,
    entropy: EIGHT_GAUSSIANS_ENTROPY,
    box: BOX45,
  },
  checkerboard: {
    name: 'checkerboard',
    sample: sampleCheckerboard,
    logDensity: checkerboardLogDensity,
    entropy: CHECKERBOARD_ENTROPY,
    box: BOX4,
  },
  moons: { name: 'moons', sample: sampleMoons, box: BOX4 },
  swissroll: { name: 'swissroll', sample: sampleSwissroll, box: BOX4 },
  circles: { name: 'circles', sample: sampleCircles, logDensity: circlesLogDensity, entropy: CIRCLES_ENTROPY, box: BOX4 },
  rings: { name: 'rings', sample: sampleRings, logDensity: ringsLogDensity, entropy: RINGS_ENTROPY, box: BOX4 },
  pinwheel: { name: 'pinwheel', sample: samplePinwheel, box: BOX4 },
  '2spirals': { name: '2spirals', sample: sampleTwoSpirals, box: BOX4 },
});

/** Whether `name` is a {@link ToyDatasetName}. */
export function isToyDatasetName(name: string): name is ToyDatasetName {
  return (TOY_DATASET_NAMES as readonly string[]).includes(name);
}
