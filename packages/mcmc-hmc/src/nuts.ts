/**
 * The No-U-Turn sampler (Hoffman & Gelman 2014) in its multinomial form with the generalised
 * no-U-turn criterion (Betancourt 2017, "A conceptual introduction to Hamiltonian Monte Carlo"),
 * with NumPyro's and BlackJAX's iterative U-turn checks (Stan adds checks across the two halves of
 * each merged subtree, which this does not), batched over chains: every chain doubles its
 * trajectory in lock-step, and a chain whose trajectory has turned or diverged waits, masked, until
 * all are done.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type AdaptableSampler,
  type EnergyFn,
  type InverseMass,
  InvalidArgumentError,
  type Key,
  type Metric,
  type MetricChainState,
  type PhasePoint,
  type StepInfo,
  adaptableSampler,
  assertInteger,
  assertPositive,
  bernoulli,
  disposeReplaced,
  disposeState,
  dotPerChain,
  foldIn,
  kineticEnergy,
  leapfrog,
  sampleMomentum,
  selectChains,
  selectState,
  split,
  uniform,
  velocity,
} from '@ebm/core';

/**
 * Target acceptance for NUTS: 0.8, the default of Stan, NumPyro and BlackJAX. NUTS's acceptance
 * statistic (the mean of `min(1, exp(-Delta H))` over the trajectory) is not the MH acceptance of
 * HMC, and a higher target than HMC's 0.65 buys robustness on curved targets for a little more work.
 */
export const NUTS_TARGET_ACCEPTANCE = 0.8;

/**
 * A trajectory point whose energy error `H - H0` exceeds this is divergent: the integrator has
 * left the level set, and the trajectory stops there (Stan's and BlackJAX's 1000).
 */
const DIVERGENCE_THRESHOLD = 1000;

/** Options of {@link nuts}. */
export interface NutsOptions {
  /** Leapfrog step size `eps` > 0. Tune it with `dualAveraging(nuts(...))` or `windowAdaptation`. */
  readonly stepSize: number;
  /** The largest number of trajectory doublings `D` (default 10): at most `2^D - 1` leapfrog steps per transition. */
  readonly maxTreeDepth?: number;
  /**
   * The inverse mass matrix `Sigma = M^-1`: a diagonal (one variance per coordinate of a chain) or
   * a dense D x D SPD matrix; default the identity. `windowAdaptation` estimates it.
   */
  readonly inverseMass?: InverseMass;
}

/** The state of a batch of NUTS chains: position with its cached energy and gradient, and the metric. */
export interface NutsState extends MetricChainState {
  /** `dE/dx` at `position`. */
  readonly gradient: tf.Tensor;
}

/** What one NUTS transition reports, on the device (the caller disposes it). */
export interface NutsInfo extends StepInfo {
  /** Mean over chains of each chain's acceptance statistic (the quantity dual averaging adapts on). */
  readonly acceptanceRate: tf.Scalar;
  /** Per chain, the mean over its new trajectory points of `min(1, exp(H0 - H))`, shape `[N]`. */
  readonly acceptanceProbability: tf.Tensor1D;
  /** Per chain, the number of trajectory doublings, shape `[N]`. */
  readonly treeDepth: tf.Tensor1D;
  /** Per chain, the leapfrog steps (energy-gradient evaluations) its trajectory took, shape `[N]`. */
  readonly numGradientEvaluations: tf.Tensor1D;
  /** Per chain, whether the trajectory diverged (`H - H0 > 1000` or NaN), shape `[N]`, bool. */
  readonly isDivergent: tf.Tensor1D;
  /** Mean tree depth over chains. */
  readonly meanTreeDepth: tf.Scalar;
  /** Mean over chains of the gradient evaluations (what a one-chain NUTS would have computed). */
  readonly meanGradientEvaluations: tf.Scalar;
  /**
   * Gradient evaluations of each chain in the batched step, `2^D - 1` for the deepest tree `D` of
   * the batch: chains that finish early wait, masked, while the others double (what the step costs).
   */
  readonly batchGradientEvaluations: tf.Scalar;
  /** Fraction of chains whose trajectory diverged. */
  readonly divergenceRate: tf.Scalar;
}

/** NUTS as an adaptable sampler: `stepSize` is the leapfrog step size, `inverseMass` the metric. */
export type Nuts = AdaptableSampler<NutsState, NutsInfo>;

