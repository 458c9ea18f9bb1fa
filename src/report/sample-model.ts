/** A small, fully populated report model for tests (deterministic, no RNG). Not exported from the door. */
import type { ReportModel, StrategySeries } from './model.ts';

function navPath(n: number, drift: number, wobble: number): number[] {
  const out: number[] = [];
  let v = 1;
  for (let t = 0; t < n; t++) {
    v *= 1 + drift + wobble * Math.sin(t / 7) * Math.cos(t / 17);
    out.push(v);
  }
  return out;
}

export function sampleReportModel(): ReportModel {
  const dates = Array.from(
    { length: 300 },
    (_, t) => `2020-${String(1 + Math.floor(t / 28)).padStart(2, '0')}-${String(1 + (t % 28)).padStart(2, '0')}`,
  );
  const strat = (name: string, baseline: boolean, drift: number): StrategySeries => ({
    name,
    baseline,
    dates,
    nav: navPath(300, drift, 0.01),
    metrics: {
      annualizedReturn: drift * 252,
      annualizedVolatility: 0.1,
      sharpe: (drift * 252) / 0.1,
      deflatedSharpe: 0.4,
      maxDrawdown: -0.12,
      turnover: 1.5,
      costDrag: 0.001,
      totalReturn: 0.3,
      sortino: NaN,
      calmar: 1,
    },
  });
  const rebal = dates.filter((_, i) => i % 21 === 0);
  const months = [...new Set(dates.map((d) => d.slice(0, 7)))];
  return {
    format: 'keel-report',
    version: 1,
    title: 'Sample <report> & test',
    study: 'sample',
    seed: 7,
    nTrials: 6,
    findings: [
      {
        severity: 'warning',
        kind: 'allocator-fallback',
        strategy: 'ML <b>',
        count: 3,
        first: '2021-01-29',
        last: '2021-03-31',
        message: 'min-variance produced the weights instead of max-sharpe',
        fix: 'check the constraints',
      },
    ],
    sections: [
      {
        id: 'universe-4',
        title: 'Four assets',
        strategies: [
          {
            ...strat('ml-linear', false, 0.0004),
            activity: {
              periods: months,
              gross: months.map((_, i) => 1 + 0.05 * (i % 2)),
              net: months.map(() => 0.9),
              turnover: months.map((_, i) => 0.1 + 0.02 * i),
            },
          },
          strat('1/N', true, 0.0002),
          strat('1/N @ 10% vol (volatility-matched)', true, 0.0002),
          strat('60/40', true, 0.00025),
        ],
        benchmark: '1/N',
        weights: {
          strategy: 'ml-linear',
          assets: ['SPX', 'TECH', 'BOND', 'GOLD'],
          dates: rebal,
          weights: rebal.map((_, i) => [0.3, 0.2 + 0.01 * (i % 3), 0.3, 0.1]),
        },
        frontier: {
          asOf: rebal.at(-1)!,
          strategy: 'ml-linear',
          curve: Array.from({ length: 20 }, (_, i) => ({
            risk: 0.05 + i * 0.01,
            ret: 0.02 + 0.08 * Math.sqrt(i / 19),
          })),
          assets: [
            { id: 'SPX', risk: 0.16, ret: 0.08 },
            { id: 'BOND', risk: 0.07, ret: 0.03 },
          ],
          chosen: { risk: 0.1, ret: 0.07 },
        },
        featureImportance: [{ model: 'forest', names: ['mom_21', 'vol_21', 'rsi_14'], values: [0.5, 0.3, 0.2] }],
        shapSummary: {
          model: 'forest',
          topPerRow: 3,
          features: ['mom_21', 'vol_21', 'rsi_14'].map((name, j) => ({
            name,
            shap: Array.from({ length: 60 }, (_, i) => 0.01 * (3 - j) * Math.sin(i * 0.7 + j)),
            valueRank: Array.from({ length: 60 }, (_, i) => ((i * 37 + j * 11) % 60) / 59),
          })),
        },
        whyWeights: {
          model: 'forest',
          method: 'mean-variance',
          from: '2020-09-30',
          to: '2020-10-30',
          meaning: { drift: 'the held weights moving with prices', forecasts: 'μ', risk: 'Σ' },
          zeroByConstruction: [],
          maxResidual: 1e-17,
          rows: [
            {
              asset: 'SPX',
              before: 0.6,
              after: 0.4,
              deltaW: -0.2,
              drift: 0.01,
              forecasts: -0.15,
              risk: -0.03,
              constraints: -0.03,
            },
            {
              asset: 'BOND',
              before: 0.4,
              after: 0.6,
              deltaW: 0.2,
              drift: -0.01,
              forecasts: 0.15,
              risk: 0.03,
              constraints: 0.03,
            },
          ],
          binding: ['BOND at its maximum 0.6'],
          shadowPrices: {
            source: "the active-set QP's KKT multipliers at the final δ",
            prices: [
              { constraint: 'budget', assets: [], limit: 1, value: 0.031 },
              { constraint: 'maximum weight', assets: ['BOND'], limit: 0.6, value: 0.012 },
              { constraint: 'volatility target', assets: [], limit: 0.1, value: 0.4 },
            ],
          },
        },
        distillation: {
          windows: [
            { model: 'forest', fitDate: '2020-06-30', n: 480, fidelity: 0.81 },
            { model: 'forest', fitDate: '2020-12-31', n: 960, fidelity: 0.77 },
          ],
          latest: [
            {
              model: 'forest',
              fitDate: '2020-12-31',
              fidelity: 0.77,
              rules: ['if mom_21 <= 0.1 then -0.002 (n = 500)', 'if mom_21 > 0.1 then 0.004 (n = 460)'],
            },
          ],
        },
        agentTraining: [0, 1].map((k) => ({
          strategy: 'q-learning',
          fitDate: k === 0 ? '2020-06-30' : '2020-12-31',
          agents: 5,
          episodeReturns: Array.from({ length: 30 }, (_, i) => 0.02 * Math.log(1 + i) - 0.05 + 0.01 * k),
        })),
        ic: [
          {
            model: 'forest',
            dates: rebal,
            ic: rebal.map((_, i) => Math.sin(i)),
            rankIc: rebal.map((_, i) => Math.cos(i)),
          },
        ],
        forecastQuality: [
          {
            model: 'forest',
            ic: 0.05,
            rankIc: 0.04,
            icIR: 0.2,
            icTStat: 1.9,
            hitRate: 0.53,
            r2VsZero: -0.01,
            r2VsHistoricalMean: 0.002,
            nDates: 14,
          },
        ],
      },
    ],
    notes: ['A note with <b>markup</b> that must be escaped.'],
  };
}
