import { describe, expect, it } from 'vitest';
import { KeelError } from '../core/index.ts';
import { Panel } from '../data/index.ts';
import type { FundamentalReport, Headline, MacroObservation } from '../data/index.ts';
import { computeFeatures, predictionRows, trainingSet } from './dataset.ts';
import { defineFeature, perAsset } from './feature.ts';
import { createFeatures, featureKinds } from './kinds.ts';
import { checkFeaturePointInTime } from './point-in-time.ts';
import { fundamentalsFeature, macroFeature, sentimentFeature } from './record-features.ts';
import type { PitRecords } from './records.ts';
import { fitScaler } from './scalers.ts';
import { scoreText } from './sentiment.ts';
import { direction, forwardReturn, tripleBarrier } from './targets.ts';
import { rankFractions } from './technical.ts';
import { randomWalkPanel } from './test-panel.ts';

const panel = randomWalkPanel(11, 400, 4);
const dates = panel.dates;

const macro: MacroObservation[] = [];
for (let m = 0; m < 18; m++) {
  const ref = `${2015 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`;
  const rel = `${2015 + Math.floor((m + 1) / 12)}-${String(((m + 1) % 12) + 1).padStart(2, '0')}-15`;
  macro.push({ series: 'inflation', refDate: ref, releaseDate: rel, value: 2 + 0.1 * m, vintage: 1 });
}
// A revision of January 2015 released much later must not change anything before its release.
macro.push({ series: 'inflation', refDate: '2015-01-01', releaseDate: '2015-09-01', value: 9, vintage: 2 });
const headlines: Headline[] = [
  { date: '2015-03-02', asset: 'A0', text: 'A0 beats estimates, raises guidance' },
  { date: '2015-06-06', asset: 'A1', text: 'A1 plunges after fraud probe' }, // a Saturday → usable Monday 8 June
  { date: '2015-09-10', asset: 'A2', text: 'A2 did not miss estimates' },
];
const fundamentals: FundamentalReport[] = [
  { asset: 'A0', periodEnd: '2015-03-31', reportDate: '2015-05-05', pe: 20, pb: 3, earningsGrowth: 0.1 },
  { asset: 'A0', periodEnd: '2015-06-30', reportDate: '2015-08-04', pe: 18, pb: 2.8, earningsGrowth: 0.05 },
];
const records: PitRecords = { macro, headlines, fundamentals };

describe('every feature kind passes the perturb-the-future audit', () => {
  const specs: Record<string, Record<string, unknown>> = {
    returns: {},
    momentum: { windows: [5, 21], skip: 1 },
    'moving-averages': { windows: [10], crossover: [5, 20] },
    volatility: {},
    rsi: {},
    macd: {},
    bollinger: {},
    atr: {},
    'volume-z': { window: 21 },
    rank: { of: 'reversal', window: 5 },
    macro: { series: ['inflation'] },
    'macro-surprise': { series: ['inflation'], horizon: 5, window: 150, minReleases: 3, perSeries: true, raw: true },
    sentiment: { halfLife: 3 },
    fundamentals: {},
    'market-regime': { window: 10, reference: 30, betaWindow: 40 },
    'asset-category': {},
  };
  // Reads the synthetic ground truth, not the panel or the records, so perturbing them proves nothing; that the
  // planted expectation uses nothing dated after t is tested where it is computed (src/synth/expected.test.ts).
  const readsTruthOnly = ['planted-expectation'];
  it('the test covers every kind in featureKinds', () => {
    expect([...Object.keys(specs), ...readsTruthOnly].sort()).toEqual(Object.keys(featureKinds).sort());
  });
  for (const [kind, params] of Object.entries(specs)) {
    it(`${kind}: values at ≤ t unchanged when data after t is garbage or deleted`, () => {
      const [feature] = createFeatures([{ kind, ...params }]);
      const out = feature!.compute({ panel, records });
      expect(out.values.some((col) => col.some(Number.isFinite))).toBe(true);
      expect(checkFeaturePointInTime(feature!, { panel, records }).checks).toBeGreaterThanOrEqual(6);
    });
  }
});

