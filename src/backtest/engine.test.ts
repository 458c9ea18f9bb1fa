import { describe, expect, it } from 'vitest';
import { checkPointInTime } from '../audit/index.ts';
import { runBacktest, runTargets, ledgerRows } from './index.ts';
import type { BacktestResult, Strategy } from './index.ts';
import { constant, days, panelOf, walk } from '../../test/support/panels.ts';

const none = { kind: 'none' } as const;

describe('runBacktest: timing and drift', () => {
  const dates = days('2021-01-01', 5);
  // A doubles on day 2, B flat.
  const p = panelOf(
    dates,
    [
      [10, 10, 20, 20, 20],
      [5, 5, 5, 5, 5],
    ],
    {
      open: [
        [10, 11, 19, 20, 20],
        [5, 5, 5, 5, 5],
      ],
    },
  );

  it('decides at the close of t and fills at the close of t+1 by default; weights then drift', () => {
    const r = runBacktest(p, constant([0.5, 0.5]), {
      costs: none,
      rebalance: { kind: 'dates', dates: ['2021-01-01'] },
      initialCapital: 100,
    });
    expect(r.ledger.length).toBe(2);
    expect(r.ledger.dateIndex[0]).toBe(1); // filled on 2021-01-02
    expect(r.ledger.price[0]).toBe(10);
    expect(Array.from(r.nav)).toEqual([100, 100, 150, 150, 150]);
    expect(r.weights[2 * 2]).toBeCloseTo(100 / 150, 14); // A drifted to 2/3
    expect(r.firstFillIndex).toBe(1);
    expect(r.settings.sameBarFill).toBe(false);
  });

  it('next-open fills at the open of t+1', () => {
    const r = runBacktest(p, constant([1, 0]), {
      costs: none,
      fill: 'next-open',
      rebalance: { kind: 'dates', dates: ['2021-01-01'] },
      initialCapital: 110,
    });
    expect(r.ledger.price[0]).toBe(11);
    expect(r.ledger.quantity[0]).toBeCloseTo(10, 12);
    expect(r.nav[2]).toBeCloseTo(200, 10);
  });

  it('same-close fills at the decision close and is flagged', () => {
    const r = runBacktest(p, constant([1, 0]), {
      costs: none,
      fill: 'same-close',
      rebalance: { kind: 'dates', dates: ['2021-01-02'] },
    });
    expect(r.ledger.dateIndex[0]).toBe(0);
    expect(r.settings.sameBarFill).toBe(true);
    expect(r.findings.some((f) => f.kind === 'same-bar-fill' && f.severity === 'warning')).toBe(true);
  });

  it('rebalances drifted weights back to target (orders = drifted → target)', () => {
    const r = runBacktest(p, constant([0.5, 0.5]), { costs: none, rebalance: 'daily', initialCapital: 100 });
    // A doubles at the close of 01-03, where the order decided on 01-02 fills: sized at that close's prices, it
    // sells 25 of A (the book is 100/50 before it) and buys 25 of B.
    const rows = ledgerRows(r.ledger).filter((x) => x.date === '2021-01-03');
    expect(rows.map((x) => [x.asset, x.side, +(x.quantity * x.price).toFixed(10)])).toEqual([
      ['A', 'sell', 25],
      ['B', 'buy', 25],
    ]);
    expect(r.weights[2 * 2]).toBeCloseTo(0.5, 14);
  });
});

