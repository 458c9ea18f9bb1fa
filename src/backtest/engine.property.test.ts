/**
 * Property tests of the engine's accounting on random markets and random targets (fast-check):
 * the ledger replays to the NAV, costs are exactly the model's, and PnL decomposes into price moves − costs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Panel } from '../data/index.ts';
import { ledgerTotals, runTargets } from './index.ts';
import { days } from '../../test/support/panels.ts';

const market = fc.record({ T: fc.integer({ min: 3, max: 30 }), n: fc.integer({ min: 1, max: 4 }) }).chain(({ T, n }) =>
  fc.record({
    T: fc.constant(T),
    n: fc.constant(n),
    moves: fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: T * n, maxLength: T * n }),
    raw: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: T * n, maxLength: T * n }),
    bps: fc.integer({ min: 0, max: 100 }),
    fill: fc.constantFrom('next-open' as const, 'next-close' as const, 'same-close' as const),
    rebalance: fc.constantFrom('daily' as const, 'weekly' as const),
  }),
);

describe('engine accounting (property-based)', () => {
  it('ledger replay = NAV; costs = bps × notional; NAV change = Σ q·Δp − costs', () => {
    fc.assert(
      fc.property(market, ({ T, n, moves, raw, bps, fill, rebalance }) => {
        const close = new Float64Array(T * n);
        const open = new Float64Array(T * n);
        for (let a = 0; a < n; a++) {
          let p = 100;
          for (let t = 0; t < T; t++) {
            open[t * n + a] = p * (1 + moves[t * n + a]! / 2);
            p *= 1 + moves[t * n + a]!;
            close[t * n + a] = p;
          }
        }
        // Targets with Σ|w| ≤ 1 (long/short allowed).
        const targets = new Float64Array(T * n);
        for (let t = 0; t < T; t++) {
          let g = 0;
          for (let a = 0; a < n; a++) g += Math.abs(raw[t * n + a]!);
          for (let a = 0; a < n; a++) targets[t * n + a] = g > 1 ? raw[t * n + a]! / g : raw[t * n + a]!;
        }
        const panel = new Panel({
          dates: days('2021-01-04', T),
          assets: Array.from({ length: n }, (_, a) => `X${a}`),
          fields: { close, open },
        });
        const snapshot = close.slice();
        const r = runTargets(panel, targets, {
          costs: { kind: 'proportional', bps },
          fill,
          rebalance,
          initialCapital: 1000,
        });
        expect(Array.from(close)).toEqual(Array.from(snapshot));
        const qty = new Float64Array(n);
        let cash = 1000;
        let k = 0;
        let prevNav = 1000;
        let prevClose: Float64Array | null = null;
        for (let i = 0; i < T; i++) {
          // Price moves on the holdings carried into the day (close-to-fill, then fill-to-close).
          let pnl = 0;
          const fills: number[] = [];
          while (k < r.ledger.length && r.ledger.dateIndex[k] === i) fills.push(k++);
          const q0 = qty.slice();
          for (const j of fills) {
            const a = r.ledger.assetIndex[j]!;
            const q = r.ledger.side[j]! * r.ledger.quantity[j]!;
            const p = r.ledger.price[j]!;
            expect(r.ledger.cost[j]).toBeCloseTo((bps / 1e4) * Math.abs(q * p), 10);
            qty[a]! += q;
            cash -= q * p + r.ledger.cost[j]!;
            pnl -= r.ledger.cost[j]!;
            const pc = close[i * n + a]!;
            pnl += q * (pc - p); // bought at p, marked at the close
          }
          for (let a = 0; a < n; a++) if (prevClose) pnl += q0[a]! * (close[i * n + a]! - prevClose[a]!);
          let nav = cash;
          for (let a = 0; a < n; a++) nav += qty[a]! * close[i * n + a]!;
          const tol = 1e-9 * Math.max(1, Math.abs(nav));
          expect(Math.abs(nav - r.nav[i]!)).toBeLessThanOrEqual(tol);
          expect(Math.abs(prevNav + pnl - r.nav[i]!)).toBeLessThanOrEqual(tol);
          prevNav = r.nav[i]!;
          prevClose = close.slice(i * n, (i + 1) * n);
        }
        expect(k).toBe(r.ledger.length);
        // The per-date traded notional and costs the engine reports are the ledger's own totals, to the bit.
        const fromLedger = ledgerTotals(r.ledger, T);
        expect(Array.from(r.traded)).toEqual(Array.from(fromLedger.traded));
        expect(Array.from(r.costs)).toEqual(Array.from(fromLedger.costs));
      }),
      { numRuns: 150, seed: 20260101 },
    );
  });
});
