/**
 * Turning zod issues into Keel's one-line problems: `<path>: <what was expected>, got <value>[; did you mean …]`,
 * e.g. `backtest.costs.bps: expected a number ≥ 0, got "ten"` or
 * `backtest.costs: unknown key "bsp"; did you mean "bps"?`.
 * The error map sees zod's raw issue, which carries the schema instance (`inst`) that raised it; that is how the
 * messages can say what was expected (bounds, enum values, the keys an object allows) rather than zod's generic text.
 */
import type * as z from 'zod';
import { closest } from './did-you-mean.ts';
import { kindUnionLabels } from './kind-table.ts';

/** `a.b[0].c`, or `(top level)` for the root. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** A value as it should appear in a message: JSON, truncated to 40 characters. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return `${v}`;
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = Object.prototype.toString.call(v);
  }
  if (Array.isArray(v) && s.length > 40) return `a list of ${v.length}`;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && s.length > 40) return 'a mapping';
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

interface SchemaInternals {
  _zod: { def: { type: string; checks?: { _zod: { def: Record<string, unknown> } }[]; [k: string]: unknown } };
}

function defOf(inst: unknown): SchemaInternals['_zod']['def'] | undefined {
  return (inst as SchemaInternals | undefined)?._zod?.def;
}

/** "≥ 0", "> 0 and ≤ 1" from a number/string/array schema's checks. */
function boundsOf(inst: unknown): string {
  const parts: string[] = [];
  for (const c of defOf(inst)?.checks ?? []) {
    const d = c._zod.def;
    if (d['check'] === 'greater_than') parts.push(`${d['inclusive'] ? '≥' : '>'} ${String(d['value'])}`);
    if (d['check'] === 'less_than') parts.push(`${d['inclusive'] ? '≤' : '<'} ${String(d['value'])}`);
  }
  return parts.join(' and ');
}

function isInteger(inst: unknown): boolean {
  const d = defOf(inst);
  if (d?.['format'] === 'safeint' || d?.['format'] === 'int32' || d?.['format'] === 'uint32') return true;
  return (d?.checks ?? []).some((c) => c._zod.def['format'] === 'safeint' || c._zod.def['check'] === 'number_format');
}