describe('costs, cash and borrow', () => {
  const dates = days('2021-01-01', 4);
  const p = panelOf(dates, [
    [10, 10, 10, 10],
    [20, 20, 20, 20],
  ]);

  it('proportional costs are paid per order, in the ledger, and reduce NAV', () => {
    const r = runBacktest(p, constant([0.6, 0.4]), {
      costs: { kind: 'proportional', bps: 10 },
      rebalance: { kind: 'dates', dates: ['2021-01-01'] },
      initialCapital: 1000,
    });
    expect(r.ledger.cost[0]).toBeCloseTo(0.6, 12);
    expect(r.ledger.cost[1]).toBeCloseTo(0.4, 12);
    expect(r.nav[3]).toBeCloseTo(999, 12);
    expect(r.costs[1]).toBeCloseTo(1, 12);
  });

  it('composes fixed, minimum, half-spread and slippage', () => {
    const r = runBacktest(p, constant([0.5, 0]), {
      costs: {
        kind: 'composite',
        models: [
          { kind: 'proportional', bps: 1, minimum: 2 },
          { kind: 'fixed', perOrder: 1 },
          { kind: 'half-spread', bps: 5 },
          { kind: 'slippage', bps: 5 },
        ],
      },
      rebalance: { kind: 'dates', dates: ['2021-01-01'] },
      initialCapital: 1000,
    });
    // notional 500: max(0.05, 2) + 1 + 0.25 + 0.25
    expect(r.ledger.cost[0]).toBeCloseTo(3.5, 12);
  });

  it('per-asset-class bps', () => {
    const q = panelOf(
      dates,
      [
        [10, 10, 10, 10],
        [20, 20, 20, 20],
      ],
      {
        meta: [
          { id: 'A', assetClass: 'equity' },
          { id: 'B', assetClass: 'bond' },
        ],
      },
    );
    const r = runBacktest(q, constant([0.5, 0.5]), {
      costs: { kind: 'proportional', bps: 10, byAssetClass: { bond: 2 } },
      rebalance: { kind: 'dates', dates: ['2021-01-01'] },
      initialCapital: 1000,
    });
    expect(r.ledger.cost[0]).toBeCloseTo(0.5, 12);
    expect(r.ledger.cost[1]).toBeCloseTo(0.1, 12);
  });

  it('cash earns the configured rate over calendar days; shorts pay borrow', () => {
    const yearDates = ['2021-01-01', '2022-01-01'];
    const q = panelOf(yearDates, [[10, 10]]);
    const r = runBacktest(q, constant([0]), { costs: none, cashRate: 0.05, initialCapital: 100 });
    expect(r.nav[1]).toBeCloseTo(105, 10);
    const dates3 = ['2021-01-01', '2021-01-02', '2022-01-02'];
    const q3 = panelOf(dates3, [[10, 10, 10]]);
    const s = runBacktest(q3, constant([-0.5]), {
      costs: none,
      shortBorrowCost: 0.01,
      initialCapital: 100,
      rebalance: { kind: 'dates', dates: ['2021-01-01'] },
    });
    expect(s.nav[2]).toBeCloseTo(100 - 50 * 0.01, 10);
    expect(s.accruals[2]).toBeCloseTo(-0.5, 10);
  });

  it('sqrt impact charges σ·√(q/ADV) and caps participation', () => {
    const T = 30;
    const d = days('2021-01-01', T);
    const closes = [Array.from({ length: T }, (_, i) => 100 * (1 + 0.01 * (i % 2 === 0 ? 1 : -1)))];
    const vol = [Array.from({ length: T }, () => 1000)];
    const q = panelOf(d, closes, { volume: vol });
    const r = runBacktest(q, constant([1]), {
      costs: { kind: 'sqrt-impact', coefficient: 1, advWindow: 20, volWindow: 20, participationCap: 0.1 },
      rebalance: { kind: 'dates', dates: [d[25]!] },
      start: d[25]!,
      initialCapital: 1e6,
    });
    // Wants ~1e4 units but ADV 1000 × cap 0.1 = 100 units fill.
    expect(r.ledger.quantity[0]).toBeCloseTo(100, 10);
    expect(r.findings.some((f) => f.kind === 'order-capped' && f.message.includes('participation'))).toBe(true);
    // σ = sd of ±1 % alternating returns over 20 periods; cost = σ · √(100/1000) · 100 · 101.
    const rets = Array.from({ length: 20 }, (_, k) => closes[0]![6 + k]! / closes[0]![5 + k]! - 1);
    const m = rets.reduce((x, y) => x + y, 0) / 20;
    const sigma = Math.sqrt(rets.reduce((x, y) => x + (y - m) ** 2, 0) / 19);
    expect(r.ledger.cost[0]).toBeCloseTo(sigma * Math.sqrt(0.1) * 100 * r.ledger.price[0]!, 9);
  });
});

describe('the ledger is the single source of NAV', () => {
  it('replaying the ledger with the close prices and accruals reproduces NAV', () => {
    const T = 120;
    const d = days('2020-01-01', T);
    const closes = walk(T, 3, 7);
    const p = panelOf(d, closes);
    const r = runBacktest(p, constant([0.5, 0.3, 0.2]), {
      costs: { kind: 'proportional', bps: 25 },
      rebalance: 'weekly',
      cashRate: 0.03,
      initialCapital: 1000,
    });
    const qty = [0, 0, 0];
    let cash = 1000;
    let k = 0;
    for (let i = 0; i < T; i++) {
      cash += r.accruals[i]!;
      while (k < r.ledger.length && r.ledger.dateIndex[k] === i) {
        const a = r.ledger.assetIndex[k]!;
        const q = r.ledger.side[k]! * r.ledger.quantity[k]!;
        qty[a]! += q;
        cash -= q * r.ledger.price[k]! + r.ledger.cost[k]!;
        k++;
      }
      const v = cash + qty.reduce((s, q, a) => s + q * closes[a]![i]!, 0);
      expect(v).toBeCloseTo(r.nav[i]!, 9);
    }
    expect(r.metrics.turnover).toBeGreaterThan(0);
    expect(r.metrics.costDrag).toBeGreaterThan(0);
  });
});

