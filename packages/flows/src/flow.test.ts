import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, type Key, ShapeError, assertDistribution, normal, normalDistribution, prngKey, split } from '@ebm/core';
import { describeBackends, expectNoLeaks } from '@ebm/core/testing';
import { logPartition2d } from '@ebm/eval';
import { affineCoupling } from './affine-coupling.js';
import { elementwiseAffine } from './elementwise-affine.js';
import { type Flow, normalizingFlow } from './flow.js';
import { neuralSplineFlow } from './neural-spline-flow.js';
import { realNvp } from './real-nvp.js';
import { splineCoupling } from './spline-coupling.js';

type SmallFlowOptions = { dim: number; layers: number; hidden: number[]; key: Key; loc?: number[]; scale?: number[] };

/**
 * The two coupling flows, each built small for the checks below, with the perturbation of their
 * variables ({@link perturb}) that makes them clearly non-trivial yet well conditioned: at 0.4,
 * log-determinants reach 10 and float32 inverses lose four digits (a spline bends more per unit of
 * weight than an affine coupling, so it gets a smaller one).
 */
const FLOWS = {
  realNvp: {
    build: (options: SmallFlowOptions) => realNvp(options),
    perturbation: 0.2,
    // Perturbed affine couplings have heavy tails: a wide box keeps the quadrature's tail bound small.
    quadrature: { layers: 4, box: 12, grid: 400 },
  },
  neuralSplineFlow: {
    build: (options: SmallFlowOptions) => neuralSplineFlow({ ...options, bins: 5, bound: 3 }),
    perturbation: 0.15,
    // Splines are the identity outside [-3, 3]: Gaussian tails, but sharp bins, so a finer cell (0.04).
    quadrature: { layers: 2, box: 6, grid: 300 },
  },
} as const;
const FLOW_NAMES = Object.keys(FLOWS) as (keyof typeof FLOWS)[];

/**
 * Moves every variable of the flow away from its start (the identity couplings) by N(0, scale^2)
 * noise, so the flow is a non-trivial map whose Jacobian is worth checking.
 */
function perturb(flow: Flow, seed: number, scale = 0.4): void {
  split(prngKey(seed), flow.variables.length).forEach((key, i) => {
    const v = flow.variables[i]!;
    tf.tidy(() => v.assign(tf.add(v, tf.mul(normal(key, v.shape), scale))));
  });
}

/** `log |det A|` of a square matrix by Gaussian elimination with partial pivoting (float64). */
function logAbsDet(matrix: number[][]): number {
  const a = matrix.map((row) => [...row]);
  const n = a.length;
  let logDet = 0;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    logDet += Math.log(Math.abs(a[c]![c]!));
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k < n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return logDet;
}

/** The Jacobian `d map(u)_i / d u_j` of a row-wise map at each row of `u`, by autodiff: one tf.grad per output coordinate. */
function jacobians(map: (u: tf.Tensor2D) => tf.Tensor2D, u: tf.Tensor2D): number[][][] {
  const [n, d] = u.shape;
  const rows = Array.from({ length: d }, (_, i) =>
    tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.slice(map(v as tf.Tensor2D), [0, i], [n, 1])))(u).arraySync() as number[][]),
  );
  return Array.from({ length: n }, (_, s) => rows.map((row) => row[s]!));
}

