/**
 * Whether an optimizer's state fits the variables it is asked to train. tfjs optimizers keep their
 * per-variable state (Adam's moments, RMSProp's mean squares) by POSITION in the gradient list,
 * not by name, so an optimizer reused on a model of another shape would add moments of one shape
 * to gradients of another and fail deep inside tfjs with a broadcast error, or, with matching
 * shapes, silently continue from the other model's moments.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';

/** The name tfjs gives the iteration count in `optimizer.getWeights()` (always first). */
export const ITERATIONS_WEIGHT = 'iter';

/**
 * Whether per-variable optimizer slots of shapes `slotShapes` (in the optimizer's order, the
 * iteration count left out) fit variables of shapes `variableShapes`: the slots come in `k >= 0`
 * groups of one tensor per variable (Adam: all first moments, then all second moments), so slot
 * `j` must have the shape of variable `j mod n`.
 *
 * @example
 * slotsFit([[2, 4], [4], [2, 4], [4]], [[2, 4], [4]]); // true: Adam's m and v for two variables
 */
export function slotsFit(slotShapes: readonly (readonly number[])[], variableShapes: readonly (readonly number[])[]): boolean {
  const n = Math.max(variableShapes.length, 1);
  return slotShapes.length % n === 0 && slotShapes.every((shape, j) => sameShape(shape, variableShapes[j % n] ?? []));
}

/**
 * Throws an `InvalidArgumentError` naming `optimizer` when the state it already holds (from
 * earlier updates) does not fit `variables`, e.g. an Adam optimizer reused on a model of another
 * shape; an optimizer that has not updated anything yet always fits. Reads no tensor values
 * (`getWeights` lists the slots; its fresh iteration-count scalar is disposed). An optimizer that
 * cannot list its state (tfjs's Adamax) is not checked.
 *
 * @example
 * await assertOptimizerFits(optimizer, model.variables); // before the first applyGradients of a run
 */
export async function assertOptimizerFits(optimizer: tf.Optimizer, variables: readonly tf.Variable[]): Promise<void> {
  let weights: Awaited<ReturnType<tf.Optimizer['getWeights']>>;
  try {
    weights = await optimizer.getWeights();
  } catch {
    return;
  }
  const slots = weights.filter((w) => w.name !== ITERATIONS_WEIGHT);
  const slotShapes = slots.map((w) => w.tensor.shape);
  tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  if (slotsFit(slotShapes, variables.map((v) => v.shape))) return;
  throw new InvalidArgumentError(
    'optimizer',
    `holds the state of other variables (${slotShapes.length} slot tensors of shapes ${formatShapes(slotShapes)}), ` +
      `which does not fit the ${variables.length} variables being trained (${formatShapes(variables.map((v) => v.shape))}). ` +
      'tfjs optimizers keep their state by position: create a fresh optimizer for each model (e.g. adam({ learningRate: 1e-3 })).',
  );
}

/** Whether two shapes are equal, axis by axis. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function formatShapes(shapes: readonly (readonly number[])[]): string {
  return shapes.map((s) => `[${s.join(', ')}]`).join(', ');
}