describe('rebalancing rules', () => {
  const T = 60;
  const d = days('2021-01-01', T);
  const closes = [Array.from({ length: T }, (_, i) => 100 * Math.pow(1.01, i)), Array.from({ length: T }, () => 100)];
  const p = panelOf(d, closes);

  it('monthly trades at the first date of each month', () => {
    const r = runBacktest(p, constant([0.5, 0.5]), { costs: none, rebalance: 'monthly' });
    expect(r.decisions.map((x) => r.dates[x.dateIndex])).toEqual(['2021-01-01', '2021-02-01', '2021-03-01']); // the last one is decided, queued, never filled
  });

  it('a threshold band trades fully back to target only when drift exceeds it', () => {
    const r = runBacktest(p, constant([0.5, 0.5]), { costs: none, rebalance: { kind: 'band', threshold: 0.05 } });
    expect(r.decisions.length).toBeGreaterThan(1);
    for (const x of r.decisions.slice(1)) {
      const i = x.dateIndex;
      const drift = Math.abs(
        (r.weights[(i - 1) * 2]! * (closes[0]![i]! / closes[0]![i - 1]!)) /
          (r.weights[(i - 1) * 2]! * (closes[0]![i]! / closes[0]![i - 1]!) + r.weights[(i - 1) * 2 + 1]!) -
          0.5,
      );
      expect(drift).toBeGreaterThan(0.05);
    }
  });

  it('a no-trade band trades only back to the band edge', () => {
    const r = runBacktest(p, constant([0.5, 0.5]), {
      costs: none,
      rebalance: { kind: 'no-trade-band', threshold: 0.05 },
    });
    const second = r.decisions[1]!;
    expect(second.target[0]).toBeCloseTo(0.55, 14);
    expect(second.target[1]).toBeCloseTo(0.45, 14);
  });

  it('signal-driven rule trades only when the target changes', () => {
    const flip: Strategy = {
      name: 'flip',
      decide: (v) => ({ weights: Float64Array.from(v.nDates < 30 ? [1, 0] : [0, 1]) }),
    };
    const r = runBacktest(p, flip, { costs: none, rebalance: { kind: 'signal' } });
    expect(r.decisions.map((x) => x.dateIndex)).toEqual([0, 29]);
  });
});

describe('overlays', () => {
  it('drawdown de-risking moves to cash after the threshold and re-enters after recovery', () => {
    const path = [100, 100, 90, 80, 70, 75, 85, 96, 100, 101, 102];
    const d = days('2021-01-01', path.length);
    const p = panelOf(d, [path]);
    const r = runBacktest(p, constant([1]), {
      costs: none,
      rebalance: { kind: 'dates', dates: [d[0]!] },
      overlays: [{ kind: 'drawdown', threshold: 0.2, exposure: 0, reenter: 0.05 }],
    });
    const reasons = r.decisions.map((x) => [r.dates[x.dateIndex], x.reason, x.target[0]]);
    expect(reasons).toEqual([
      ['2021-01-01', 'initial', 1],
      ['2021-01-04', 'overlay', 0], // shadow drawdown 20 % at the close of 80
      ['2021-01-08', 'overlay', 1], // shadow back to 96: drawdown 4 % ≤ 5 %
    ]);
  });

  it('stop-loss sells an asset that fell more than the threshold from entry', () => {
    const path = [100, 100, 95, 85, 80, 90];
    const d = days('2021-01-01', path.length);
    const p = panelOf(d, [path, [50, 50, 50, 50, 50, 50]]);
    const r = runBacktest(p, constant([0.5, 0.5]), {
      costs: none,
      rebalance: 'daily',
      overlays: [{ kind: 'stop-loss', threshold: 0.1, cooldown: 10 }],
    });
    const last = r.decisions.at(-1)!;
    expect(last.target[0]).toBe(0);
    expect(r.weights[5 * 2]).toBe(0);
  });

  it('vol targeting scales exposure to target / realised volatility', () => {
    const T = 80;
    const d = days('2021-01-01', T);
    const closes = [Array.from({ length: T }, (_, i) => 100 * (1 + (i % 2 === 0 ? 0.01 : -0.01)))];
    const p = panelOf(d, closes);
    const r = runBacktest(p, constant([1]), {
      costs: none,
      periodsPerYear: 252,
      rebalance: { kind: 'dates', dates: [d[70]!] },
      start: d[70]!,
      overlays: [{ kind: 'vol-target', target: 0.1, window: 20, maxLeverage: 1 }],
    });
    const sd =
      Math.abs(0.99 / 1.01 - 1) * Math.sqrt(20 / 19) * 0.5 + Math.abs(1.01 / 0.99 - 1) * Math.sqrt(20 / 19) * 0.5;
    expect(r.decisions[0]!.target[0]).toBeLessThan((0.1 / (0.019 * Math.sqrt(252))) * 1.1);
    expect(r.decisions[0]!.target[0]).toBeGreaterThan((0.1 / (sd * Math.sqrt(252))) * 0.9);
  });
});

