import * as tf from '@tensorflow/tfjs';

/**
 * A variable-name prefix that no live tfjs variable uses: `base`, else `base_1`, `base_2`, ...
 * tfjs keeps one global registry of variable names, so two live models need different prefixes;
 * a disposed model's prefix becomes free again. Create the variables right after calling this.
 */
export function uniqueName(base: string): string {
  const taken = Object.keys(tf.engine().registeredVariables);
  const inUse = (prefix: string) => taken.some((name) => name === prefix || name.startsWith(`${prefix}/`));
  let prefix = base;
  for (let i = 1; inUse(prefix); i++) prefix = `${base}_${i}`;
  return prefix;
}
