import { describe, expect, it } from 'vitest';
import { sqrtImpactCost } from '../backtest/index.ts';
import {
  almgrenChriss,
  almgrenChrissKappa,
  childOrders,
  linearEtaFromSqrt,
  pov,
  twap,
  volumeProfile,
  vwap,
} from './algorithms.ts';
import { blockSchedule, executionQuality, modelledCost } from './quality.ts';
import type { OrderRequest } from './broker-types.ts';

const sum = (x: ArrayLike<number>): number => Array.from(x).reduce((a, b) => a + b, 0);
const AC = { quantity: 100_000, slots: 13, tau: 1 / 13, sigma: 2, eta: 2e-5, lambda: 1e-6 };

describe('schedules', () => {
  it('TWAP slices evenly; VWAP follows the profile; both sum to the parent', () => {
    expect(Array.from(twap(100, 4))).toEqual([25, 25, 25, 25]);
    const v = vwap(1000, [0.4, 0.1, 0.1, 0.4]);
    expect(Array.from(v)).toEqual([400, 100, 100, 400]);
    expect(() => vwap(1000, [0.5, 0.1])).toThrow(/sums to 0.6/);
  });

  it('volumeProfile uses only days before asOf: changing the trade day and later days changes nothing', () => {
    const dates = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'];
    const vols = [
      [30, 10, 60],
      [20, 20, 60],
      [10, 10, 80],
      [90, 5, 5],
    ];
    const u = volumeProfile({ dates, volumes: vols }, '2024-01-04', 20);
    expect(Array.from(u).map((x) => +x.toFixed(12))).toEqual([0.25, 0.15, 0.6]);
    const future = vols.map((r, d) => (dates[d]! >= '2024-01-04' ? r.map((x) => x * 7 + 1) : r));
    expect(volumeProfile({ dates, volumes: future }, '2024-01-04', 20)).toEqual(u);
    expect(() => volumeProfile({ dates, volumes: vols }, '2024-01-02')).toThrow(/no intraday volume history before/);
  });

  it('POV trades ρ of expected volume per slot and reports what the horizon cannot absorb', () => {
    const r = pov(150, [0.25, 0.25, 0.25, 0.25], 1000, 0.1);
    expect(Array.from(r.schedule)).toEqual([25, 25, 25, 25]);
    expect(r.unfilled).toBe(50);
    const done = pov(60, [0.25, 0.25, 0.25, 0.25], 1000, 0.1);
    expect(Array.from(done.schedule)).toEqual([25, 25, 10, 0]);
    expect(done.unfilled).toBe(0);
  });
});

describe('Almgren–Chriss implementation-shortfall schedule', () => {
  it('matches the closed form x_j = X·sinh(κ(T − t_j))/sinh(κT) with (2/τ²)(cosh κτ − 1) = λσ²/η', () => {
    const { holdings, schedule, kappa } = almgrenChriss(AC);
    const kt2 = (AC.lambda * AC.sigma ** 2) / AC.eta;
    expect((2 / AC.tau ** 2) * (Math.cosh(kappa * AC.tau) - 1)).toBeCloseTo(kt2, 9);
    const T = AC.slots * AC.tau;
    for (let j = 0; j <= AC.slots; j++)
      expect(holdings[j]).toBeCloseTo((AC.quantity * Math.sinh(kappa * (T - j * AC.tau))) / Math.sinh(kappa * T), 6);
    // the discrete Euler–Lagrange equation of E + λV: (x_{j−1} − 2x_j + x_{j+1})/τ² = κ̃²·x_j
    for (let j = 1; j < AC.slots; j++)
      expect((holdings[j - 1]! - 2 * holdings[j]! + holdings[j + 1]!) / AC.tau ** 2 / holdings[j]!).toBeCloseTo(kt2, 6);
    expect(sum(schedule)).toBeCloseTo(AC.quantity, 6);
  });

  it('minimises E + λV: moving a unit between any two slots raises the objective', () => {
    const objective = (n: Float64Array): number => {
      let x = AC.quantity;
      let e = 0;
      let v = 0;
      for (let j = 0; j < n.length; j++) {
        e += AC.tau * AC.eta * (n[j]! / AC.tau) ** 2;
        x -= n[j]!;
        v += AC.tau * AC.sigma ** 2 * x * x;
      }
      return e + AC.lambda * v;
    };
    const { schedule } = almgrenChriss(AC);
    const best = objective(schedule);
    for (let a = 0; a < AC.slots; a++)
      for (let b = 0; b < AC.slots; b++) {
        if (a === b) continue;
        const p = schedule.slice();
        p[a] = p[a]! + 100;
        p[b] = p[b]! - 100;
        expect(objective(p)).toBeGreaterThan(best);
      }
  });

  it('λ → 0 is TWAP; λ = 0 is exactly TWAP; larger λ trades earlier', () => {
    const t = twap(AC.quantity, AC.slots);
    const zero = almgrenChriss({ ...AC, lambda: 0 });
    expect(zero.kappa).toBe(0);
    for (let j = 0; j < AC.slots; j++) expect(zero.schedule[j]).toBeCloseTo(t[j]!, 9);
    const tiny = almgrenChriss({ ...AC, lambda: 1e-14 });
    for (let j = 0; j < AC.slots; j++) expect(Math.abs(tiny.schedule[j]! - t[j]!) / t[j]!).toBeLessThan(1e-6);
    const low = almgrenChriss({ ...AC, lambda: 1e-7 }).schedule;
    const high = almgrenChriss({ ...AC, lambda: 1e-5 }).schedule;
    expect(high[0]!).toBeGreaterThan(low[0]!);
    expect(low[0]!).toBeGreaterThan(t[0]!);
    expect(almgrenChrissKappa({ ...AC, lambda: 1e-5 })).toBeGreaterThan(almgrenChrissKappa(AC));
  });

  it('the linear η calibrated from the sqrt model charges a TWAP child what the sqrt model charges it', () => {
    const m = { quantity: 200_000, slots: 13, adv: 1_000_000, returnSigma: 0.02, price: 50, coefficient: 1 };
    const eta = linearEtaFromSqrt(m);
    const n = m.quantity / m.slots;
    const linear = eta * (n / (1 / m.slots)) * n;
    expect(linear).toBeCloseTo(sqrtImpactCost(1, 0.02, n, m.adv / m.slots, 50), 6);
  });
});

