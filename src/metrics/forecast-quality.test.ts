import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { forecastQuality, pearson, ranks, spearman } from './forecast-quality.ts';

describe('forecastQuality', () => {
  it('pearson, ranks and spearman have their closed forms', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 14);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 14);
    expect([...ranks([10, 30, 20, 20])]).toEqual([1, 4, 2.5, 2.5]);
    // Spearman of a monotone non-linear map is exactly 1.
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 14);
    expect(Number.isNaN(pearson([1, 1, 1], [1, 2, 3]))).toBe(true);
  });

  it('a perfect forecast scores IC 1, hit rate 1, R² 1 against both naive forecasts', () => {
    const sections = [0, 1, 2, 3].map((k) => {
      const realized = [0.01 * k - 0.02, 0.03, -0.01, 0.02 + 0.001 * k];
      return { date: `2020-0${k + 1}-01`, predicted: realized, realized, historicalMean: [0.001, 0.001, 0.001, 0.001] };
    });
    const q = forecastQuality(sections);
    expect(q.ic).toBeCloseTo(1, 12);
    expect(q.rankIc).toBeCloseTo(1, 12);
    expect(q.hitRate).toBe(1);
    expect(q.r2VsZero).toBe(1);
    expect(q.r2VsHistoricalMean).toBe(1);
    expect(q.nDates).toBe(4);
    expect(q.series).toHaveLength(4);
  });

  it('IC t-stat = mean/σ·√n from the per-date ICs; R² vs zero matches 1 − SSE/Σy²', () => {
    const rng = createRng(3);
    const sections = Array.from({ length: 60 }, (_, d) => {
      const realized = Array.from({ length: 10 }, () => 0.02 * rng.normal());
      const predicted = realized.map((y) => 0.2 * y + 0.01 * rng.normal());
      return { date: `d${d}`, predicted, realized };
    });
    const q = forecastQuality(sections);
    const ics = sections.map((s) => pearson(s.predicted, s.realized));
    const m = ics.reduce((a, b) => a + b, 0) / ics.length;
    const sd = Math.sqrt(ics.reduce((a, b) => a + (b - m) ** 2, 0) / (ics.length - 1));
    expect(q.ic).toBeCloseTo(m, 12);
    expect(q.icTStat).toBeCloseTo((m / sd) * Math.sqrt(60), 10);
    let sse = 0;
    let ss = 0;
    for (const s of sections) s.realized.forEach((y, i) => ((sse += (y - s.predicted[i]!) ** 2), (ss += y * y)));
    expect(q.r2VsZero).toBeCloseTo(1 - sse / ss, 12);
    expect(q.ic).toBeGreaterThan(0.3);
    expect(q.icTStat).toBeGreaterThan(5);
    expect(Number.isNaN(q.r2VsHistoricalMean)).toBe(true);
  });

  it('noise forecasts have an IC t-stat within ±3 and ignore NaN pairs', () => {
    const rng = createRng(9);
    const sections = Array.from({ length: 80 }, (_, d) => ({
      date: `d${d}`,
      predicted: Array.from({ length: 8 }, (_, i) => (i === 0 ? NaN : rng.normal())),
      realized: Array.from({ length: 8 }, () => rng.normal()),
    }));
    const q = forecastQuality(sections);
    expect(Math.abs(q.icTStat)).toBeLessThan(3);
    expect(q.nObs).toBe(80 * 7);
  });

  it('never mutates its input', () => {
    const s = { date: 'x', predicted: Float64Array.of(1, 2, 3), realized: Float64Array.of(3, 1, 2) };
    const snap = [s.predicted.slice(), s.realized.slice()];
    forecastQuality([s]);
    expect([s.predicted, s.realized]).toEqual(snap);
  });
});
