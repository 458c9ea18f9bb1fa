import { describe, expect, it } from 'vitest';
import { echartsSource } from './chart-page.ts';
import { renderReportHtml } from './html.ts';
import { normaliseNumbers, reportFromJson, reportToJson } from './model.ts';
import { sampleReportModel } from './sample-model.ts';

describe('report model JSON', () => {
  it('rounds to 10 significant digits and writes NaN/∞ as null', () => {
    expect(
      normaliseNumbers({ a: 0.1 + 0.2, b: NaN, c: [Infinity, -0], d: Float64Array.of(1 / 3), e: undefined }),
    ).toEqual({
      a: 0.3,
      b: null,
      c: [null, 0],
      d: [0.3333333333],
    });
  });

  it('is byte-identical for the same model and round-trips through JSON', () => {
    const a = reportToJson(sampleReportModel());
    const b = reportToJson(sampleReportModel());
    expect(a).toBe(b);
    expect(reportToJson(reportFromJson(a))).toBe(a);
  });
});

describe('report HTML', () => {
  const model = sampleReportModel();
  const html = renderReportHtml(model);

  it('is self-contained: echarts and its own script inline, one JSON option per chart, no external URLs', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // without echarts' own source (fixed bytes of the package), nothing may load or link anything
    const own = html.replace(echartsSource('common'), '');
    expect(own.length).toBeLessThan(html.length - 500_000);
    expect(/<link|src=|href="http|url\(http/i.test(own)).toBe(false);
    const scripts = [...own.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    const figures = [
      ...own.matchAll(
        /<figure class="chart" data-chart="([a-z-]+)"><div class="plot"[^>]*><\/div><script type="application\/json" class="chart-option">([^<]*)<\/script>/g,
      ),
    ];
    expect(scripts.filter((a) => a === '')).toHaveLength(2);
    expect(scripts.filter((a) => a === ' type="application/json" class="chart-option"')).toHaveLength(figures.length);
    for (const kind of ['equity', 'drawdown', 'weights', 'frontier', 'ic', 'importance', 'shap-summary'])
      expect(figures.map((f) => f[1])).toContain(kind);
    for (const f of figures) expect(JSON.parse(f[2]!), f[1]).toHaveProperty('series');
    expect(html).toContain('data-table="metrics"');
    expect(html).toContain('data-table="forecast-quality"');
    for (const t of ['why-weights', 'shadow-prices', 'distillation', 'distillation-rules'])
      expect(html).toContain(`data-table="${t}"`);
    expect(html).toContain('6 configurations tried');
  });

  it('escapes text from the model', () => {
    expect(html).toContain('<title>Sample &lt;report&gt; &amp; test</title>');
    expect(html).toContain('with &lt;b&gt;markup&lt;/b&gt;');
    expect(html).not.toContain('<b>markup</b>');
  });

  it('is a pure function of the model (same bytes twice)', () => {
    expect(renderReportHtml(sampleReportModel())).toBe(html);
  });
});
