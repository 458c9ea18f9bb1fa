import { describe, expect, it } from 'vitest';
import {
  MACRO_LOADINGS,
  PREDICTABILITY_OFF,
  SURPRISE_SERIES,
  scoreHeadline,
  synthesizeMarket,
  type SyntheticMarket,
} from './index.ts';
import { correlation } from './test-stats.ts';
import { Matrix, solve } from '../core/index.ts';

const OFF = PREDICTABILITY_OFF;

/** log(close_t / close_{t-k}) for asset a. */
function logRet(m: SyntheticMarket, t: number, k: number, a: number): number {
  const c = m.panel.field('close');
  const n = m.panel.nAssets;
  return Math.log(c[t * n + a]! / c[(t - k) * n + a]!);
}

/**
 * Pooled correlation between a predictor known at the close of t-1 and the return of day t, both demeaned across
 * assets each day (the common market move is noise for an asset-specific signal). Only the panel's closes are read.
 */
function crossSectionalIc(m: SyntheticMarket, predictor: (t: number, a: number) => number, firstT: number): number {
  const n = m.panel.nAssets;
  const xs: number[] = [];
  const ys: number[] = [];
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let t = firstT; t < m.panel.nDates; t++) {
    let mx = 0;
    let my = 0;
    for (let a = 0; a < n; a++) {
      x[a] = predictor(t, a);
      y[a] = logRet(m, t, 1, a);
      mx += x[a]!;
      my += y[a]!;
    }
    for (let a = 0; a < n; a++) {
      xs.push(x[a]! - mx / n);
      ys.push(y[a]! - my / n);
    }
  }
  return correlation(xs, ys);
}

// Trailing 60-day return ending 5 days before the decision (the planted momentum window), and the last 5 days' return.
const momentumPredictor = (m: SyntheticMarket) => (t: number, a: number) => logRet(m, t - 6, 60, a);
const reversalPredictor = (m: SyntheticMarket) => (t: number, a: number) => logRet(m, t - 1, 5, a);

describe('planted predictability, measured from prices alone (10 years × 28 assets)', () => {
  // Sampling error of a pooled cross-sectional correlation over ~70 000 asset-days: about 0.004; the tolerances
  // below leave ≥ 5 standard errors on each side.
  const off = synthesizeMarket({ seed: 21, predictability: OFF });
  const mom = synthesizeMarket({ seed: 21, predictability: { ...OFF, momentum: 0.1 } });
  const rev = synthesizeMarket({ seed: 21, predictability: { ...OFF, meanReversion: 0.1 } });

  it('with every strength 0 the past predicts nothing: the planted mean is zero and trailing returns have no IC', () => {
    expect(off.truth.alpha.every((v) => v === 0)).toBe(true);
    expect(new Set(off.truth.marketDrift).size).toBe(1);
    expect(Math.abs(crossSectionalIc(off, momentumPredictor(off), 66))).toBeLessThan(0.025);
    expect(Math.abs(crossSectionalIc(off, reversalPredictor(off), 66))).toBeLessThan(0.025);
  });

  it('momentum 0.1: trailing 60-day returns predict the next day (IC 0.05–0.15); off: |IC| < 0.025', () => {
    const ic = crossSectionalIc(mom, momentumPredictor(mom), 66);
    expect(ic).toBeGreaterThan(0.05);
    expect(ic).toBeLessThan(0.15);
  });

  it('mean reversion 0.1: the last 5 days predict the next day with a negative sign (IC −0.15 to −0.05)', () => {
    const ic = crossSectionalIc(rev, reversalPredictor(rev), 66);
    expect(ic).toBeLessThan(-0.05);
    expect(ic).toBeGreaterThan(-0.15);
  });

  it('at default strength (0.03) the planted momentum and reversal signals are what a model computes from closes', () => {
    const m = synthesizeMarket({ seed: 21, predictability: { ...OFF, momentum: 0.03, meanReversion: 0.03 } });
    const n = m.panel.nAssets;
    for (let a = 0; a < n; a++) {
      const fromCloses: number[] = [];
      const truth: number[] = [];
      const revCloses: number[] = [];
      const revTruth: number[] = [];
      for (let t = 66; t < m.panel.nDates; t++) {
        fromCloses.push(logRet(m, t - 6, 60, a));
        truth.push(m.truth.signals.momentum[t * n + a]!);
        revCloses.push(-logRet(m, t - 1, 5, a));
        revTruth.push(m.truth.signals.meanReversion[t * n + a]!);
      }
      // The signal is the trailing return / (dailyVol·√L) net of the planted α; the α a trend accumulates over 60
      // days is what separates the two (per-asset correlation ≥ 0.987 at strength 0.03, ≥ 0.88 at 0.1).
      expect(correlation(fromCloses, truth)).toBeGreaterThan(0.97);
      expect(correlation(revCloses, revTruth)).toBeGreaterThan(0.99);
    }
  });

  it('the exported truth signals carry the planted strength: corr(signal, return) ≈ strength', () => {
    expect(correlation(mom.truth.signals.momentum, mom.truth.logReturns)).toBeGreaterThan(0.05);
    expect(correlation(rev.truth.signals.meanReversion, rev.truth.logReturns)).toBeGreaterThan(0.05);
    expect(Math.abs(correlation(off.truth.signals.momentum, off.truth.logReturns))).toBeLessThan(0.03);
  });
});