describeBackends('normalizing flows', () => {
  it.each(FLOW_NAMES.flatMap((name) => [2, 3].map((dim) => [name, dim] as const)))('%s has log-determinants equal to those of the autodiff Jacobian, both ways (D = %i)', (name, dim) => {
    const flow = FLOWS[name].build({ dim, layers: 4, hidden: [8], key: prngKey(dim) });
    perturb(flow, 10 + dim, FLOWS[name].perturbation);
    const z = normal(prngKey(20), [6, dim]) as tf.Tensor2D;
    const { x, logDet } = flow.forward(z);
    const forwardJacobians = jacobians((u) => flow.forward(u).x, z);
    const inverse = flow.inverse(x);
    const inverseJacobians = jacobians((u) => flow.inverse(u).z, x);
    const [forwardLogDet, inverseLogDet] = [logDet.arraySync(), inverse.logDet.arraySync()];
    // The flow must not be volume-preserving: the check would then be trivially 0 = 0.
    expect(Math.max(...forwardJacobians.map((jacobian) => Math.abs(logAbsDet(jacobian))))).toBeGreaterThan(0.1);
    forwardJacobians.forEach((jacobian, s) => {
      // float32: agreement to 1e-4 relative to the log-determinant's size.
      const tolerance = 1e-4 * Math.max(1, Math.abs(forwardLogDet[s]!));
      expect(Math.abs(forwardLogDet[s]! - logAbsDet(jacobian))).toBeLessThan(tolerance);
      expect(Math.abs(inverseLogDet[s]! - logAbsDet(inverseJacobians[s]!))).toBeLessThan(tolerance);
      expect(Math.abs(inverseLogDet[s]! + forwardLogDet[s]!)).toBeLessThan(tolerance);
    });
    tf.dispose([z, x, logDet, inverse.z, inverse.logDet]);
    flow.dispose();
  });

  it.each(FLOW_NAMES)('%s inverts exactly: inverse(forward(z)) = z and forward(inverse(x)) = x', (name) => {
    const flow = FLOWS[name].build({ dim: 2, layers: 6, hidden: [16, 16], key: prngKey(3), loc: [1, -1], scale: [2, 0.5] });
    perturb(flow, 4, FLOWS[name].perturbation);
    const z = normal(prngKey(5), [256, 2]) as tf.Tensor2D;
    const { x, logDet } = flow.forward(z);
    const back = flow.inverse(x);
    const again = flow.forward(back.z);
    // float32 round trips lose digits relative to the magnitude: compare |a - b| / (1 + |b|).
    const error = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.add(1, tf.abs(b)))).dataSync()[0]!);
    expect(error(x, z)).toBeGreaterThan(0.1);
    expect(error(back.z, z)).toBeLessThan(1e-4);
    expect(error(again.x, x)).toBeLessThan(1e-4);
    tf.dispose([z, x, logDet, back.z, back.logDet, again.x, again.logDet]);
    flow.dispose();
  });

  it.each(FLOW_NAMES)('%s has a density that integrates to 1 (log Z of -log q by quadrature is 0 within its error bound)', (name) => {
    // A perturbation of 0.1 keeps the tails where the quadrature's tail bound is small, while the
    // density is far from the base Gaussian's.
    const { layers, box, grid } = FLOWS[name].quadrature;
    const flow = FLOWS[name].build({ dim: 2, layers, hidden: [16], key: prngKey(6), scale: [0.7, 0.7] });
    perturb(flow, 7, 0.1);
    const probe = normal(prngKey(8), [256, 2]);
    const base = normalDistribution({ eventShape: [2], std: 0.7 });
    const departure = tf.tidy(() => tf.max(tf.abs(tf.sub(flow.logProb(probe), base.logProb(probe)))).dataSync()[0]!);
    expect(departure).toBeGreaterThan(0.3);
    const { logZ, errorBound } = logPartition2d(flow.energy as (x: tf.Tensor2D) => tf.Tensor1D, { box: [[-box, box], [-box, box]], grid });
    expect(errorBound).toBeLessThan(1e-3);
    // float32 energies summed in float64: 1e-4 nats of rounding on top of the quadrature's own bound.
    expect(Math.abs(logZ)).toBeLessThan(errorBound + 1e-4);
    probe.dispose();
    flow.dispose();
  });

  it('is a core Distribution: sampleAndLogProb agrees with logProb, and a key gives the same draws', () => {
    const flow = realNvp({ dim: 2, layers: 4, hidden: [8], key: prngKey(8) });
    perturb(flow, 9);
    assertDistribution('flow', flow, [2]);
    const { sample, logProb } = flow.sampleAndLogProb(prngKey(10), 64);
    const direct = flow.logProb(sample);
    const again = flow.sample(prngKey(10), 64);
    const energy = flow.energy(sample);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(logProb, direct))).dataSync()[0]!)).toBeLessThan(1e-4);
    expect(tf.tidy(() => tf.max(tf.abs(tf.add(energy, direct))).dataSync()[0]!)).toBe(0);
    expect(tf.tidy(() => tf.all(tf.equal(again, sample)).dataSync()[0])).toBe(1);
    tf.dispose([sample, logProb, direct, again, energy]);
    flow.dispose();
  });

  it('runs on other variables through withVariables', () => {
    const flow = realNvp({ dim: 2, layers: 2, hidden: [4], key: prngKey(11) });
    const other = flow.variables.map((v) => tf.variable(tf.add(v, 0.3)));
    const view = flow.withVariables(other);
    const x = tf.tensor2d([[0.5, -1], [2, 0.3]]);
    const [own, viewed] = [flow.logProb(x), view.logProb(x)];
    flow.variables.forEach((v, i) => other[i]!.assign(v));
    const same = view.logProb(x);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(own, viewed))).dataSync()[0]!)).toBeGreaterThan(1e-3);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(own, same))).dataSync()[0]!)).toBe(0);
    expect(() => flow.withVariables(other.slice(1))).toThrow(ShapeError);
    expect(() => flow.withVariables([...other.slice(1), other[0]!])).toThrow(/variables\[0\]/);
    tf.dispose([x, own, viewed, same, ...other]);
    flow.dispose();
  });

  it('leaks no tensor in sample, logProb, forward and inverse', () => {
    const flow = realNvp({ dim: 2, layers: 2, hidden: [8], key: prngKey(12) });
    const x = tf.tensor2d([[0.5, -1], [2, 0.3]]);
    expectNoLeaks((i) => {
      const { sample, logProb } = flow.sampleAndLogProb(prngKey(i), 8);
      const { z, logDet } = flow.inverse(x);
      tf.dispose([sample, logProb, z, logDet, flow.logProb(x), flow.sample(prngKey(i), 4), flow.energy(x)]);
    }, 200);
    x.dispose();
    flow.dispose();
  });
});