/** A phrase for what a schema accepts: "a number ≥ 0", "an integer ≥ 1", "one of "wide", "long"". */
export function describeExpected(inst: unknown, expected?: string): string {
  const d = defOf(inst);
  const type = d?.type ?? expected ?? 'value';
  switch (type) {
    case 'number':
    case 'int': {
      const b = boundsOf(inst);
      const noun = isInteger(inst) ? 'an integer' : 'a number';
      return b ? `${noun} ${b}` : noun;
    }
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping (key: value)';
    case 'enum':
      return `one of ${Object.values(d?.['entries'] as Record<string, unknown>)
        .map((v) => JSON.stringify(v))
        .join(', ')}`;
    case 'literal':
      return `${((d?.['values'] as unknown[]) ?? []).map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'nan':
      return 'NaN';
    default:
      return TYPE_NOUNS[expected ?? type ?? ''] ?? (expected ? `a ${expected}` : `a ${type}`);
  }
}

function didYouMean(word: unknown, candidates: readonly string[]): string {
  if (typeof word !== 'string') return '';
  const c = closest(word, candidates);
  return c === undefined ? '' : `; did you mean "${c}"?`;
}

interface BranchIssue {
  readonly code: string;
  readonly path?: readonly unknown[];
  readonly values?: readonly unknown[];
  readonly expected?: string;
}

const TYPE_NOUNS: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

/** A plain union (e.g. `"monthly"` or `{ every: 5 }`): what each branch accepts at this level, with a suggestion. */
function unionMessage(iss: RawIssue): string {
  const branches = ((iss as { errors?: readonly (readonly BranchIssue[])[] }).errors ?? []).flat();
  const values: unknown[] = [];
  const types = new Set<string>();
  for (const b of branches) {
    if ((b.path?.length ?? 0) !== 0) continue;
    if (b.code === 'invalid_value') values.push(...(b.values ?? []));
    else if (b.code === 'invalid_type' && b.expected) types.add(TYPE_NOUNS[b.expected] ?? `a ${b.expected}`);
  }
  const parts: string[] = [];
  if (values.length > 0)
    parts.push(
      values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
    );
  parts.push(...types);
  const strings = values.filter((v): v is string => typeof v === 'string');
  if (parts.length === 0) return `does not match any allowed form, got ${showValue(iss.input)}`;
  return `expected ${parts.join(' or ')}, got ${showValue(iss.input)}${didYouMean(iss.input, strings)}`;
}

/** Zod's raw issue as the per-parse error map receives it (only the fields used here). */
export interface RawIssue {
  readonly code: string;
  readonly path?: readonly PropertyKey[];
  readonly input?: unknown;
  readonly inst?: unknown;
  readonly expected?: string;
  readonly keys?: readonly string[];
  readonly minimum?: unknown;
  readonly maximum?: unknown;
  readonly inclusive?: boolean;
  readonly origin?: string;
  readonly values?: readonly unknown[];
  readonly format?: string;
  readonly options?: readonly unknown[];
  readonly note?: string;
  readonly discriminator?: string;
  readonly message?: string;
}

function sizeBound(iss: RawIssue, small: boolean): string {
  const bound = small ? iss.minimum : iss.maximum;
  const rel = small
    ? iss.inclusive === false
      ? 'more than'
      : 'at least'
    : iss.inclusive === false
      ? 'fewer than'
      : 'at most';
  const op = small ? (iss.inclusive === false ? '>' : '≥') : iss.inclusive === false ? '<' : '≤';
  switch (iss.origin) {
    case 'array':
    case 'set':
      return `expected ${rel} ${String(bound)} item${bound === 1 ? '' : 's'}, got ${Array.isArray(iss.input) ? iss.input.length : showValue(iss.input)}`;
    case 'string':
      return `expected ${rel} ${String(bound)} character${bound === 1 ? '' : 's'}, got ${showValue(iss.input)}`;
    default: {
      const noun = isInteger(iss.inst) ? 'an integer' : 'a number';
      const b = boundsOf(iss.inst);
      return `expected ${noun} ${b || `${op} ${String(bound)}`}, got ${showValue(iss.input)}`;
    }
  }
}

/**
 * The message (without the path) for one raw zod issue; undefined to let zod's default stand. Used as the
 * per-parse `error` map, so it must never throw.
 */
export function issueMessage(iss: RawIssue): string | undefined {
  try {
    switch (iss.code) {
      case 'invalid_type': {
        const expected = describeExpected(iss.inst, iss.expected);
        if (iss.input === undefined) {
          // Costs are never implied: say how to write zero cost out loud.
          if (iss.path?.join('.') === 'backtest.costs')
            return `required: expected ${expected}; write costs: { kind: none } for zero cost or e.g. costs: { kind: proportional, bps: 10 }`;
          return `required: expected ${expected}`;
        }
        return `expected ${expected}, got ${showValue(iss.input)}`;
      }
      case 'too_small':
        return sizeBound(iss, true);
      case 'too_big':
        return sizeBound(iss, false);
      case 'invalid_value': {
        const allowed = (iss.values ?? []).map((v) => JSON.stringify(v));
        const candidates = (iss.values ?? []).filter((v): v is string => typeof v === 'string');
        const one = allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`;
        return `expected ${one}, got ${showValue(iss.input)}${didYouMean(iss.input, candidates)}`;
      }
      case 'invalid_format':
        if (iss.format === 'date') return `expected a date YYYY-MM-DD, got ${showValue(iss.input)}`;
        if (iss.format === 'regex') return `has the wrong form, got ${showValue(iss.input)}`;
        return `expected a ${iss.format ?? 'value'} string, got ${showValue(iss.input)}`;
      case 'not_multiple_of':
        return `expected a multiple of ${String((iss as { divisor?: unknown }).divisor)}, got ${showValue(iss.input)}`;
      case 'invalid_union': {
        if (iss.discriminator !== undefined) {
          const options = (iss.options ?? []).map(String);
          const what = kindUnionLabels.get(iss.inst as object) ?? iss.discriminator;
          const isKind = kindUnionLabels.has(iss.inst as object);
          const value =
            iss.input !== null && typeof iss.input === 'object'
              ? (iss.input as Record<string, unknown>)[iss.discriminator]
              : undefined;
          if (iss.input === null || typeof iss.input !== 'object' || Array.isArray(iss.input)) {
            return `expected a mapping with ${iss.discriminator}: ${options.join(' | ')}, got ${showValue(iss.input)}`;
          }
          if (value === undefined)
            return `required: expected ${isKind ? `a ${what} kind, ` : ''}one of ${options.join(', ')}`;
          return `unknown ${isKind ? `${what} kind` : iss.discriminator} ${showValue(value)}${didYouMean(value, options)} (available: ${options.join(', ')})`;
        }
        return unionMessage(iss);
      }
      case 'unrecognized_keys':
        return undefined; // expanded to one problem per key by `problemsOf`
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** The keys a strict object schema allows (for unknown-key suggestions). */
export function allowedKeys(inst: unknown): string[] {
  const shape = defOf(inst)?.['shape'];
  return shape !== null && typeof shape === 'object' ? Object.keys(shape) : [];
}

/**
 * One line per problem, `path: message`, from a failed safeParse run with `issueMessage` as its error map.
 * `movedKeys` maps a top-level key that lives elsewhere to the sentence saying where (it is suggested as
 * "strategies").
 */
export function problemsOf(
  error: z.ZodError,
  unknownKeyAllowed: (path: readonly PropertyKey[]) => string[],
  movedKeys: Readonly<Record<string, string>> = {},
): string[] {
  const out: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = unknownKeyAllowed(issue.path);
      for (const key of issue.keys) {
        const moved = issue.path.length === 0 && Object.hasOwn(movedKeys, key) ? movedKeys[key] : undefined;
        if (moved !== undefined) {
          out.push(`${formatPath(issue.path)}: unknown key "${key}"; did you mean "strategies"? ${moved}`);
          continue;
        }
        const hint = didYouMean(key, allowed);
        const list = hint === '' && allowed.length > 0 ? `; allowed keys: ${allowed.join(', ')}` : '';
        out.push(`${formatPath(issue.path)}: unknown key "${key}"${hint}${list}`);
      }
      continue;
    }
    out.push(`${formatPath(issue.path)}: ${issue.message}`);
  }
  return out;
}
