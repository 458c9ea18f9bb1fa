/**
 * What the report and the run folder show of strategies that are not forecasters: how far their weights are from
 * 1/N, and the training curves rl-agent strategies put on their refit decisions. Shared by the plain backtest step
 * and the strategy job (ml-job.ts), so an agent reads the same beside an ML strategy as on its own.
 */
import { l1FromEqualWeight } from '../metrics/index.ts';
import type { BacktestResult } from '../backtest/index.ts';
import type { AgentTrainingCurve } from './model.ts';

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