/** A point's fields that a trajectory proposes: where it is, its energy and gradient. */
type Proposal = Pick<PhasePoint, 'position' | 'energy' | 'gradient'>;

/** Per-chain bookkeeping of a trajectory (or a subtree of it). */
interface TrajectoryStats {
  /** `log sum exp(-(H - H0))` over its points, `[N]`. */
  readonly logWeight: tf.Tensor1D;
  /** The sum of its points' momenta, `rho`, the shape of the position. */
  readonly momentumSum: tf.Tensor;
  /** The sampled point, multinomially weighted by `exp(-(H - H0))`. */
  readonly proposal: Proposal;
  /** Leapfrog steps taken, `[N]`. */
  readonly numSteps: tf.Tensor1D;
  /** Sum over its new points of `min(1, exp(-(H - H0)))`, `[N]`. */
  readonly sumAcceptance: tf.Tensor1D;
  /** Whether a point diverged, `[N]`, bool. */
  readonly diverging: tf.Tensor1D;
}

/** `tf.tidy` for a record of (nested records of) tensors, keeping its type. */
function tidy<T extends object>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}

/** `log(exp(a) + exp(b))` elementwise, correct when either or both are -Infinity. */
function logAddExp(a: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor1D {
  const max = tf.maximum(a, b);
  const shift = tf.where(tf.isFinite(max), max, tf.zerosLike(max));
  return tf.add(shift, tf.log(tf.add(tf.exp(tf.sub(a, shift)), tf.exp(tf.sub(b, shift))))) as tf.Tensor1D;
}

/**
 * The generalised no-U-turn criterion of a trajectory with end momenta `pLeft`, `pRight` and
 * momentum sum `rho` (NumPyro's form, Betancourt 2017 appendix A.4.2): with velocities
 * `v = Sigma p` and `rho' = rho - (pLeft + pRight) / 2`, it has turned when `v_left . rho' <= 0`
 * or `v_right . rho' <= 0`. Per chain, bool.
 */
function isTurning(metric: Metric, pLeft: tf.Tensor, pRight: tf.Tensor, rho: tf.Tensor): tf.Tensor1D {
  const centred = tf.sub(rho, tf.mul(0.5, tf.add(pLeft, pRight)));
  return tf.logicalOr(tf.lessEqual(dotPerChain(velocity(metric, pLeft), centred), 0), tf.lessEqual(dotPerChain(velocity(metric, pRight), centred), 0)) as tf.Tensor1D;
}

/**
 * The leaves of a balanced subtree whose U-turns are checked at leaf `n` (0-based) of an iterative
 * build (NumPyro's `_leaf_idx_to_ckpt_idxs`): checkpoint slots `idxMin..idxMax`. Leaf `n` even
 * stores a checkpoint in slot `idxMax`; leaf `n` odd closes the subtrees of sizes `2, 4, ...` that
 * end at `n`, one per trailing one bit of `n`.
 */
function checkpointSlots(n: number): { readonly idxMin: number; readonly idxMax: number } {
  let idxMax = 0;
  for (let m = n >> 1; m > 0; m >>= 1) idxMax += m & 1;
  let trailingOnes = 0;
  for (let m = n; (m & 1) !== 0; m >>= 1) trailingOnes++;
  return { idxMin: idxMax - trailingOnes + 1, idxMax };
}

/**
 * Builds the subtree of `2^depth` leapfrog steps from `start` in the direction of the per-chain
 * step size `eps` (`[N, 1, ...]`), for the chains where `active` holds: leaf by leaf, with a
 * multinomial (uniform progressive) choice of the proposal among its points and the no-U-turn
 * criterion checked, as leaves arrive, for every balanced sub-subtree (NumPyro's iterative
 * scheme). A chain whose subtree turns or diverges stops extending it (masked). Returns the
 * subtree's statistics and its last point.
 */
function buildSubtree(
  energy: EnergyFn,
  metric: Metric,
  start: PhasePoint,
  eps: tf.Tensor,
  depth: number,
  active: tf.Tensor1D,
  h0: tf.Tensor1D,
  key: Key,
): TrajectoryStats & { readonly last: PhasePoint; readonly turning: tf.Tensor1D } {
  const n = active.shape[0]!;
  let tree = tidy(() => ({
    last: start,
    turning: tf.zeros([n], 'bool') as tf.Tensor1D,
    logWeight: tf.fill([n], -Infinity) as tf.Tensor1D,
    momentumSum: tf.zerosLike(start.momentum),
    proposal: { position: start.position, energy: start.energy, gradient: start.gradient },
    numSteps: tf.zeros([n]) as tf.Tensor1D,
    sumAcceptance: tf.zeros([n]) as tf.Tensor1D,
    diverging: tf.zeros([n], 'bool') as tf.Tensor1D,
  }));
  // Checkpoints of the momentum and the momentum sum at the first leaf of each open sub-subtree.
  let checkpoints: { momentum: tf.Tensor; momentumSum: tf.Tensor }[] = [];
  for (let leaf = 0; leaf < 2 ** depth; leaf++) {
    const previous = { tree, checkpoints };
    const next = tidy(() => {
      const live = tf.logicalAnd(active, tf.logicalNot(tf.logicalOr(tree.turning, tree.diverging))) as tf.Tensor1D;
      const point = leapfrog(energy, tree.last, { stepSize: eps, numSteps: 1, metric });
      const deltaH = tf.sub(tf.add(point.energy, kineticEnergy(metric, point.momentum)), h0) as tf.Tensor1D;
      const invalid = tf.isNaN(deltaH) as tf.Tensor1D;
      const logW = tf.where(invalid, tf.fill([n], -Infinity), tf.neg(deltaH)) as tf.Tensor1D;
      const acceptance = tf.where(invalid, tf.zerosLike(deltaH), tf.exp(tf.minimum(tf.neg(deltaH), 0))) as tf.Tensor1D;
      const diverges = tf.logicalOr(invalid, tf.greater(deltaH, DIVERGENCE_THRESHOLD)) as tf.Tensor1D;
      // Uniform progressive sampling: the new point replaces the proposal with probability w_new / (w_old + w_new).
      const logWeight = logAddExp(tree.logWeight, logW);
      const take = tf.logicalAnd(live, tf.less(uniform(foldIn(key, leaf), [n]), tf.exp(tf.sub(logW, logWeight)))) as tf.Tensor1D;
      const momentumSum = tf.add(tree.momentumSum, point.momentum);
      const liveFloat = tf.cast(live, 'float32');
      const grown = {
        last: selectState(live, point, tree.last),
        logWeight: tf.where(live, logWeight, tree.logWeight) as tf.Tensor1D,
        momentumSum: selectChains(live, momentumSum, tree.momentumSum),
        proposal: selectState(take, { position: point.position, energy: point.energy, gradient: point.gradient }, tree.proposal),
        numSteps: tf.add(tree.numSteps, liveFloat) as tf.Tensor1D,
        sumAcceptance: tf.add(tree.sumAcceptance, tf.mul(liveFloat, acceptance)) as tf.Tensor1D,
        diverging: tf.logicalOr(tree.diverging, tf.logicalAnd(live, diverges)) as tf.Tensor1D,
      };
      const { idxMin, idxMax } = checkpointSlots(leaf);
      const slots = [...checkpoints];
      let turning = tree.turning;
      if (leaf % 2 === 0) {
        const old = slots[idxMax];
        slots[idxMax] = {
          momentum: old === undefined ? point.momentum : selectChains(live, point.momentum, old.momentum),
          momentumSum: old === undefined ? momentumSum : selectChains(live, momentumSum, old.momentumSum),
        };
      } else {
        for (let i = idxMax; i >= idxMin; i--) {
          const slot = slots[i]!;
          const subtreeSum = tf.add(tf.sub(momentumSum, slot.momentumSum), slot.momentum);
          turning = tf.logicalOr(turning, tf.logicalAnd(live, isTurning(metric, slot.momentum, point.momentum, subtreeSum))) as tf.Tensor1D;
        }
      }
      return { tree: { ...grown, turning }, checkpoints: slots };
    });
    tree = next.tree;
    checkpoints = next.checkpoints;
    // Free the previous leaf's tensors that the next one does not carry over (never the start's: the caller owns them).
    disposeReplaced(previous, [next, start]);
  }
  disposeReplaced(checkpoints, [tree, start]);
  return tree;
}

/**
 * The No-U-Turn sampler (Hoffman & Gelman 2014, "The No-U-Turn Sampler", JMLR 15), multinomial
 * with the generalised no-U-turn criterion (Betancourt 2017), for `H(x, p) = E(x) + 1/2 p^T Sigma p`:
 *
 * 1. draw `p ~ N(0, M)`; `H0 = H(x, p)`;
 * 2. for depth `d = 0, 1, ..., maxTreeDepth - 1`: pick a direction `v = +-1` per chain, build a
 *    subtree of `2^d` leapfrog steps (core's `leapfrog`) from that end of the trajectory, choosing
 *    its proposal among its points with probability `exp(-(H - H0))` (multinomial), and checking
 *    every balanced sub-subtree for a U-turn (`v_left . rho' <= 0` or `v_right . rho' <= 0` with
 *    `v = Sigma p` and `rho'` the momentum sum less half the end momenta);
 * 3. if the subtree neither turned nor diverged, move the proposal to the subtree's with probability
 *    `min(1, W_subtree / W_trajectory)` (biased progressive sampling), merge it, and stop when the
 *    whole trajectory has turned; a divergent point (`H - H0 > 1000`) or a turned subtree stops the
 *    chain at once.
 *
 * The transition leaves `exp(-E)` exactly invariant. Chains run in lock-step: each doubling costs
 * `2^d` gradient evaluations of the whole batch, chains that are done wait masked (a subtree is
 * always built to its `2^d` leaves, even after every chain in it has turned), and the step reads
 * one boolean per doubling to stop when every chain is done (at most `maxTreeDepth` reads).
 * `batchGradientEvaluations` in the info is what the batch paid, `meanGradientEvaluations` what
 * one-chain NUTS would have.
 * The info reports, per chain and averaged, the tree depth, the gradient evaluations a one-chain
 * NUTS would have made, divergences and the acceptance statistic (the mean of `min(1, exp(H0 -
 * H))` over the new points, what `dualAveraging` and `windowAdaptation` adapt the step size on,
 * towards `NUTS_TARGET_ACCEPTANCE` = 0.8).
 *
 * @example
 * const warm = windowAdaptation(nuts({ stepSize: 0.1 }), { energy, init: tf.zeros([8, 10]), key, numSteps: 1000 });
 * const { samples, meanInfo } = sampleChain(warm.sampler, { energy, init: warm.position, key: sampleKey, numSteps: 1000 });
 * console.log(meanInfo.meanTreeDepth, meanInfo.divergenceRate);
 */
export function nuts(options: NutsOptions): Nuts {
  const { stepSize, maxTreeDepth = 10, inverseMass } = options;
  assertPositive('stepSize', stepSize, 'It is the leapfrog step size; try 0.1 and tune it with windowAdaptation or dualAveraging.');
  assertInteger('maxTreeDepth', maxTreeDepth, 1);
  if (maxTreeDepth > 16) {
    throw new InvalidArgumentError('maxTreeDepth', `must be at most 16 (2^16 leapfrog steps per transition), got ${maxTreeDepth}.`);
  }
  return adaptableSampler<NutsState, NutsInfo>({
    name: 'nuts',
    stepSize,
    inverseMass,
    targetAcceptance: NUTS_TARGET_ACCEPTANCE,
    gradient: true,
    rebuild: (changes) => nuts({ ...options, ...changes }),
    transition(key, state, energy) {
      const { position, metric } = state;
      const n = position.shape[0]!;
      const [momentumKey, treeKey] = split(key) as [Key, Key];
      // Everything the transition carries from one doubling to the next.
      let trajectory = tidy(() => {
        const momentum = sampleMomentum(momentumKey, metric, position.shape);
        const start: PhasePoint = { position: tf.clone(position), momentum, energy: tf.clone(state.energy), gradient: tf.clone(state.gradient) };
        return {
          h0: tf.add(state.energy, kineticEnergy(metric, momentum)) as tf.Tensor1D,
          left: start,
          right: start,
          logWeight: tf.zeros([n]) as tf.Tensor1D,
          momentumSum: tf.clone(momentum),
          proposal: { position: start.position, energy: start.energy, gradient: start.gradient },
          numSteps: tf.zeros([n]) as tf.Tensor1D,
          sumAcceptance: tf.zeros([n]) as tf.Tensor1D,
          diverging: tf.zeros([n], 'bool') as tf.Tensor1D,
          done: tf.zeros([n], 'bool') as tf.Tensor1D,
          depth: tf.zeros([n]) as tf.Tensor1D,
        };
      });
      const eventOnes = position.shape.slice(1).map(() => 1);
      let doublings = 0;
      try {
        for (let depth = 0; depth < maxTreeDepth; depth++) {
          const [directionKey, subtreeKey, mergeKey] = split(foldIn(treeKey, depth), 3) as [Key, Key, Key];
          const previous = trajectory;
          const merged = tidy(() => {
            const t = previous;
            const active = tf.logicalNot(t.done) as tf.Tensor1D;
            const forward = tf.cast(bernoulli(directionKey, tf.fill([n], 0.5)), 'bool') as tf.Tensor1D;
            const eps = tf.reshape(tf.where(forward, tf.fill([n], stepSize), tf.fill([n], -stepSize)), [n, ...eventOnes]);
            const subtree = buildSubtree(energy, metric, selectState(forward, t.right, t.left), eps, depth, active, t.h0, subtreeKey);
            const valid = tf.logicalAnd(active, tf.logicalNot(tf.logicalOr(subtree.turning, subtree.diverging))) as tf.Tensor1D;
            // Biased progressive sampling: move to the subtree's proposal with probability min(1, W_new / W_old).
            const moveProbability = tf.exp(tf.minimum(tf.sub(subtree.logWeight, t.logWeight), 0));
            const move = tf.logicalAnd(valid, tf.less(uniform(mergeKey, [n]), moveProbability)) as tf.Tensor1D;
            const left = selectState(tf.logicalAnd(active, tf.logicalNot(forward)) as tf.Tensor1D, subtree.last, t.left);
            const right = selectState(tf.logicalAnd(active, forward) as tf.Tensor1D, subtree.last, t.right);
            const momentumSum = selectChains(active, tf.add(t.momentumSum, subtree.momentumSum), t.momentumSum);
            const turned = isTurning(metric, left.momentum, right.momentum, momentumSum);
            const stops = tf.logicalOr(tf.logicalOr(subtree.turning, subtree.diverging), turned);
            return {
              h0: t.h0,
              left,
              right,
              logWeight: tf.where(active, logAddExp(t.logWeight, subtree.logWeight), t.logWeight) as tf.Tensor1D,
              momentumSum,
              proposal: selectState(move, subtree.proposal, t.proposal),
              numSteps: tf.add(t.numSteps, subtree.numSteps) as tf.Tensor1D,
              sumAcceptance: tf.add(t.sumAcceptance, subtree.sumAcceptance) as tf.Tensor1D,
              diverging: tf.logicalOr(t.diverging, subtree.diverging) as tf.Tensor1D,
              done: tf.logicalOr(t.done, tf.logicalAnd(active, stops)) as tf.Tensor1D,
              depth: tf.add(t.depth, tf.cast(active, 'float32')) as tf.Tensor1D,
            };
          });
          trajectory = merged;
          disposeReplaced(previous, merged);
          doublings = depth + 1;
          // One boolean per doubling: stop as soon as every chain's trajectory is done.
          if (depth + 1 < maxTreeDepth && tf.tidy(() => tf.all(trajectory.done).dataSync()[0]) === 1) break;
        }
      } catch (error) {
        // An energy that throws mid-trajectory: free what the transition carried.
        disposeState(trajectory);
        throw error;
      }
      const t = trajectory;
      const result = tidy(() => {
        const acceptanceProbability = tf.div(t.sumAcceptance, tf.maximum(t.numSteps, 1)) as tf.Tensor1D;
        const next = { position: tf.clone(t.proposal.position), energy: tf.clone(t.proposal.energy), gradient: tf.clone(t.proposal.gradient) };
        const info: NutsInfo = {
          acceptanceRate: tf.mean(acceptanceProbability) as tf.Scalar,
          acceptanceProbability,
          treeDepth: tf.clone(t.depth),
          numGradientEvaluations: tf.clone(t.numSteps),
          isDivergent: tf.clone(t.diverging),
          meanTreeDepth: tf.mean(t.depth) as tf.Scalar,
          meanGradientEvaluations: tf.mean(t.numSteps) as tf.Scalar,
          batchGradientEvaluations: tf.scalar(2 ** doublings - 1),
          divergenceRate: tf.mean(tf.cast(t.diverging, 'float32')) as tf.Scalar,
        };
        return { next, info };
      });
      disposeReplaced(t, result);
      return [result.next, result.info] as const;
    },
  });
}
