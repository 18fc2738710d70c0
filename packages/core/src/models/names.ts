/**
 * tfjs keeps one global registry of variable names, so two models built in one process need
 * different prefixes. `uniqueName('mlp')` gives `mlp`, then `mlp_1`, `mlp_2`, ...
 */
const used = new Map<string, number>();

export function uniqueName(base: string): string {
  const count = used.get(base) ?? 0;
  used.set(base, count + 1);
  return count === 0 ? base : `${base}_${count}`;
}
