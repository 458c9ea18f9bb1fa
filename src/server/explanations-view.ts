/**
 * What the run page shows of a run's explanations.json (several MB: Σ and SHAP records per decision): per ML
 * strategy, the global importance of each feature (mean |SHAP| over every explained asset and decision, in forecast
 * units) and the latest distillation of the model (fidelity R² and rules). Computed on request, a few KB out.
 */
import { globalImportance, type ForecastExplanation } from '../explain/index.ts';
import type { ExplanationsArtefact } from '../report/index.ts';

export interface StrategyExplanationView {
  readonly strategy: string;
  readonly model: string;
  readonly decisions: number;
  readonly explained: number;
  /** Features by mean |SHAP|, largest first (at most `top`). */
  readonly importance: readonly { readonly feature: string; readonly meanAbsShap: number }[];
  readonly distill: { readonly date: string; readonly fidelity: number; readonly rules: readonly string[] } | null;
}

export function explanationsView(a: ExplanationsArtefact, top = 12): StrategyExplanationView[] {
  return Object.entries(a.strategies).map(([strategy, s]) => {
    const records = s.decisions.map((d) => d.explain).filter((e): e is ForecastExplanation => e !== undefined);
    const g = globalImportance(records, s.featureNames.length);
    const importance = g
      .map((v, j) => ({ feature: s.featureNames[j] ?? `#${j}`, meanAbsShap: v }))
      .sort((x, y) => y.meanAbsShap - x.meanAbsShap)
      .slice(0, top);
    const last = [...s.decisions].reverse().find((d) => d.distill !== undefined);
    return {
      strategy,
      model: s.model,
      decisions: s.decisions.length,
      explained: records.length,
      importance,
      distill: last?.distill ? { date: last.date, fidelity: last.distill.fidelity, rules: last.distill.rules } : null,
    };
  });
}
