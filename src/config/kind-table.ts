/**
 * Kind tables: how stages plug into the study file. A stage exports `xxxKinds`, a table from a `kind` string to
 * `{ schema, create }`, where `schema` is a zod strictObject of that kind's parameters. The config folder composes
 * each table into a discriminated union on `kind`, so a study writes a kind's parameters flat beside it:
 *
 *   allocation: { kind: max-sharpe, riskFreeRate: 0.02 }
 *
 * Adding a kind to a stage's table therefore changes the study schema, the JSON Schema and the validator with no edit
 * here. An object schema, refined or not, is written flat; a kind whose schema is not an object at all (a
 * transform/pipe, a union) takes its parameters nested under `params:` instead.
 */
import * as z from 'zod';

/** The label ("allocator", "cost model") of each composed union, so error messages can name what was expected. */
export const kindUnionLabels = new WeakMap<object, string>();

/** One entry of a stage's kind table. `create`'s signature is the stage's business; config only reads `schema`. */
export interface KindEntry {
  readonly schema: z.ZodType;
  readonly create: (...args: never[]) => unknown;
  /** One line for `keel schema` / docs. */
  readonly description?: string;
  /**
   * One-line problems of these (already validated) params that no data of the universe can get past, e.g.
   * "4 assets × maxWeight 0.1 = 0.4 < 1". `shape` holds what is known: the asset ids (data.universe, or the loaded
   * data) and the number of dates (after loading). Empty when nothing is wrong or nothing can be known yet.
   */
  readonly check?: (
    params: unknown,
    shape: { readonly assets?: readonly string[]; readonly nDates?: number },
    name: string,
  ) => string[];
}

export type KindTable = Readonly<Record<string, KindEntry>>;

/** Options for composing one table. */
export interface KindSchemaOptions {
  /** Fields every member accepts besides `kind` (e.g. a strategy's `name`). */
  readonly common?: z.ZodRawShape;
}

function isObjectSchema(s: z.ZodType): s is z.ZodObject {
  return s instanceof z.ZodObject;
}

/**
 * `{ kind: <k>, ...params }` for every kind `k` in `table`, as one zod discriminated union on `kind`.
 * `what` names the table in messages ("allocator", "cost model"). An empty table yields a schema that rejects any
 * value with a message saying no kinds are available yet (so a study that needs the stage fails at the edge).
 */
export function kindSchema(table: KindTable, what: string, options: KindSchemaOptions = {}): z.ZodType {
  const common = options.common ?? {};
  const members = Object.entries(table).map(([kind, entry]) => {
    const base = { kind: z.literal(kind), ...common };
    const member = isObjectSchema(entry.schema)
      ? entry.schema.safeExtend(base)
      : z.strictObject({ ...base, params: entry.schema });
    return entry.description === undefined ? member : member.describe(entry.description);
  });
  if (members.length === 0) {
    return z.custom<never>(() => false, { message: `no ${what} kinds are available in this build yet` });
  }
  const [first, ...rest] = members;
  const union = z.discriminatedUnion('kind', [first!, ...rest]).meta({
    description: `${what}: one of ${Object.keys(table).join(', ')}`,
  });
  kindUnionLabels.set(union, what);
  return union;
}

/** The kinds a table offers, for messages and docs. */
export function kindsOf(table: KindTable): string[] {
  return Object.keys(table);
}
