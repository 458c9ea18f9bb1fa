/**
 * Search spaces as data: each parameter is a plain object, so a space can live in a study file, be hashed and be
 * sent to a worker. `float` and `int` may be searched in log scale; `int` may have a step; `categorical` picks one
 * of its choices. Validation (one line per problem, with the fix) happens once in `validateSpace`.
 */
import { usageError } from '../core/index.ts';

export type Choice = string | number | boolean;

export interface FloatParam {
  readonly kind: 'float';
  readonly low: number;
  readonly high: number;
  /** Search log(x) uniformly / with log-scale kernels (needs low > 0). */
  readonly log?: boolean;
}
export interface IntParam {
  readonly kind: 'int';
  readonly low: number;
  readonly high: number;
  readonly log?: boolean;
  /** Spacing of the values low, low + step, …, high (default 1; must divide high − low; 1 when log). */
  readonly step?: number;
}
export interface CategoricalParam {
  readonly kind: 'categorical';
  readonly choices: readonly Choice[];
}
export type ParamSpec = FloatParam | IntParam | CategoricalParam;
export type SearchSpace = Readonly<Record<string, ParamSpec>>;
/** One point of a space: parameter name → value (numbers for float/int, one of the choices for categorical). */
export type Params = Readonly<Record<string, Choice>>;

/** Every rule broken by `space`, one line each (empty when valid). */
export function spaceProblems(space: SearchSpace): string[] {
  const out: string[] = [];
  const names = Object.keys(space);
  if (names.length === 0)
    out.push('space has no parameters; add at least one, e.g. lr: { kind: float, low: 0.001, high: 0.1 }');
  for (const name of names) {
    const p = space[name]!;
    const at = `space.${name}`;
    if (p.kind === 'categorical') {
      if (p.choices.length === 0) out.push(`${at}: choices must not be empty; list at least one value`);
      if (new Set(p.choices).size !== p.choices.length)
        out.push(`${at}: choices must be distinct, got ${JSON.stringify(p.choices)}`);
      continue;
    }
    if (!(Number.isFinite(p.low) && Number.isFinite(p.high) && p.low < p.high)) {
      out.push(
        `${at}: needs finite low < high, got low ${p.low}, high ${p.high}; for a fixed value leave it out of the space`,
      );
      continue;
    }
    if (p.log && !(p.low > 0))
      out.push(`${at}: log scale needs low > 0, got ${p.low}; use e.g. low: ${p.kind === 'int' ? 1 : 1e-6}`);
    if (p.kind === 'int') {
      const step = p.step ?? 1;
      if (!Number.isInteger(p.low) || !Number.isInteger(p.high))
        out.push(`${at}: int bounds must be integers, got ${p.low}..${p.high}`);
      else if (!(Number.isInteger(step) && step >= 1)) out.push(`${at}: step must be an integer ≥ 1, got ${step}`);
      else if (p.log && step !== 1) out.push(`${at}: log scale needs step 1, got ${step}; drop step or log`);
      else if ((p.high - p.low) % step !== 0)
        out.push(
          `${at}: high − low = ${p.high - p.low} is not a multiple of step ${step}; use high: ${p.high - ((p.high - p.low) % step)}`,
        );
    }
  }
  return out;
}

/** Throws a usage error listing every problem of `space`; returns it unchanged when valid. */
export function validateSpace<S extends SearchSpace>(space: S): S {
  const problems = spaceProblems(space);
  if (problems.length > 0) throw usageError(problems.join('\n'));
  return space;
}

/** The values an int parameter can take, in order. */
export function intValues(p: IntParam): number[] {
  const step = p.step ?? 1;
  const out: number[] = [];
  for (let v = p.low; v <= p.high; v += step) out.push(v);
  return out;
}

/** Does `value` belong to parameter `p`? (Used to refuse foreign params in `tell`.) */
export function inSpace(p: ParamSpec, value: unknown): boolean {
  if (p.kind === 'categorical') return p.choices.includes(value as Choice);
  if (typeof value !== 'number' || !(value >= p.low && value <= p.high)) return false;
  return p.kind === 'float' || (Number.isInteger(value) && (value - p.low) % (p.step ?? 1) === 0);
}
