/**
 * Step `backtest`: every strategy of the study (and the baselines) through the walk-forward engine under the same
 * settings and costs. Strategies are built from `strategyKinds` by kind, so a new strategy kind needs no change
 * here. Per strategy it writes `<name>/{ledger.csv,nav.csv,weights.csv,metrics.json}`; the headline figures of all
 * strategies go to metrics.json and summary.json, and each result to `ctx.state.extra.backtests` for later steps
 * (report).
 *
 * Default baselines (when the study has no `baselines:`): 1/N (`equal-weight`) and a 60/40 mix of the equity and
 * bond assets (by asset class) when the data has both (strategies/baselines.ts, shared with the ML job); a default
 * that cannot run is a `baseline-skipped` finding.
 */
import { configError } from '../../core/index.ts';
import type { Panel } from '../../data/index.ts';
import {
  backtestArtefacts,
  metricsObject,
  runBacktest,
  type BacktestOptions,
  type BacktestResult,
  type Strategy,
} from '../../backtest/index.ts';
import {
  configurationsTried,
  defaultBaselines,
  strategyKinds,
  type BaselineUniverse,
  type StrategyEnv,
} from '../../strategies/index.ts';
import { activeDeflatedSharpe, distanceFromEqualWeight, rlTraining } from '../../report/index.ts';
import { strategyFolder, strategyLabel } from '../../config/index.ts';
import type { PanelLike, RunContext, StudyStep } from '../context.ts';
import { resolvePeriodsPerYear } from './calendar.ts';

/** A strategy name as a folder name: "1/N" → "1-N" (config's `strategyFolder`; validation keeps them unique). */
export const folderName = strategyFolder;

/** A strategy spec from the study: `{ kind, name?, ...params }`. */
type StrategySpec = { readonly kind: string; readonly name?: string } & Record<string, unknown>;

export interface StrategyRun {
  readonly name: string;
  readonly kind: string;
  readonly baseline: boolean;
  readonly result: BacktestResult;
  readonly spec?: StrategySpec;
}

function baselinesFor(ctx: RunContext, panel: PanelLike): readonly StrategySpec[] {
  const given = ctx.study.baselines as StrategySpec[] | undefined;
  if (given) return given;
  const { baselines, skipped } = defaultBaselines(panel as unknown as BaselineUniverse);
  ctx.report(...skipped);
  return baselines as StrategySpec[];
}

function build(spec: StrategySpec, env: StrategyEnv & Record<string, unknown>): Strategy {
  const entry = (strategyKinds as Record<string, { create: (params: unknown, env: unknown) => Strategy }>)[spec.kind];
  if (!entry)
    throw configError(
      `strategy kind "${spec.kind}" is not in this build; available: ${Object.keys(strategyKinds).join(', ')}`,
    );
  const { kind: _kind, name: _name, ...params } = spec;
  return entry.create(params, env);
}