describe('bad input: one-line errors with a fix', () => {
  const d = days('2021-01-01', 5);
  const p = panelOf(d, [
    [1, 1, 1, 1, 1],
    [2, 2, 2, 2, 2],
  ]);
  const one = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      const m = (e as Error).message;
      expect(m.includes('\n')).toBe(false);
      return m;
    }
    throw new Error('expected an error');
  };
  it('start after the data ends', () => {
    expect(one(() => runBacktest(p, constant([0.5, 0.5]), { costs: none, start: '2022-01-01' }))).toMatch(
      /after the last date of the data \(2021-01-05\)/,
    );
  });
  it('rebalance dates outside the calendar', () => {
    expect(
      one(() =>
        runBacktest(p, constant([0.5, 0.5]), { costs: none, rebalance: { kind: 'dates', dates: ['2021-01-10'] } }),
      ),
    ).toMatch(/2021-01-10 is not a date of the data calendar/);
  });
  it('targets violating leverage limits (or scaled when asked)', () => {
    expect(one(() => runBacktest(p, constant([0.9, 0.6]), { costs: none }))).toMatch(
      /gross leverage Σ\|w\| = 1.5000 > leverage.maxGross 1/,
    );
    const r = runBacktest(p, constant([0.9, 0.6]), { costs: none, leverage: { onBreach: 'scale' } });
    expect(r.decisions[0]!.target[0]).toBeCloseTo(0.6, 14);
    expect(
      one(() => runBacktest(p, constant([-0.5, -0.5]), { costs: none, leverage: { maxGross: 2, minNet: 0 } })),
    ).toMatch(/net exposure/);
  });
  it('negative cost parameters', () => {
    expect(one(() => runBacktest(p, constant([0.5, 0.5]), { costs: { kind: 'proportional', bps: -5 } }))).toMatch(
      /costs \(proportional\): bps .*got -5\. Costs cannot be negative/,
    );
  });
  it('missing costs', () => {
    expect(one(() => runBacktest(p, constant([0.5, 0.5]), {} as never))).toMatch(/costs: \{ kind: none \}/);
  });
  it('empty universe', () => {
    const e = p.selectAssets([]);
    expect(one(() => runBacktest(e, constant([]), { costs: none }))).toMatch(/universe is empty/);
  });
});