describe('child orders', () => {
  const parent: OrderRequest = {
    clientOrderId: 'plan-1:2024-01-05:EQ:0',
    asset: 'EQ',
    side: 'buy',
    quantity: 1000,
    type: 'market',
    timeInForce: 'day',
  };
  it('round to whole lots on the cumulative schedule, carry parent id and slot, ids slice k+1', () => {
    const kids = childOrders(parent, [333.4, 333.3, 333.3], { scope: 'plan-1', date: '2024-01-05', lot: 100 });
    expect(kids.map((k) => k.quantity)).toEqual([300, 400, 300]);
    expect(kids.map((k) => k.clientOrderId)).toEqual([
      'plan-1:2024-01-05:EQ:1',
      'plan-1:2024-01-05:EQ:2',
      'plan-1:2024-01-05:EQ:3',
    ]);
    expect(kids.every((k) => k.parentId === parent.clientOrderId && k.slot?.count === 3)).toBe(true);
  });
});

describe('execution quality', () => {
  const m = { coefficient: 1, sigma: 0.02, adv: 1_000_000, price: 50, profile: new Float64Array(10).fill(0.1) };
  it('VWAP under the impact model costs the backtester daily sqrt-impact charge; a one-slot block costs √N times it', () => {
    const Q = 200_000;
    const daily = sqrtImpactCost(1, 0.02, Q, 1_000_000, 50);
    expect(modelledCost(vwap(Q, m.profile), m).impact).toBeCloseTo(daily, 6);
    expect(modelledCost(blockSchedule(Q, 10), m).impact).toBeCloseTo(daily * Math.sqrt(10), 6);
    expect(modelledCost(blockSchedule(Q, 10), m).riskSd).toBe(0);
  });

  it('shortfall against arrival: slippage + fees + opportunity on the unfilled rest, per order and in total', () => {
    const f = (id: string, q: number, p: number, fee: number) => ({
      tradeId: id,
      clientOrderId: 'c',
      asset: 'EQ',
      side: 'buy' as const,
      quantity: q,
      price: p,
      fee,
      date: '2024-01-05',
    });
    const r = executionQuality([
      {
        clientOrderId: 'b',
        asset: 'EQ',
        side: 'buy',
        quantity: 100,
        arrivalPrice: 10,
        endPrice: 11,
        fills: [f('1', 60, 10.1, 1), f('2', 20, 10.2, 0.5)],
        modelled: { schedule: 3, block: 8 },
      },
      {
        clientOrderId: 's',
        asset: 'EQ',
        side: 'sell',
        quantity: 50,
        arrivalPrice: 20,
        fills: [{ ...f('3', 50, 19.9, 0), side: 'sell' }],
      },
    ]);
    const b = r.orders[0]!;
    expect(b.slippage).toBeCloseTo(60 * 0.1 + 20 * 0.2, 9);
    expect(b.opportunity).toBeCloseTo(20 * 1, 9);
    expect(b.shortfall).toBeCloseTo(10 + 1.5 + 20, 9);
    expect(b.shortfallBps).toBeCloseTo((31.5 / 1000) * 1e4, 9);
    expect(b.savedVsBlock).toBe(5);
    expect(r.orders[1]!.slippage).toBeCloseTo(50 * 0.1, 9);
    expect(r.total.shortfall).toBeCloseTo(31.5 + 5, 9);
    expect(r.total.shortfallBps).toBeCloseTo((36.5 / 2000) * 1e4, 9);
    expect(r.total.savedVsBlock).toBe(5);
  });
});