describe('look-ahead and bad input are caught with one-line errors', () => {
  it('a user feature that reads t+1 is caught, naming the feature', () => {
    const peek = defineFeature('tomorrow-return', 1, ({ panel: p }) => ({
      names: ['peek'],
      values: [perAsset(p, 'close', (c) => c.map((_, t) => (t + 1 < c.length ? c[t + 1]! / c[t]! - 1 : NaN)))],
    }));
    let err: unknown;
    try {
      checkFeaturePointInTime(peek, { panel });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KeelError);
    expect((err as KeelError).kind).toBe('lookahead');
    expect((err as KeelError).message).toMatch(/^feature "tomorrow-return" reads the future: column "peek"/);
    expect((err as KeelError).message).not.toContain('\n');
  });

  it('a feature normalised over the full sample is caught too', () => {
    const demean = defineFeature('full-sample-z', 0, ({ panel: p }) => {
      const c = p.field('close');
      const m = c.reduce((s, v) => s + v, 0) / c.length;
      return { names: ['z'], values: [c.map((v) => v - m)] };
    });
    expect(() => checkFeaturePointInTime(demean, { panel })).toThrow(/feature "full-sample-z" reads the future/);
  });

  it('a constant feature is a one-line data error naming it', () => {
    const X = Float64Array.of(1, 5, 2, 5, 3, 5);
    expect(() => fitScaler('zscore', X, 3, 2, ['mom', 'flat'])).toThrow(
      /^feature "flat" is constant \(5\) over the 3 training rows/,
    );
  });

  it('a target horizon longer than the data is a one-line error', () => {
    expect(() => forwardReturn(panel, 400)).toThrow(/target horizon 400 bars is not shorter than the data \(400 dates/);
  });

  it('unknown kinds and bad params are config errors', () => {
    expect(() => createFeatures([{ kind: 'momentun' }])).toThrow(
      /unknown feature kind "momentun"; known kinds: returns, momentum/,
    );
    expect(() => createFeatures([{ kind: 'momentum', windows: [0] }])).toThrow(/feature "momentum": windows.0/);
    expect(() => createFeatures([{ kind: 'rsi', periods: 3 }])).toThrow(/feature "rsi"/);
  });

  it('OHLCV features on a close-only panel name the missing field', () => {
    const p2 = new Panel({ dates: panel.dates, assets: panel.assets, fields: { close: panel.field('close') } });
    expect(() => createFeatures([{ kind: 'atr' }])[0]!.compute({ panel: p2 })).toThrow(
      /feature "atr" needs panel field "high"/,
    );
  });
});

describe('records join on the date they became public', () => {
  it('macro values appear on the release date, not the reference date, and revisions only from their release', () => {
    const { values } = macroFeature(['inflation']).compute({ panel, records });
    const at = (d: string) => values[0]![panel.lastIndexOnOrBefore(d) * panel.nAssets]!;
    expect(Number.isNaN(at('2015-02-13'))).toBe(true); // January's value is released 2015-02-15 (a Sunday)
    expect(at('2015-02-16')).toBe(2); // first bar after the release
    expect(at('2015-03-16')).toBeCloseTo(2.1, 12);
    // The January revision (vintage 2) changes only January's value, not the latest period's level …
    expect(at('2015-09-02')).toBeCloseTo(2 + 0.1 * 6, 12); // July's value, released 2015-08-15
    // … and the change column is latest − previous period as known at t.
    expect(values[1]![panel.lastIndexOnOrBefore('2015-03-16') * panel.nAssets]!).toBeCloseTo(0.1, 12);
  });

  it('headline sentiment appears on the publication bar (weekend → Monday) and decays by half each halfLife', () => {
    const { values } = sentimentFeature(2).compute({ panel, records });
    const a1 = 1;
    const iMon = panel.dateIndex('2015-06-08');
    expect(values[0]![(iMon - 1) * 4 + a1]).toBe(0);
    const s0 = values[0]![iMon * 4 + a1]!;
    expect(s0).toBeLessThan(-0.5);
    expect(values[0]![(iMon + 2) * 4 + a1]!).toBeCloseTo(s0 / 2, 12);
  });

  it('fundamentals appear on the report date and move with price since period end', () => {
    const { values } = fundamentalsFeature().compute({ panel, records });
    const iRep = panel.dateIndex('2015-05-05');
    expect(Number.isNaN(values[0]![(iRep - 1) * 4]!)).toBe(true);
    const iEnd = panel.lastIndexOnOrBefore('2015-03-31');
    const c = panel.field('close');
    expect(values[0]![iRep * 4]!).toBeCloseTo((20 * c[iRep * 4]!) / c[iEnd * 4]!, 10);
    expect(values[2]![iRep * 4]!).toBe(0.1);
  });
});

describe('sentiment scorer', () => {
  it('finance polarity, negation and intensifiers', () => {
    expect(scoreText('Company beats estimates')).toBeGreaterThan(0.3);
    expect(scoreText('Company misses estimates')).toBeLessThan(-0.3);
    expect(scoreText('Company did not miss estimates')).toBeGreaterThan(0);
    expect(scoreText('Shares fell sharply')).toBeLessThan(scoreText('Shares fell'));
    expect(scoreText('Shares fell slightly')).toBeGreaterThan(scoreText('Shares fell'));
    expect(scoreText('The weather is nice')).toBe(0);
    // VADER normalisation: s = 2 → 2/√(4+15).
    expect(scoreText('beat')).toBeCloseTo(2 / Math.sqrt(19), 12);
  });
});

describe('targets', () => {
  it('forward return and direction are closed-form and NaN in the last h rows', () => {
    const fr = forwardReturn(panel, 5);
    const c = panel.field('close');
    expect(fr.values[10 * 4 + 2]).toBeCloseTo(c[15 * 4 + 2]! / c[10 * 4 + 2]! - 1, 14);
    expect(Number.isNaN(fr.values[395 * 4]!)).toBe(true);
    const up = direction(panel, 5);
    expect(up.values[10 * 4 + 2]).toBe(fr.values[10 * 4 + 2]! > 0 ? 1 : 0);
  });

  it('triple-barrier labels are 0/1/2 and agree with the barrier rule', () => {
    const tb = tripleBarrier(panel, 10, 1, 20);
    const labels = [...tb.values].filter(Number.isFinite);
    expect(new Set(labels)).toEqual(new Set([0, 1, 2]));
    // With an enormous width nothing is touched: every label is the vertical barrier (1).
    expect([...tripleBarrier(panel, 10, 1e6, 20).values].filter(Number.isFinite).every((v) => v === 1)).toBe(true);
  });
});

describe('scalers fit on the training rows only', () => {
  it('z-score, robust and min-max have the closed-form centre and scale', () => {
    const X = Float64Array.of(1, 10, 2, 20, 3, 30, 4, 40, 100, 50);
    const z = fitScaler('zscore', X, 5, 2);
    expect(z.center[0]).toBeCloseTo(22, 12);
    const r = fitScaler('robust', X, 5, 2);
    expect(r.center[0]).toBe(3);
    expect(r.scale[0]).toBe(2); // IQR of 1,2,3,4,100 = 4 − 2
    const m = fitScaler('minmax', X, 5, 2);
    expect([...m.transform(Float64Array.of(1, 50), 1)]).toEqual([0, 1]);
  });

  it('a scaler fitted on the training window is unaffected by anything after it', () => {
    const features = createFeatures([{ kind: 'momentum', windows: [5] }, { kind: 'rsi' }]);
    const T = 200;
    const target = forwardReturn(panel, 5);
    const full = trainingSet(computeFeatures(features, { panel }), target, { decisionIndex: T });
    const cut = panel.sliceRows(0, T + 1);
    const past = trainingSet(computeFeatures(features, { panel: cut }), forwardReturn(cut, 5), { decisionIndex: T });
    expect(past.n).toBe(full.n);
    expect(fitScaler('zscore', past.X, past.n, past.p).toJSON()).toEqual(
      fitScaler('zscore', full.X, full.n, full.p).toJSON(),
    );
    // … while a scaler fitted on every row (the leak this rules out) differs.
    const leaky = trainingSet(computeFeatures(features, { panel }), target, { decisionIndex: panel.nDates - 1 });
    expect(fitScaler('zscore', leaky.X, leaky.n, leaky.p).center[0]).not.toBe(
      fitScaler('zscore', full.X, full.n, full.p).center[0],
    );
  });
});

describe('feature matrix and datasets', () => {
  const features = createFeatures([
    { kind: 'momentum', windows: [5, 21] },
    { kind: 'rsi' },
    { kind: 'rank', window: 21 },
  ]);
  const fm = computeFeatures(features, { panel });

  it('training rows are purged: every label ended by the decision date (minus the embargo)', () => {
    const target = forwardReturn(panel, 10);
    const T = 250;
    const ds = trainingSet(fm, target, { decisionIndex: T, embargo: 3 });
    expect(ds.n).toBeGreaterThan(500);
    expect(ds.p).toBe(4);
    const lastAllowed = dates[T - 3]!;
    expect(ds.sampleDates.every((d) => d <= lastAllowed)).toBe(true);
    expect(ds.sampleDates.at(-1)).toBe(lastAllowed);
    expect([...ds.X].every(Number.isFinite) && [...ds.y].every(Number.isFinite)).toBe(true);
  });

  it('prediction rows at t hold each asset with complete features', () => {
    const rows = predictionRows(fm, 300);
    expect(rows.n).toBe(4);
    expect(rows.X[1 * 4 + 0]).toBe(fm.columns[0]![300 * 4 + 1]);
  });

  it('ranks are in [0, 1] with ties averaged', () => {
    expect([...rankFractions([3, 1, 2, NaN, 2])]).toEqual([1, 0, 0.5, NaN, 0.5]);
  });

  it('does not mutate the panel', () => {
    const before = panel.field('close').slice();
    computeFeatures(createFeatures([{ kind: 'macd' }, { kind: 'atr' }, { kind: 'volume-z' }]), { panel });
    expect(panel.field('close')).toEqual(before);
  });
});

describe('sentiment on the synthetic market', () => {
  it('the lexicon scorer recovers the planted headline tone (correlation > 0.95, no unscored headline)', async () => {
    const { synthesizeMarket } = await import('../synth/index.ts');
    const { pearson } = await import('../metrics/index.ts');
    const m = synthesizeMarket({ seed: 42, years: 2, stocks: 4 });
    const scores = m.headlines.map((h) => scoreText(h.text));
    expect(scores.filter((s) => s === 0)).toHaveLength(0);
    expect(pearson(scores, Array.from(m.truth.headlineTone))).toBeGreaterThan(0.95);
  });
});

describe('features through the shared audit harness (src/audit)', () => {
  it('every default ML feature passes assertPointInTime (garbage and delete modes)', async () => {
    const { assertPointInTime } = await import('../audit/index.ts');
    const features = createFeatures([
      { kind: 'returns' },
      { kind: 'momentum', windows: [21, 63] },
      { kind: 'moving-averages', windows: [20], crossover: [5, 20] },
      { kind: 'volatility' },
      { kind: 'rsi' },
      { kind: 'macd' },
      { kind: 'bollinger' },
      { kind: 'atr' },
      { kind: 'volume-z', window: 21 },
      { kind: 'rank', window: 21 },
      { kind: 'macro-surprise', series: ['inflation'], horizon: 5, window: 150, minReleases: 3 },
    ]);
    // Records travel with the panel and are perturbed the same way (released after asOf: garbled or deleted).
    const asFeaturePanel = (p: Panel, _asOf: string, recs?: unknown): Panel => {
      const fm = computeFeatures(features, { panel: p, records: recs as PitRecords });
      return new Panel({
        dates: p.dates,
        assets: p.assets,
        fields: Object.fromEntries(fm.names.map((n, j) => [n, fm.columns[j]!])),
      });
    };
    const report = assertPointInTime({ panel, asOf: [dates[150]!, dates[300]!], compute: asFeaturePanel, records });
    const last = computeFeatures(features, { panel, records }).columns.at(-1)!;
    expect(last.slice(300 * panel.nAssets).some(Number.isFinite)).toBe(true); // macro-surprise has values to audit
    expect(report.checks).toBe(4);
  });
});
