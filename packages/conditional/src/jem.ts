import * as tf from '@tensorflow/tfjs';
import { type EnergyModel, InvalidArgumentError, type Key, type Metrics, type Objective, type ObjectiveStep, assertNonNegative, variableGradients } from '@ebm/core';
import { assertClassifier } from './classifier.js';
import { exactNegativeLogLikelihood } from './maximum-likelihood.js';
import { unpackPairs } from './pairs.js';

/** Options of {@link jem}. */
export interface JemOptions<S> {
  /**
   * The maximum-likelihood objective for `p(x) ~ exp(-E(x))`, `E(x) = -logsumexp f(x)`, run on
   * the classifier's `marginal` model with the batch's inputs. JEM's is SGLD from a replay buffer:
   * `contrastiveDivergence({ sampler: langevin({ stepSize: 1, noiseScale: 0.01 }), k: 20,
   * init: 'replay', noise: uniformDistribution({ eventShape: [D], low: 0, high: 1 }) })` from
   * `@ebm/cd` and `@ebm/mcmc-langevin`; any core `Objective` for an unconditional model works.
   */
  readonly generative: Objective<S>;
  /** Weight of the generative term (default 1, as in JEM). */
  readonly generativeWeight?: number;
}

/** JEM's state: the generative objective's (the replay buffer, for contrastive divergence). */
export interface JemState<S> {
  readonly generative: S;
}

/**
 * Joint energy-based model training (JEM, Grathwohl et al. 2020): a classifier `f` trained as a
 * model of `p(y | x)` AND of `p(x)`, with the hybrid loss
 *
 *   L = 1/N sum_i -log softmax(f(x_i))[y_i]  +  w * L_gen(x),
 *
 * the cross-entropy of the labelled pairs plus `w` times the generative objective's surrogate for
 * `-log p(x)`, `p(x) ~ exp(logsumexp_k f(x)_k)` (with contrastive divergence:
 * `mean E(x+) - mean E(x-)`, negatives by SGLD from a replay buffer). Both terms differentiate
 * the same variables; their gradients are summed by name.
 *
 * The model is a `classifierEnergy` / `mlpClassifier`; batches are packed pairs of inputs and
 * one-hot labels (`packPairs(images, tf.oneHot(labels, K))`). The generative objective is passed
 * in (it runs on `model.marginal`), so JEM depends on no sampler or replay buffer itself.
 *
 * Metrics (device scalars): `crossEntropy`, `accuracy` (of the batch's argmax predictions) and
 * the generative objective's metrics, prefixed `generative` (`generativeEnergyGap`, ...).
 *
 * @example
 * const model = mlpClassifier({ inputShape: [64], numClasses: 10, hidden: [128, 128] });
 * const objective = jem({ generative: contrastiveDivergence({ sampler: langevin({ stepSize: 1, noiseScale: 0.01 }), k: 20, init: 'replay', noise }) });
 * await fit(model, objective, packPairs(images, tf.oneHot(labels, 10)), { optimizer: adam({ learningRate: 1e-3 }), steps: 3000, batchSize: 64, key });
 */
export function jem<S>(options: JemOptions<S>): Objective<JemState<S>> {
  const { generative } = options ?? ({} as JemOptions<S>);
  if (generative === null || typeof generative !== 'object' || typeof generative.gradients !== 'function' || typeof generative.init !== 'function') {
    throw new InvalidArgumentError(
      'generative',
      "must be an Objective for p(x), e.g. contrastiveDivergence({ sampler: langevin({ stepSize: 1, noiseScale: 0.01 }), k: 20, init: 'replay' }) from @ebm/cd.",
    );
  }
  if (generative.prepare !== undefined) {
    throw new InvalidArgumentError(
      'generative',
      'runs its chains in `prepare` (a chain runner such as @ebm/workers): jem does not pass that on yet; give its contrastiveDivergence no `runner`.',
    );
  }
  const weight = options.generativeWeight ?? 1;
  assertNonNegative('generativeWeight', weight);
  const objective: Objective<JemState<S>> = {
    name: `jem(${generative.name})`,
    init: (model: EnergyModel, key: Key) => ({ generative: generative.init(assertClassifier(model).marginal, key) }),
    gradients(model: EnergyModel, batch: tf.Tensor, state: JemState<S>, key: Key): ObjectiveStep<JemState<S>> {
      const classifier = assertClassifier(model);
      const { x, y } = unpackPairs(classifier, batch);
      let gen: ObjectiveStep<S>;
      try {
        gen = generative.gradients(classifier.marginal, x, state.generative, key);
      } catch (error) {
        tf.dispose([x, y]);
        throw error;
      }
      const { loss, grads, metrics } = tf.tidy(() => {
        const { value, grads: g, aux } = variableGradients(() => {
          const crossEntropy = tf.mean(exactNegativeLogLikelihood(classifier, x, y)) as tf.Scalar;
          const correct = tf.equal(tf.argMax(classifier.logits(x), 1), tf.argMax(y, 1));
          return { loss: crossEntropy, aux: { crossEntropy, accuracy: tf.mean(tf.cast(correct, 'float32')) as tf.Scalar } };
        }, classifier.variables);
        const combined = Object.fromEntries(
          Object.entries(g).map(([name, gradient]) => {
            const other = gen.grads[name];
            return [name, other === undefined ? gradient : tf.add(gradient, tf.mul(weight, other))];
          }),
        );
        const prefixed: Record<string, tf.Scalar> = Object.fromEntries(
          Object.entries(gen.metrics).map(([name, metric]) => [`generative${name[0]!.toUpperCase()}${name.slice(1)}`, tf.clone(metric)]),
        );
        // Gradients of objective-owned variables (a learned log Z) come from the generative term alone.
        for (const [name, gradient] of Object.entries(gen.grads)) if (!(name in combined)) combined[name] = tf.mul(weight, gradient);
        return { loss: tf.add(value, tf.mul(weight, gen.loss)) as tf.Scalar, grads: combined, metrics: { ...aux, ...prefixed } as Metrics };
      });
      tf.dispose([x, y, gen.loss, ...Object.values(gen.grads), ...Object.values(gen.metrics)]);
      return { loss, grads, metrics, state: { generative: gen.state } };
    },
  };
  return generative.variables === undefined ? objective : { ...objective, variables: (state: JemState<S>) => generative.variables!(state.generative) };
}
