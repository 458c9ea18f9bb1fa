import { describe, expect, it } from 'vitest';
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

  it('is self-contained: no scripts, no external URLs, inline SVG charts', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src="http|href="http|url\(http/i);
    for (const kind of ['equity', 'drawdown', 'weights', 'frontier', 'ic', 'importance', 'shap-summary']) {
      expect(html).toContain(`data-chart="${kind}"><svg`);
    }
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
