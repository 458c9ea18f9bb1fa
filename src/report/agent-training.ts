/**
 * What the report and the run folder show of strategies that are not forecasters: how far their weights are from
 * 1/N, and the training curves rl-agent strategies put on their refit decisions. Shared by the plain backtest step
 * and the strategy job (ml-job.ts), so an agent reads the same beside an ML strategy as on its own.
 */
import { l1FromEqualWeight } from '../metrics/index.ts';
import type { BacktestResult } from '../backtest/index.ts';
import { memberName, membersOf } from '../strategies/index.ts';
import type { AgentMembersTable, AgentTrainingCurve, MemberFigures } from './model.ts';

/** Mean L1 distance of the post-trade weights from 1/N over the invested dates (after the first fill). */
export function distanceFromEqualWeight(r: BacktestResult): number {
  return l1FromEqualWeight(r.weights, r.assets.length, Math.max(0, r.firstFillIndex));
}

export interface RlTrainingRecord {
  readonly fitDate: string;
  readonly decisionDate: string;
  readonly agents: readonly { readonly seed: number; readonly episodeReturns: readonly number[] }[];
  /** The first training decision date and the steps per training episode (rl-agent refits). */
  readonly trainFrom?: string;
  readonly trainSteps?: number;
}

/** Training curves an rl-agent strategy put on its refit decisions (`diagnostics.rl.training`). */
export function rlTraining(r: BacktestResult): RlTrainingRecord[] {
  const out: RlTrainingRecord[] = [];
  for (const d of r.decisions) {
    const rl = d.diagnostics?.['rl'] as
      { fitDate: string; training?: RlTrainingRecord['agents']; trainFrom?: string; trainSteps?: number } | undefined;
    if (!rl?.training) continue;
    const span = rl.trainFrom === undefined ? {} : { trainFrom: rl.trainFrom, trainSteps: rl.trainSteps! };
    out.push({ fitDate: rl.fitDate, decisionDate: r.dates[d.dateIndex]!, agents: rl.training, ...span });
  }
  return out;
}

/**
 * `<strategy>/agent-weights.csv` of an rl-agent ensemble, full precision: at each decision the ensemble's target
 * (agent `<strategy>`), then each agent's allocation on the ensemble's observation (`<strategy>#k`), whose mean the
 * target is; '' for other strategies.
 */
export function agentWeightsCsv(strategy: string, r: BacktestResult): string {
  const lines: string[] = [];
  for (const d of r.decisions) {
    const rl = d.diagnostics?.['rl'] as { agentWeights?: readonly (readonly number[])[] } | undefined;
    if (!rl?.agentWeights) continue;
    const date = r.dates[d.dateIndex]!;
    r.assets.forEach((a, i) => lines.push(`${date},${strategy},${a},${d.target[i]}`));
    rl.agentWeights.forEach((w, k) =>
      r.assets.forEach((a, i) => lines.push(`${date},${memberName(strategy, k)},${a},${w[i]}`)),
    );
  }
  return lines.length === 0 ? '' : `date,agent,asset,weight\n${lines.join('\n')}\n`;
}

/** Per refit of an rl-agent strategy: the mean over its agents of the return of each training episode. */
export function agentCurves(strategy: string, r: BacktestResult): AgentTrainingCurve[] {
  return rlTraining(r).map((f) => {
    const eps = f.agents[0]?.episodeReturns.length ?? 0;
    const mean = Array.from({ length: eps }, (_, i) => {
      let s = 0;
      for (const a of f.agents) s += a.episodeReturns[i] ?? NaN;
      return s / f.agents.length;
    });
    return { strategy, fitDate: f.fitDate, agents: f.agents.length, episodeReturns: mean };
  });
}

/** A backtest's headline figures as a row of the agents table. */
function figuresOf(name: string, r: BacktestResult): MemberFigures {
  const m = r.metrics;
  return {
    name,
    annualReturn: m.annualizedReturn,
    volatility: m.annualizedVolatility,
    sharpe: m.sharpe,
    maxDrawdown: m.maxDrawdown,
    turnover: m.turnover ?? NaN,
    l1FromEqualWeight: distanceFromEqualWeight(r),
  };
}

/** Each agent of an rl-agent ensemble acting alone (`<name>#k`), as figures; [] for other strategies. */
export function memberRows(r: BacktestResult): MemberFigures[] {
  return membersOf(r).map((m) => figuresOf(m.name, m.result));
}

/** The ensemble beside its agents, for the report ([] when the strategy has no members). */
export function agentMembers(strategy: string, r: BacktestResult): AgentMembersTable[] {
  const members = memberRows(r);
  return members.length === 0 ? [] : [{ strategy, ensemble: figuresOf(strategy, r), members }];
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a');
const fix = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

/**
 * The terminal lines of the agents tables: each ensemble, then its agents acting alone, indented. The agents are
 * the K trials the ensemble already counts in the deflated Sharpe; they add none.
 */
export function formatAgentMembers(tables: readonly AgentMembersTable[]): string[] {
  if (tables.length === 0) return [];
  const rows = tables.flatMap((t) => [t.ensemble, ...t.members.map((m) => ({ ...m, name: `  ${m.name}` }))]);
  const w = Math.max(8, ...rows.map((r) => r.name.length));
  const head = `${'agents'.padEnd(w)}  ${'return/yr'.padStart(9)}  ${'vol/yr'.padStart(7)}  ${'Sharpe'.padStart(6)}  ${'max DD'.padStart(7)}  ${'turnover'.padStart(8)}  ${'L1-1/N'.padStart(6)}`;
  return [
    head,
    ...rows.map(
      (r) =>
        `${r.name.padEnd(w)}  ${pct(r.annualReturn).padStart(9)}  ${pct(r.volatility).padStart(7)}  ${fix(r.sharpe).padStart(6)}  ${pct(r.maxDrawdown).padStart(7)}  ${fix(r.turnover).padStart(8)}  ${fix(r.l1FromEqualWeight).padStart(6)}`,
    ),
    '(each agent of an ensemble acting alone on its own book, same trained policies and costs; not extra trials)',
  ];
}
