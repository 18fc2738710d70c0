/**
 * What a recipe is: a sampler or an objective the CLI can build, together with its slice of the
 * config schema. The full schema, the flags, their help and `ebm list` are derived from the
 * registries of recipes (samplers.ts, objectives.ts), so a new objective is added in one place.
 */
import { z } from 'zod';

/**
 * Config keys as a zod shape. Every key has a default (`{}` is a valid config) and one line of
 * help given with `.describe()`, which becomes the flag's help text.
 */
export type ConfigKeys = Readonly<Record<string, z.ZodDefault>>;

/** The validated values of `keys`. */
export type ConfigValues<K extends ConfigKeys> = { readonly [P in keyof K]: z.output<K[P]> };

/**
 * One sampler or objective of the CLI: its `ebm list` line, the config keys it reads, and how it
 * is built from them. Recipes may share a key (every sampler reads `stepSize`) by declaring the
 * same schema object; two different schemas under one name are an error when the CLI loads.
 */
export interface Recipe<K extends ConfigKeys, Context, Built> {
  /** One line for `ebm list`, naming the package it comes from. */
  readonly description: string;
  /** The config keys (and so the flags) this recipe reads. */
  readonly keys: K;
  /** Builds it from the validated config (which holds at least `keys`). A method, so that any recipe is a `Recipe<ConfigKeys, ...>`. */
  build(config: ConfigValues<K>, context: Context): Built;
}

/** `A | B` -> `A & B` (for merging the key shapes of a registry's recipes). */
export type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Recipes by config name: the values a choice key (`objective`, `sampler`) may take. */
export type Registry = Readonly<Record<string, { readonly keys: ConfigKeys }>>;

/** The union of the key slices of a registry's recipes, as one shape. */
export type RegistryKeys<R extends Registry> = UnionToIntersection<R[keyof R]['keys']>;

/** The keys of every recipe of every registry in `R`, as one shape. */
type AllKeys<R extends Readonly<Record<string, Registry>>> = UnionToIntersection<{ [P in keyof R]: RegistryKeys<R[P]> }[keyof R]>;

/** Who reads a recipe key: the choice key of its registry (`'objective'`) and the recipes, in registry order. */
export interface KeyReaders {
  readonly choice: string;
  readonly recipes: readonly string[];
}

/** A config shape merged from base keys and recipes, with the readers of each recipe key. */
export interface MergedKeys<Shape> {
  readonly shape: Shape;
  /** Recipe key -> who reads it (base keys are absent). */
  readonly readers: Readonly<Record<string, KeyReaders>>;
}

/**
 * `base` followed by every key of every recipe of `registries` (by the choice key that selects
 * among them), in first-declared order. A key declared by several recipes must be the same schema
 * object, and a recipe may not redefine a base key: both throw when the CLI loads.
 *
 * @example
 * const { shape, readers } = mergeRecipeKeys({ steps }, { objective: OBJECTIVES, sampler: SAMPLERS });
 */
export function mergeRecipeKeys<B extends z.ZodRawShape, R extends Readonly<Record<string, Registry>>>(base: B, registries: R): MergedKeys<B & AllKeys<R>> {
  const shape: Record<string, unknown> = { ...base };
  const readers: Record<string, { choice: string; recipes: string[] }> = {};
  for (const [choice, registry] of Object.entries(registries)) {
    for (const [name, { keys }] of Object.entries(registry)) {
      for (const [key, schema] of Object.entries(keys)) {
        const known = readers[key];
        if (key in shape && (known === undefined || shape[key] !== schema)) {
          const owner = known === undefined ? 'the base config' : `${known.choice} '${known.recipes[0]}'`;
          throw new Error(`${choice} '${name}' redefines config key '${key}' of ${owner}: recipes that read one key must share one schema object.`);
        }
        shape[key] = schema;
        if (known === undefined) readers[key] = { choice, recipes: [name] };
        else known.recipes.push(name);
      }
    }
  }
  return { shape: shape as B & AllKeys<R>, readers };
}

/** The names of a registry as a zod enum's values (in registry order). */
export function namesOf<R extends Readonly<Record<string, unknown>>>(registry: R): [keyof R & string, ...(keyof R & string)[]] {
  return Object.keys(registry) as [keyof R & string, ...(keyof R & string)[]];
}