describe('flow arguments', () => {
  it('rejects bad dimensions, masks, widths and layer lists, naming the argument', () => {
    expect(() => realNvp({ dim: 1 })).toThrow(InvalidArgumentError);
    expect(() => realNvp({ dim: 1 })).toThrow(/dim/);
    expect(() => realNvp({ dim: 2, layers: 0 })).toThrow(/layers/);
    expect(() => realNvp({ dim: 2, hidden: [8, 0] })).toThrow(/hidden\[1\]/);
    expect(() => realNvp({ dim: 2, scaleBound: 0 })).toThrow(/scaleBound/);
    expect(() => affineCoupling({ dim: 2, mask: [1, 1] })).toThrow(/mask/);
    expect(() => affineCoupling({ dim: 2, mask: [1] })).toThrow(ShapeError);
    expect(() => splineCoupling({ dim: 2, mask: [0, 1], bins: 1 })).toThrow(/bins/);
    expect(() => splineCoupling({ dim: 2, mask: [0, 1], bound: -1 })).toThrow(/bound/);
    expect(() => neuralSplineFlow({ dim: 2, layers: 1.5 })).toThrow(/layers/);
    expect(() => elementwiseAffine({ dim: 2, scale: [1, -1] })).toThrow(/scale/);
    expect(() => elementwiseAffine({ dim: 2, loc: [0] })).toThrow(ShapeError);
    expect(() => normalizingFlow({ layers: [] })).toThrow(/layers/);
    const [a, b] = [affineCoupling({ dim: 2, mask: [1, 0], hidden: [2] }), affineCoupling({ dim: 3, mask: [1, 0, 1], hidden: [2] })];
    expect(() => normalizingFlow({ layers: [a, b] })).toThrow(/layers\[1\]/);
    tf.dispose([...a.variables, ...b.variables]);
    const flow = realNvp({ dim: 2, layers: 2, hidden: [2] });
    const wrong = tf.zeros([3, 3]);
    expect(() => flow.logProb(wrong)).toThrow(ShapeError);
    expect(() => flow.sample(prngKey(0), 0)).toThrow(/n/);
    tf.dispose(wrong);
    flow.dispose();
  });
});
