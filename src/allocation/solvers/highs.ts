/**
 * HiGHS (LP / MILP, WebAssembly) behind a tiny LP-text builder. The wasm module is loaded once at import time
 * (top-level await, ~40 ms, from node_modules: no network). Used for the CVaR LP and the integer programme of
 * discrete allocation; the QPs use the exact active-set solver instead (HiGHS' QP stalls on raw daily covariances,
 * see DEPENDENCIES.md).
 */
import highsModule, { type LegacyHighs } from 'highs';
import { numericError } from '../../core/index.ts';

// The package is CommonJS-typed with an ESM build: at runtime the default import is the loader itself, while the
// type checker sees the module object; accept either.
const loadHighs = ((highsModule as unknown as { default?: unknown }).default ??
  highsModule) as () => Promise<LegacyHighs>;
const highs = await loadHighs();

export interface LpTerm {
  readonly v: string;
  readonly c: number;
}
export interface LpRow {
  readonly name: string;
  readonly terms: readonly LpTerm[];
  readonly lo: number;
  readonly hi: number;
}
export interface LpModel {
  readonly sense: 'min' | 'max';
  readonly objective: readonly LpTerm[];
  readonly rows: readonly LpRow[];
  /** Variable bounds; variables not listed are ≥ 0 (LP default). */
  readonly bounds: Readonly<Record<string, readonly [number, number]>>;
  readonly integers?: readonly string[];
}

const num = (x: number): string => {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return String(x);
};

function expr(terms: readonly LpTerm[]): string {
  if (terms.length === 0) return '0 x__zero';
  return terms
    .filter((t) => t.c !== 0)
    .map((t, k) => `${t.c < 0 ? '- ' : k === 0 ? '' : '+ '}${num(Math.abs(t.c))} ${t.v}`)
    .join(' ');
}

export function toLpText(m: LpModel): string {
  const lines: string[] = [m.sense === 'min' ? 'Minimize' : 'Maximize', ` obj: ${expr(m.objective)}`, 'Subject To'];
  for (const r of m.rows) {
    const e = expr(r.terms);
    if (r.lo === r.hi) lines.push(` ${r.name}: ${e} = ${num(r.lo)}`);
    else {
      if (Number.isFinite(r.lo)) lines.push(` ${r.name}_lo: ${e} >= ${num(r.lo)}`);
      if (Number.isFinite(r.hi)) lines.push(` ${r.name}_hi: ${e} <= ${num(r.hi)}`);
    }
  }
  lines.push('Bounds');
  for (const [v, [lo, hi]] of Object.entries(m.bounds)) {
    if (!Number.isFinite(lo) && !Number.isFinite(hi)) lines.push(` ${v} free`);
    else lines.push(` ${num(lo)} <= ${v} <= ${num(hi)}`);
  }
  if (m.integers && m.integers.length > 0) lines.push('General', ` ${m.integers.join(' ')}`);
  lines.push('End');
  return lines.join('\n');
}

export interface LpSolution {
  readonly status: string;
  readonly objective: number;
  readonly value: (v: string) => number;
}

/** Solve; throws a numericError unless HiGHS reports Optimal (infeasible → caller-friendly message via `status`). */
export function solveLp(m: LpModel, options: { timeLimitSeconds?: number; mipRelGap?: number } = {}): LpSolution {
  const sol = highs.solve(toLpText(m), {
    output_flag: false,
    time_limit: options.timeLimitSeconds ?? 30,
    ...(options.mipRelGap === undefined ? {} : { mip_rel_gap: options.mipRelGap }),
  });
  const cols = sol.Columns as Record<string, { Primal?: number }>;
  return {
    status: sol.Status,
    objective: sol.ObjectiveValue,
    value: (v) => {
      const c = cols[v];
      if (!c || c.Primal === undefined) throw numericError(`HiGHS returned no value for ${v} (status ${sol.Status}).`);
      return c.Primal;
    },
  };
}