describe('headline tone leads returns by sentimentLeadDays', () => {
  /** corr(tone of the headline dated d, return on d + lag) over all headlines, tone scored from the text. */
  function toneIc(m: SyntheticMarket, lag: number): number {
    const dateIndex = new Map(m.panel.dates.map((d, i) => [d, i]));
    const assetIndex = new Map(m.panel.assets.map((a, i) => [a, i]));
    const x: number[] = [];
    const y: number[] = [];
    for (const h of m.headlines) {
      const t = dateIndex.get(h.date)! + lag;
      if (t < 1 || t >= m.panel.nDates) continue;
      x.push(scoreHeadline(h.text));
      y.push(logRet(m, t, 1, assetIndex.get(h.asset)!));
    }
    return correlation(x, y);
  }

  for (const lead of [1, 3]) {
    it(`lead ${lead}: tone predicts the return ${lead} day(s) later (IC > 0.05) and no other day (|IC| < 0.025)`, () => {
      const m = synthesizeMarket({ seed: 5, predictability: { ...OFF, sentiment: 0.1, sentimentLeadDays: lead } });
      for (let lag = 0; lag <= 4; lag++) {
        const ic = toneIc(m, lag);
        if (lag === lead) expect(ic).toBeGreaterThan(0.05);
        else expect(Math.abs(ic)).toBeLessThan(0.025);
      }
    });
  }

  it('with sentiment 0 the tone predicts nothing', () => {
    const m = synthesizeMarket({ seed: 5, predictability: OFF });
    expect(Math.abs(toneIc(m, 2))).toBeLessThan(0.025);
  });

  it('a lexicon scorer recovers every headline tone exactly (very doubles, not flips)', () => {
    const m = synthesizeMarket({ seed: 5, years: 1 });
    expect(m.headlines.length).toBeGreaterThan(1000);
    let wrong = 0;
    m.headlines.forEach((h, k) => {
      if (scoreHeadline(h.text) !== m.truth.headlineTone[k]) wrong++;
    });
    expect(wrong).toBe(0);
    expect(scoreHeadline('X outlook is not strong')).toBe(-1);
    expect(scoreHeadline('X demand looks very strong')).toBe(2);
    expect(m.headlines.some((h) => h.text.includes(' not '))).toBe(true);
    expect(m.headlines.some((h) => h.text.includes(' very '))).toBe(true);
  });
});

describe('macro-driven returns', () => {
  const m = synthesizeMarket({ seed: 6, predictability: { ...OFF, macro: 0.1 } });

  it('returns load on the macro signal (corr ≈ 0.1 when on, ≈ 0 when off)', () => {
    expect(correlation(m.truth.signals.macro, m.truth.logReturns)).toBeGreaterThan(0.06);
    const off = synthesizeMarket({ seed: 6, predictability: OFF });
    expect(Math.abs(correlation(off.truth.signals.macro, off.truth.logReturns))).toBeLessThan(0.03);
  });

  it('the macro signal of day t is rebuilt exactly from surprises released strictly before t', () => {
    const latest = new Map<string, number>();
    const surprises = [...m.truth.macroSurprises];
    let next = 0;
    const n = m.panel.nAssets;
    for (let t = 0; t < m.panel.nDates; t++) {
      while (next < surprises.length && surprises[next]!.releaseDate < m.panel.dates[t]!) {
        latest.set(surprises[next]!.series, surprises[next]!.surprise);
        next++;
      }
      const s = SURPRISE_SERIES.map((k) => latest.get(k) ?? 0);
      for (const [a, cls] of [
        [0, 0],
        [2, 1],
        [3, 2],
      ] as const) {
        const w = MACRO_LOADINGS[cls]!;
        const expected = t === 0 ? 0 : w[0]! * s[0]! + w[1]! * s[1]! + w[2]! * s[2]!;
        expect(m.truth.signals.macro[t * n + a]).toBeCloseTo(expected, 12);
      }
    }
  });
});

describe('the macro signal is recoverable from published records alone', () => {
  it('each surprise is an exact linear function of the first release and the previous first release', () => {
    const m = synthesizeMarket({ seed: 4, years: 8, stocks: 0 });
    for (const series of SURPRISE_SERIES) {
      const firsts = m.macro
        .filter((o) => o.series === series && o.vintage === 1)
        .sort((a, b) => (a.refDate < b.refDate ? -1 : 1));
      const surprise = new Map(
        m.truth.macroSurprises.filter((s) => s.series === series).map((s) => [s.refDate, s.surprise]),
      );
      // Least squares of surprise on [1, first_k, first_{k-1}] via the 3×3 normal equations.
      const rows: [number, number, number, number][] = [];
      for (let k = 1; k < firsts.length; k++)
        rows.push([1, firsts[k]!.value, firsts[k - 1]!.value, surprise.get(firsts[k]!.refDate)!]);
      const xtx = Matrix.zeros(3, 3);
      const xty = new Float64Array(3);
      for (const r of rows)
        for (let i = 0; i < 3; i++) {
          xty[i]! += r[i]! * r[3];
          for (let j = 0; j < 3; j++) xtx.set(i, j, xtx.get(i, j) + r[i]! * r[j]!);
        }
      const b = solve(xtx, xty);
      let maxResidual = 0;
      for (const r of rows) maxResidual = Math.max(maxResidual, Math.abs(b[0]! + b[1]! * r[1] + b[2]! * r[2] - r[3]));
      expect(rows.length).toBeGreaterThan(25);
      expect(maxResidual).toBeLessThan(1e-9);
      expect(b[1]!).toBeGreaterThan(0); // a higher print than expected is a positive surprise
    }
  });
});
