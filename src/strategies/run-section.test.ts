import { describe, expect, it } from 'vitest';
import { Panel } from '../data/index.ts';
import { backtestArtefacts } from '../backtest/index.ts';
import { configurationsTried, runStudyBacktests } from './index.ts';

function panel(): Panel {
  const T = 80;
  const dates: string[] = [];
  const close = new Float64Array(T * 2);
  const t0 = Date.parse('2020-01-01T00:00:00Z');
  for (let t = 0; t < T; t++) {
    dates.push(new Date(t0 + t * 86_400_000).toISOString().slice(0, 10));
    close[t * 2] = 100 * Math.exp(0.001 * t + 0.02 * Math.sin(t));
    close[t * 2 + 1] = 50 * Math.exp(0.0002 * t + 0.005 * Math.cos(t));
  }
  return new Panel({ dates, assets: ['EQ', 'BD'], fields: { close } });
}

const one = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

describe('runStudyBacktests (what the study runner calls)', () => {
  it('runs every strategy and baseline under the same settings; nTrials = configurations run', () => {
    const res = runStudyBacktests(panel(), {
      backtest: { costs: { kind: 'proportional', bps: 5 }, rebalance: 'weekly', nTrials: 1 },
      strategies: [{ kind: 'fixed-mix', name: '60-40', weights: { EQ: 0.6, BD: 0.4 } }],
      baselines: [{ kind: 'equal-weight' }],
    });
    expect(res.map((r) => [r.strategy, r.metrics.nTrials, r.settings.rebalance])).toEqual([
      ['60-40', 2, 'calendar'],
      ['equal-weight', 2, 'calendar'],
    ]);
    const files = backtestArtefacts(res[0]!);
    expect(Object.keys(files)).toEqual(['ledger.csv', 'nav.csv', 'weights.csv', 'metrics.json']);
    expect(files['weights.csv']!.split('\n')[0]).toBe('date,EQ,BD');
    const m = JSON.parse(files['metrics.json']!);
    expect(m.strategy).toBe('60-40');
    expect(m.metrics.nTrials).toBe(2);
  });

  it('counts an rl-agent with seeds: K as K configurations tried (K agents trained, one drawn ensemble)', () => {
    expect(
      configurationsTried([
        { kind: 'equal-weight' },
        { kind: 'rl-agent', seeds: 5 },
        { kind: 'rl-agent' },
        { kind: 'fixed-mix', seeds: 7 },
      ]),
    ).toBe(8);
  });

  it('bad studies fail with one line and a fix', () => {
    const p = panel();
    expect(
      one(() => runStudyBacktests(p, { backtest: { rebalance: 'monthly' }, strategies: [{ kind: 'equal-weight' }] })),
    ).toMatch(/costs is missing.*costs: \{ kind: none \}/);
    expect(one(() => runStudyBacktests(p, { backtest: undefined, strategies: [{ kind: 'equal-weight' }] }))).toMatch(
      /no backtest section/,
    );
    expect(one(() => runStudyBacktests(p, { backtest: { costs: { kind: 'none' } }, strategies: [] }))).toMatch(
      /lists no strategies/,
    );
    expect(
      one(() =>
        runStudyBacktests(p, { backtest: { costs: { kind: 'none' } }, strategies: [{ kind: 'momentum-magic' }] }),
      ),
    ).toMatch(/strategy kind "momentum-magic" is unknown; use one of .*fixed-mix/);
    expect(
      one(() =>
        runStudyBacktests(p, {
          backtest: { costs: { kind: 'none' }, fill: 'same-bar' },
          strategies: [{ kind: 'equal-weight' }],
        }),
      ),
    ).toMatch(/^backtest\.fill/);
    expect(
      one(() =>
        runStudyBacktests(p, {
          backtest: { costs: { kind: 'slippage', bps: -1 } },
          strategies: [{ kind: 'equal-weight' }],
        }),
      ),
    ).toMatch(/cannot be negative/);
    expect(
      one(() =>
        runStudyBacktests(p, {
          backtest: { costs: { kind: 'none' }, start: '2030-01-01' },
          strategies: [{ kind: 'equal-weight' }],
        }),
      ),
    ).toMatch(/after the last date of the data/);
  });
});
