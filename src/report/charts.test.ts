import { describe, expect, it } from 'vitest';
import { navAxis, PALETTE, weightsChart } from './charts.ts';
import type { StrategySeries } from './model.ts';

const series = (nav: number[]): StrategySeries => ({
  name: 's',
  baseline: false,
  dates: nav.map((_, i) => `2020-01-${String(i + 1).padStart(2, '0')}`),
  nav,
  metrics: {},
});

describe('report chart readability', () => {
  it('a NAV between 0.8 and 2.5 gets a linear axis bounded by the data, not a decade-snapped log axis', () => {
    const axis = navAxis([series([1, 0.8, 1.7]), series([1, 1.2, 2.5])]);
    expect(axis['type']).toBe('value');
    expect(axis['min'] as number).toBeGreaterThan(0.7);
    expect(axis['min'] as number).toBeLessThan(0.8);
    expect(axis['max'] as number).toBeGreaterThan(2.5);
    expect(axis['max'] as number).toBeLessThan(2.6);
  });

  it('a NAV spanning more than 4× gets a base-2 log axis bounded by the data', () => {
    const axis = navAxis([series([1, 0.5, 3, 9])]);
    expect(axis).toMatchObject({ type: 'log', logBase: 2 });
    expect(axis['min'] as number).toBeCloseTo(0.5 / 1.03, 12);
    expect(axis['max'] as number).toBeCloseTo(9 * 1.03, 12);
  });

  it('30 distinct colours, and a 24-asset weights chart has 24 bands that take theirs from the palette', () => {
    expect(new Set(PALETTE.map((c) => c.toLowerCase())).size).toBe(30);
    const assets = Array.from({ length: 24 }, (_, i) => `S${i}`);
    const spec = weightsChart({
      strategy: 'x',
      assets,
      dates: ['2020-01-31', '2020-02-28', '2020-03-31'],
      weights: [0, 1, 2].map(() => assets.map(() => 1 / 24)),
    });
    const series = spec.option['series'] as Record<string, unknown>[];
    expect(series.map((x) => x['name'])).toEqual(assets);
    // no series sets its own colour: the page's palette (chart-page.ts) colours them in order; the browser test
    // counts the colours drawn
    for (const x of series)
      expect(x['color'] ?? (x['itemStyle'] as Record<string, unknown> | undefined)?.['color']).toBeUndefined();
  });

  it('every option is plain JSON: no functions (the page gets JSON), formatters named', () => {
    const spec = weightsChart({ strategy: 'x', assets: ['A'], dates: ['2020-01-31'], weights: [[1]] });
    expect(JSON.parse(JSON.stringify(spec.option))).toEqual(spec.option);
    expect((spec.option['yAxis'] as { axisLabel: unknown }).axisLabel).toEqual({
      fontSize: 10,
      formatter: { keelFormat: 'percent', digits: 0 },
    });
  });
});