export const backtestStep: StudyStep = {
  name: 'backtest',
  sections: ['backtest', 'strategies', 'baselines'],
  // Studies with an `ml-forecast` strategy run through the ML job step (ml-job.ts), which backtests every strategy
  // of the study, of any kind, beside the forecasters.
  applies: (study) =>
    study.backtest !== undefined && !study.strategies.some((s) => (s as { kind?: unknown }).kind === 'ml-forecast'),
  run(ctx) {
    const panel = ctx.state.panel;
    const settings = ctx.study.backtest;
    if (panel === undefined || settings === undefined) return;
    const specs: { spec: StrategySpec; baseline: boolean }[] = (ctx.study.strategies as StrategySpec[]).map((spec) => ({
      spec,
      baseline: false,
    }));
    // Names and folders the study wrote are unique (validation). The default baselines are not written in the
    // study: one whose name or folder a strategy already uses becomes "baseline-<name>" (again until free).
    const takenNames = new Set(specs.map((s) => strategyLabel(s.spec)));
    const takenFolders = new Set(specs.map((s) => strategyFolder(strategyLabel(s.spec)).toLowerCase()));
    const free = (label: string) => !takenNames.has(label) && !takenFolders.has(strategyFolder(label).toLowerCase());
    const baselines = baselinesFor(ctx, panel);
    for (const b of baselines) {
      let label = strategyLabel(b);
      while (!free(label)) label = `baseline-${label}`;
      if (label !== strategyLabel(b))
        ctx.report({
          severity: 'info',
          kind: 'baseline-renamed',
          message: `the default baseline ${strategyLabel(b)} runs as "${label}" (folder ${strategyFolder(label)}/): a strategy of the study already uses its name or folder`,
          fix: 'rename the strategy, or list the baselines under baselines: with names of your choice',
        });
      specs.push({ spec: label === strategyLabel(b) ? b : { ...b, name: label }, baseline: true });
      takenNames.add(label);
      takenFolders.add(strategyFolder(label).toLowerCase());
    }
    if (specs.length === 0)
      throw configError('backtest: the study names no strategies and no baselines; add strategies: [...]');

    // The deflated Sharpe must count every configuration this study tried: each strategy and baseline is one, an
    // rl-agent with seeds: K is K (configurationsTried, as the ML job counts them).
    const tried = configurationsTried(specs.map((s) => s.spec));
    const nTrials = Math.max((settings as { nTrials?: number }).nTrials ?? 1, tried);
    const periodsPerYear = resolvePeriodsPerYear(ctx, panel, 'backtest');
    const options = { ...(settings as unknown as BacktestOptions), nTrials, periodsPerYear };
    ctx.log(`backtest: ${tried} configurations tried; the deflated Sharpe ratios use nTrials = ${nTrials}`);
    ctx.state.extra['nTrials'] = nTrials;
    const runs: StrategyRun[] = [];
    specs.forEach(({ spec, baseline }, i) => {
      const name = strategyLabel(spec);
      ctx.progress(i, specs.length, name);
      const seed = ctx.seedFor(`strategy:${name}`);
      const env = {
        name,
        seed,
        periodsPerYear,
        records: ctx.state.records,
        backtest: options,
      };
      const result = runBacktest(panel as unknown as Panel, build(spec, env), { ...options, seed });
      for (const [file, text] of Object.entries(backtestArtefacts(result, `${folderName(name)}/`)))
        ctx.artefacts.writeText(file, text);
      const training = rlTraining(result);
      if (training.length > 0) ctx.artefacts.writeJson(`${folderName(name)}/rl-training.json`, { refits: training });
      ctx.report(...result.findings);
      ctx.log(`backtest ${name}: ${result.ledger.length} orders, final NAV ${result.nav.at(-1)}`);
      runs.push({ name, kind: spec.kind, baseline, result, spec });
    });
    ctx.progress(specs.length, specs.length);
    // DSR of each strategy's daily return in excess of the (first plain) 1/N baseline, nTrials as above.
    const oneOverN = runs.find(
      (r) =>
        r.baseline &&
        r.kind === 'equal-weight' &&
        (r.spec as { targetVolatility?: unknown }).targetVolatility === undefined,
    );
    const vsOneOverN = (r: StrategyRun): Record<string, number> =>
      oneOverN ? { deflatedSharpeVsEqualWeight: activeDeflatedSharpe(r.result, oneOverN.result, nTrials) } : {};
    const metrics = Object.fromEntries(
      runs.map((r) => [
        r.name,
        {
          baseline: r.baseline,
          ...metricsObject(r.result),
          l1FromEqualWeight: distanceFromEqualWeight(r.result),
          ...vsOneOverN(r),
        },
      ]),
    );
    ctx.artefacts.writeJson('metrics.json', { strategies: metrics });
    ctx.state.extra['backtests'] = runs;
    ctx.state.summary['backtest'] = runs.map((r) => ({
      name: r.name,
      baseline: r.baseline,
      metrics: metricsObject(r.result)['metrics'],
      l1FromEqualWeight: distanceFromEqualWeight(r.result),
      ...vsOneOverN(r),
    }));
  },
};
