/**
 * A study, loaded for trading: its market (universe and dates applied), the strategy that trades (the study's
 * `trading.strategy`, else its first) built exactly as the backtest step builds it (same seed and env), the
 * rebalancing rule, the backtest settings (costs, fill timing) and the guardrails. A decision at `asOf` sees
 * `panel.upTo(asOf)` with the missing-data policy applied to that slice only, so nothing dated later reaches it.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { configError, dataError, type FindingDraft } from '../core/index.ts';
import {
  parseStudyText,
  strategyLabel,
  type Study,
  type TradingOrders,
  type TradingSection,
  tradingOrdersSchema,
  tradingSectionSchema,
} from '../config/index.ts';
import { applyMissingPolicy, type Panel } from '../data/index.ts';
import { readStudyFile } from '../io/index.ts';
import { allocationFindings } from '../allocation/index.ts';
import {
  createRebalanceRule,
  inferPeriodsPerYear,
  type BacktestOptions,
  type Decision,
  type RebalanceRule,
  type Strategy,
} from '../backtest/index.ts';
import { backtestOptionsFrom, createStrategy, type StrategySpec } from '../strategies/index.ts';
import { deriveSeed, loadUnpreparedMarket } from '../study/index.ts';
import { createGuardrails, type Guardrails } from './guardrails.ts';

export interface TradingStudy {
  readonly path: string;
  readonly study: Study;
  readonly panel: Panel;
  readonly options: BacktestOptions;
  readonly strategyName: string;
  readonly seed: number;
  readonly rule: RebalanceRule;
  readonly trading: TradingSection;
  readonly guardrails: Guardrails;
  /** Valuation prices (the backtest's price field), nDates × nAssets. */
  readonly close: Float64Array;
  /** The strategy's decision at row `t` given the drifted weights (the view holds rows ≤ t only). */
  decide(t: number, drifted: Float64Array): { decision: Decision; findings: FindingDraft[] };
  /** Row of `date` in the calendar, or a one-line error naming the calendar's range. */
  indexOf(date: string, what: string): number;
}

/** Settings that cannot work together are refused when the study is loaded (one line, exit 2). */
function checkTrading(studyPath: string, trading: TradingSection): void {
  if (trading.execution.algorithm !== 'none' && trading.orders.type !== 'market')
    throw configError(
      `${studyPath}: trading.execution.algorithm ${trading.execution.algorithm} slices market orders into intraday children, but trading.orders.type is ${trading.orders.type}; set orders.type: market or execution.algorithm: none`,
    );
}

/**
 * The study with `trading.orders` settings given on the command line (`--lot-size`, `--min-trade-value`,
 * `--order-type`, `--limit-collar-bps`) in place of the study's.
 */
export function withOrderSettings(
  ts: TradingStudy,
  over: { readonly [K in keyof TradingOrders]?: TradingOrders[K] | undefined },
): TradingStudy {
  const given = Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined));
  if (Object.keys(given).length === 0) return ts;
  const parsed = tradingOrdersSchema.safeParse({ ...ts.trading.orders, ...given });
  if (!parsed.success)
    throw configError(
      `order settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const trading = { ...ts.trading, orders: parsed.data };
  checkTrading(ts.path, trading);
  return { ...ts, trading };
}

export async function loadTradingStudy(studyPath: string): Promise<TradingStudy> {
  const { text } = readStudyFile(studyPath);
  const study = parseStudyText(text, studyPath);
  const specs = study.strategies as unknown as StrategySpec[];
  if (specs.length === 0)
    throw configError(`${studyPath}: the study lists no strategies; trading needs one under strategies:`);
  const trading = study.trading ?? tradingSectionSchema.parse({});
  checkTrading(studyPath, trading);
  const spec = trading.strategy
    ? specs.find((s) => strategyLabel(s) === trading.strategy || s.kind === trading.strategy)
    : specs[0];
  if (!spec)
    throw configError(
      `trading.strategy "${trading.strategy}" is not a strategy of ${studyPath}; use one of ${specs.map((s) => strategyLabel(s)).join(', ')}`,
    );
  const options = backtestOptionsFrom(study.backtest);
  const baseDir = dirname(resolve(studyPath));
  const { panel } = await loadUnpreparedMarket(study.data, study.seed, (p) =>
    isAbsolute(p) ? p : resolve(baseDir, p),
  );
  const name = strategyLabel(spec);
  const seed = deriveSeed(study.seed, `strategy:${name}`);
  const periodsPerYear =
    study.report.periodsPerYear ?? study.backtest?.periodsPerYear ?? inferPeriodsPerYear(panel.dates);
  const env = { name, seed, periodsPerYear };
  let strategy: Strategy | null = null;
  const rule = createRebalanceRule((spec['rebalance'] as never) ?? options.rebalance ?? 'monthly', panel.dates);
  const close = panel.field(options.priceField ?? 'close');
  const indexOf = (date: string, what: string): number => {
    const i = panel.dates.indexOf(date);
    if (i < 0)
      throw dataError(
        `${what} ${date} is not a date of the study's data (${panel.dates[0]} … ${panel.dates.at(-1)}); use a trading date, e.g. ${panel.dates[panel.lastIndexOnOrBefore(date)] ?? panel.dates[0]}`,
      );
    return i;
  };
  return {
    path: resolve(studyPath),
    study,
    panel,
    options,
    strategyName: name,
    seed,
    rule,
    trading,
    guardrails: createGuardrails(trading.limits),
    close,
    indexOf,
    decide(t, drifted) {
      strategy ??= createStrategy(spec, env);
      const asOf = panel.dates[t]!;
      let view = panel.upTo(asOf);
      if (study.data.missing) view = applyMissingPolicy(view, study.data.missing).panel;
      const decision = strategy.decide(view, { asOf, t, previousWeights: drifted.slice(), seed });
      const w = decision.weights;
      if (!(w instanceof Float64Array) || w.length !== panel.nAssets)
        throw dataError(`strategy ${name} returned ${w?.length ?? 'no'} weights on ${asOf}, expected ${panel.nAssets}`);
      for (let a = 0; a < w.length; a++)
        if (!Number.isFinite(w[a]!))
          throw dataError(`strategy ${name} returned a non-finite weight for ${panel.assets[a]} on ${asOf} (${w[a]})`);
      const findings: FindingDraft[] = [
        ...(decision.allocation ? allocationFindings(decision.allocation) : []),
        ...(decision.findings ?? []),
      ];
      return { decision, findings };
    },
  };
}
