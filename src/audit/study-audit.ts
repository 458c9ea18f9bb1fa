/**
 * `auditStudy`: the look-ahead audit of every strategy AND every baseline a study runs — its `baselines:`, or the
 * default 1/N and 60/40 when it names none (strategies/baselines.ts, the source the study runner uses) — on the
 * study's data, with the study's missing-data policy applied inside every perturbed run.
 */
import type { FindingDraft } from '../core/index.ts';
import { applyMissingPolicy } from '../data/index.ts';
import type { IsoDate, MissingDataPolicy, Panel } from '../data/index.ts';
import { inferPeriodsPerYear } from '../backtest/index.ts';
import type { BacktestOptions } from '../backtest/index.ts';
import { createStrategy, defaultBaselines } from '../strategies/index.ts';
import type { StrategySpec } from '../strategies/index.ts';
import { auditBacktest } from './backtest-audit.ts';
import type { BacktestAuditViolation } from './backtest-audit.ts';

export interface StudyAuditInput {
  /** The study's data (universe and dates applied) BEFORE its missing-data policy. */
  readonly panel: Panel;
  readonly records?: unknown;
  /** The study's `data.missing`; applied to each (perturbed) panel before its backtest. */
  readonly missing?: MissingDataPolicy;
  readonly options: BacktestOptions;
  readonly strategies: readonly StrategySpec[];
  /** The study's `baselines:`; undefined → the default baselines. */
  readonly baselines?: readonly StrategySpec[];
  /** The study's master seed (every strategy is built with it, in the base and the perturbed runs alike). */
  readonly seed: number;
}

export interface StrategyAudit {
  readonly strategy: string;
  readonly baseline: boolean;
  readonly ok: boolean;
  readonly checks: number;
  readonly asOf: readonly IsoDate[];
  readonly violations: readonly BacktestAuditViolation[];
}

export interface StudyAuditReport {
  readonly ok: boolean;
  readonly strategies: readonly StrategyAudit[];
  /** Baselines the study would skip (e.g. no 60/40 without equity and bond classes), as the run reports them. */
  readonly findings: readonly FindingDraft[];
}

const label = (s: StrategySpec): string => s.name ?? s.kind;

export function auditStudy(
  input: StudyAuditInput,
  audit: { readonly asOf?: readonly IsoDate[]; readonly seed?: number } = {},
): StudyAuditReport {
  const prepare = (p: Panel): Panel => (input.missing ? applyMissingPolicy(p, input.missing).panel : p);
  // Default baselines are decided on the prepared data, as the runner decides them (asset classes do not depend on
  // values, so the perturbed runs agree).
  const defaults = input.baselines === undefined ? defaultBaselines(prepare(input.panel)) : undefined;
  const specs: { spec: StrategySpec; baseline: boolean }[] = input.strategies.map((spec) => ({
    spec,
    baseline: false,
  }));
  const taken = new Set(specs.map((s) => label(s.spec)));
  for (const b of input.baselines ?? defaults!.baselines) {
    // Same renaming as the runner: a baseline whose label a strategy already has becomes baseline-<label>.
    const spec = taken.has(label(b)) ? { ...b, name: `baseline-${label(b)}` } : b;
    specs.push({ spec, baseline: true });
    taken.add(label(spec));
  }
  const periodsPerYear = input.options.periodsPerYear ?? inferPeriodsPerYear(input.panel.dates);
  const strategies = specs.map(({ spec, baseline }): StrategyAudit => {
    const make = (_p: Panel, records?: unknown) =>
      createStrategy(spec, {
        seed: input.seed,
        periodsPerYear,
        backtest: input.options,
        ...(records === undefined ? {} : { records }),
      });
    const rep = auditBacktest(input.panel, make, input.options, {
      prepare,
      ...(audit.asOf ? { asOf: audit.asOf } : {}),
      ...(audit.seed === undefined ? {} : { seed: audit.seed }),
      ...(input.records === undefined ? {} : { records: input.records }),
    });
    return {
      strategy: label(spec),
      baseline,
      ok: rep.ok,
      checks: rep.checks,
      asOf: rep.asOf,
      violations: rep.violations,
    };
  });
  return { ok: strategies.every((s) => s.ok), strategies, findings: defaults?.skipped ?? [] };
}

/** One clause naming what changed and, where the cause is known, why and the fix. */
export function describeViolation(v: BacktestAuditViolation): string {
  const what = `${v.path} went from ${String(v.before)} to ${String(v.after)}`;
  if (v.mode === 'same-bar')
    return `with the bar of its decision on ${v.bar} garbled (fill: same-close fills at the close that decision may not know) ${what}; use fill: next-close or next-open`;
  const how = `after ${v.asOf} (${v.mode === 'garbage' ? 'garbage' : 'deleted'})`;
  if (v.path.startsWith('$.assets'))
    return `${how} the asset universe at ≤ ${v.asOf} changed: ${what} — the data preparation decided which assets exist from later data (data.missing drop-assets drops an asset from its whole history for a later gap); use { policy: forward-fill, limit: N } or drop-dates`;
  return `${how} ${what}`;
}