describe('point in time: decisions and fills at ≤ t never change when the future does', () => {
  const T = 90;
  const d = days('2020-01-01', T);
  const closes = walk(T, 3, 11);
  const p = panelOf(d, closes, { open: closes.map((c) => c.map((v) => v * 0.999)) });
  /** Momentum-tilted weights from the view: would leak if the engine passed the full panel. */
  const tilt: Strategy = {
    name: 'tilt',
    decide: (view) => {
      const t = view.nDates - 1;
      const k = Math.max(0, t - 10);
      const m = [0, 1, 2].map((a) => view.value('close', t, a) / view.value('close', k, a));
      const s = m.reduce((x, y) => x + y, 0);
      return { weights: Float64Array.from(m.map((v) => v / s)) };
    },
  };
  const observe = (r: BacktestResult, asOf: string): unknown => {
    const dec = r.decisions
      .filter((x) => r.dates[x.dateIndex]! <= asOf)
      .map((x) => [x.dateIndex, Array.from(x.target)]);
    const fills = ledgerRows(r.ledger).filter((x) => x.date <= asOf);
    const navs = Array.from(r.nav).slice(0, r.dates.filter((x) => x <= asOf).length);
    return { dec, fills, navs };
  };
  for (const fill of ['next-open', 'next-close', 'same-close'] as const) {
    it(`fill ${fill}, weekly, 25 bp`, () => {
      const rep = checkPointInTime({
        panel: p,
        asOf: [d[20]!, d[47]!, d[80]!],
        compute: (q) =>
          runBacktest(q, tilt, {
            costs: { kind: 'proportional', bps: 25 },
            rebalance: 'weekly',
            fill,
            overlays: [{ kind: 'drawdown', threshold: 0.05, reenter: 0.01 }],
          }),
        observe,
      });
      expect(rep.violations).toEqual([]);
      expect(rep.checks).toBe(6);
    });
  }
  it('runTargets gives the same result as the strategy path', () => {
    const targets = new Float64Array(T * 3);
    for (let t = 0; t < T; t++)
      targets.set(
        tilt.decide(p.upTo(d[t]!), { asOf: d[t]!, t, previousWeights: new Float64Array(3), seed: 0 }).weights,
        t * 3,
      );
    const a = runBacktest(p, tilt, { costs: { kind: 'proportional', bps: 5 }, rebalance: 'daily' });
    const b = runTargets(p, targets, { costs: { kind: 'proportional', bps: 5 }, rebalance: 'daily' });
    expect(Array.from(b.nav)).toEqual(Array.from(a.nav));
  });
  it('never mutates the panel', () => {
    const before = p.field('close').slice();
    runBacktest(p, tilt, { costs: none, rebalance: 'daily' });
    expect(Array.from(p.field('close'))).toEqual(Array.from(before));
  });
});

describe('total-return valuation and benchmark metrics', () => {
  it('values the book on a total-return field, scaling next-open fills by tr/close', () => {
    const d = days('2021-01-01', 4);
    // Price flat at 10, a 1-unit dividend reinvested on day 3: the total-return index rises 10 %.
    const p = panelOf(d, [[10, 10, 10, 10]], { open: [[10, 10, 10, 10]] }).withField(
      'tr',
      Float64Array.from([10, 10, 11, 11]),
    );
    const r = runBacktest(p, constant([1]), {
      costs: { kind: 'none' },
      priceField: 'tr',
      fill: 'next-open',
      rebalance: { kind: 'dates', dates: [d[0]!] },
      initialCapital: 100,
    });
    expect(r.nav[3]).toBeCloseTo(110, 10);
    const q = runBacktest(p, constant([1]), {
      costs: { kind: 'none' },
      fill: 'next-open',
      rebalance: { kind: 'dates', dates: [d[1]!] },
      start: d[1]!,
      priceField: 'tr',
      initialCapital: 100,
    });
    expect(q.ledger.price[0]).toBeCloseTo(11, 12); // open 10 × tr 11 / close 10
  });

  it('benchmarkAsset adds beta, alpha, tracking error and IR against that asset', () => {
    const T = 60;
    const d = days('2021-01-01', T);
    const closes = walk(T, 2, 9);
    const p = panelOf(d, closes);
    const r = runBacktest(p, constant([1, 0]), { costs: { kind: 'none' }, rebalance: 'daily', benchmarkAsset: 'A' });
    expect(r.metrics.beta).toBeCloseTo(1, 10);
    expect(r.metrics.trackingError).toBeCloseTo(0, 10);
    expect(() => runBacktest(p, constant([1, 0]), { costs: { kind: 'none' }, benchmarkAsset: 'SPY' })).toThrow(
      /benchmarkAsset "SPY" is not in the data/,
    );
  });
});

describe('metrics window', () => {
  it('counts the initial trade costs in the first invested period; reports the unfilled last target', () => {
    const d = days('2021-01-01', 6);
    const p = panelOf(d, [[10, 10, 10, 10, 10, 10]]);
    const r = runBacktest(p, constant([1]), {
      costs: { kind: 'proportional', bps: 10 },
      rebalance: { kind: 'dates', dates: [d[0]!, d[5]!] },
      initialCapital: 1000,
    });
    expect(r.metrics.totalReturn).toBeCloseTo(-0.001, 14);
    expect(r.metrics.periods).toBe(4); // fills on day 2; invested periods are days 3 … 6
    expect(r.metrics.turnover).toBe(0); // the initial purchase is not turnover
    expect(Array.from(r.pendingTarget!)).toEqual([1]);
  });
});
