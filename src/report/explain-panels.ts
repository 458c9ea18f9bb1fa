/**
 * The report's explanation panels beyond mean |SHAP| and the waterfall: the SHAP summary (beeswarm) of the best ML
 * strategy, why its weights changed at the last rebalance (with shadow prices), and the distillation of every ML
 * strategy's refits. Pure functions of the backtest results (deterministic: same run, same bytes).
 */
import type { BacktestResult } from '../backtest/index.ts';
import type { Panel } from '../data/index.ts';
import { KeelError } from '../core/index.ts';
import type { ForecastExplanation } from '../explain/index.ts';
import type { MlDiagnostics, StrategySpec } from '../strategies/index.ts';
import { explainedStrategy } from './explanations.ts';
import type { DistillationPanel, ShapSummary, WhyWeightsTable } from './model.ts';
import { weightChangeAt } from './weight-change.ts';

/** Points kept per feature in the summary plot (evenly spaced over the run: the page stays small). */
const MAX_POINTS = 300;

/** Beeswarm data of one run: its `top` features by mean |SHAP| (absent without explanation records). */
export function shapSummaryOf(label: string, r: BacktestResult, top = 10): ShapSummary | undefined {
  const byFeature = new Map<number, { shap: number[]; x: number[] }>();
  const meanAbs = new Map<number, number>();
  let names: readonly string[] = [];
  let k = 0;
  for (const d of r.decisions) {
    const e = d.diagnostics?.['explain'] as ForecastExplanation | undefined;
    if (!e?.topX) continue;
    names = (d.diagnostics?.['ml'] as MlDiagnostics | undefined)?.featureNames ?? names;
    k = Math.max(k, ...e.top.map((t) => t.length));
    e.meanAbs.forEach((v, j) => meanAbs.set(j, (meanAbs.get(j) ?? 0) + v));
    e.top.forEach((row, i) =>
      row.forEach(([j, v], q) => {
        const f = byFeature.get(j) ?? { shap: [], x: [] };
        f.shap.push(v);
        f.x.push(e.topX![i]![q]!);
        byFeature.set(j, f);
      }),
    );
  }
  if (byFeature.size === 0) return undefined;
  const order = [...byFeature.keys()]
    .sort((a, b) => (meanAbs.get(b) ?? 0) - (meanAbs.get(a) ?? 0) || a - b)
    .slice(0, top);
  return {
    model: label,
    topPerRow: k,
    features: order.map((j) => {
      const f = byFeature.get(j)!;
      const step = Math.max(1, f.shap.length / MAX_POINTS);
      const keep = Array.from({ length: Math.min(MAX_POINTS, f.shap.length) }, (_, i) => Math.floor(i * step));
      const x = keep.map((i) => f.x[i]!);
      const sorted = x.slice().sort((a, b) => a - b);
      const rank = (v: number): number => {
        if (sorted.length < 2) return 0.5;
        let lo = 0;
        while (lo < sorted.length && sorted[lo]! < v) lo++;
        let hi = lo;
        while (hi < sorted.length && sorted[hi]! === v) hi++;
        return (lo + hi - 1) / 2 / (sorted.length - 1);
      };
      return { name: names[j] ?? `x${j}`, shap: keep.map((i) => f.shap[i]!), valueRank: x.map(rank) };
    }),
  };
}

/** The run's last weight change (undefined before two decisions; the reason when its method cannot be recomputed). */
export function whyWeightsOf(
  label: string,
  spec: StrategySpec,
  r: BacktestResult,
  panel: Panel,
): WhyWeightsTable | { readonly model: string; readonly unavailable: string } | undefined {
  const s = explainedStrategy(panel, spec, r);
  if (!s || s.decisions.length < 2) return undefined;
  let w;
  try {
    w = weightChangeAt(s, s.decisions.length - 1);
  } catch (e) {
    if (e instanceof KeelError) return { model: label, unavailable: e.message };
    throw e;
  }
  const c = w.change;
  return {
    model: label,
    method: s.portfolio.method,
    from: w.from,
    to: w.to,
    meaning: { drift: w.meaning.drift, forecasts: w.meaning.forecasts, risk: w.meaning.risk },
    zeroByConstruction: w.meaning.zeroByConstruction,
    maxResidual: c.maxResidual,
    rows: s.universe.map((asset, a) => ({
      asset,
      before: c.before[a]!,
      after: c.after[a]!,
      deltaW: c.deltaW[a]!,
      drift: c.parts.drift[a]!,
      forecasts: c.parts.forecasts[a]!,
      risk: c.parts.risk[a]!,
      constraints: c.parts.constraints[a]!,
    })),
    binding: w.binding,
    shadowPrices: w.shadow.available
      ? { source: w.shadow.source, prices: w.shadow.prices.map((p) => ({ ...p, assets: [...p.assets] })) }
      : { unavailable: w.shadow.reason },
  };
}

/** Every refit's distillation fidelity, and the latest tree's rules, of the given runs (undefined if none). */
export function distillationOf(
  runs: readonly { label: string; result: BacktestResult }[],
): DistillationPanel | undefined {
  const windows: { model: string; fitDate: string; n: number; fidelity: number }[] = [];
  const latest: { model: string; fitDate: string; fidelity: number; rules: string[] }[] = [];
  for (const { label, result } of runs) {
    let last: (typeof latest)[number] | undefined;
    for (const d of result.decisions) {
      const t = d.diagnostics?.['distill'] as { fidelity: number; rules: string[]; n: number } | undefined;
      if (!t) continue;
      const fitDate = (d.diagnostics?.['ml'] as MlDiagnostics | undefined)?.fitDate ?? result.dates[d.dateIndex]!;
      windows.push({ model: label, fitDate, n: t.n, fidelity: t.fidelity });
      last = { model: label, fitDate, fidelity: t.fidelity, rules: [...t.rules] };
    }
    if (last) latest.push(last);
  }
  return windows.length > 0 ? { windows, latest } : undefined;
}
