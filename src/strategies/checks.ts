/**
 * Strategy settings that cannot work on a universe, found before any backtest (a strategy kind's `check`): the
 * study validator calls them when `data.universe` names the assets, and the study runner again right after the
 * data step with the loaded assets and dates. Each problem is one line with the arithmetic and the fix; without
 * these checks the strategy would run as cash (or as its warm-up rule) for the whole study and exit 0.
 */
import { createFeatures, type FeatureSpec } from '../features/index.ts';
import { mlForecastSchema, requiredHistory } from './ml-forecast.ts';
import { sampleWeightsProblem } from './ml/index.ts';
import type { UniverseShape } from './allocator.ts';

/** Portfolio methods that must be fully invested (an optimiser with Σw = 1), unlike the rules that may hold cash. */
const FULLY_INVESTED = new Set(['mean-variance', 'black-litterman']);

export function checkMlForecast(params: unknown, shape: UniverseShape, name = 'ml-forecast'): string[] {
  const parsed = mlForecastSchema.safeParse(params);
  if (!parsed.success) return [];
  const p = parsed.data;
  const out: string[] = [];
  const weights = sampleWeightsProblem(p, name);
  if (weights) out.push(weights);
  const n = p.universe?.length ?? shape.assets?.length;
  const { method, maxWeight } = p.portfolio;
  if (n !== undefined && FULLY_INVESTED.has(method) && n * maxWeight < 1 - 1e-12)
    out.push(
      `strategy ${name}: portfolio: ${n} assets × maxWeight ${maxWeight} = ${Math.round(n * maxWeight * 1e8) / 1e8} < 1, so ${method} cannot invest fully; raise maxWeight to ≥ ${Math.ceil((1 / n) * 1e4) / 1e4} or trade more assets`,
    );
  if (shape.nDates !== undefined) {
    const need = requiredHistory(p, createFeatures(p.features as FeatureSpec[]));
    if (need >= shape.nDates)
      out.push(
        `strategy ${name}: needs ${need} bars of history before its first fit (feature warm-up + horizon ${p.target.horizon} + embargo ${p.embargo} + ${p.minTrainDates} training dates × stride ${p.stride}) but the data has ${shape.nDates} dates, so it would never fit; load more history or lower minTrainDates`,
      );
  }
  return out;
}

/** inverse-volatility: a window that needs more prices than the data has leaves every decision in cash. */
export function checkWindow(params: unknown, shape: UniverseShape, name: string): string[] {
  const w = (params as { window?: unknown }).window;
  if (shape.nDates === undefined || typeof w !== 'number' || w < shape.nDates) return [];
  return [
    `strategy ${name}: window ${w} returns needs ${w + 1} prices but the data has ${shape.nDates} dates, so every decision would hold cash; use window ≤ ${Math.max(2, shape.nDates - 1)} or load more history`,
  ];
}
