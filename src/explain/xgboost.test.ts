import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainEnsemble } from './explainer.ts';
import { ensembleOutput } from './tree-form.ts';
import { fromXgboostJson, nextDown } from './xgboost.ts';

// Fixture written by `/usr/bin/python3 bench/peers/explain.py fixture src/explain/fixtures` (XGBoost 1.7.4):
// XGBoost's own model JSON and its pred_contribs on 24 rows, two of them with a NaN (default direction).
const dir = new URL('./fixtures/', import.meta.url);
const model = JSON.parse(readFileSync(new URL('xgb-model.json', dir), 'utf8'));
const fx = JSON.parse(readFileSync(new URL('xgb-contribs.json', dir), 'utf8')) as {
  X: (number | null)[][];
  margin: number[];
  contribs: number[][];
};

describe("agreement with XGBoost's own TreeSHAP (pred_contribs)", () => {
  const form = fromXgboostJson(model);
  const n = fx.X.length;
  const p = form.nFeatures;
  const X = Float64Array.from(fx.X.flat(), (v) => (v === null ? NaN : v));

  it('the loaded trees reproduce XGBoost margins (float32 leaves summed in double: |Δ| < 1e-5)', () => {
    for (let i = 0; i < n; i++) expect(Math.abs(ensembleOutput(form, X, i) - fx.margin[i]!)).toBeLessThan(1e-5);
  });

  it('SHAP values and the bias agree to 1e-5 (XGBoost accumulates in float32; Keel in double)', () => {
    const { values, base, additivityError } = explainEnsemble(form, X, n);
    expect(additivityError).toBeLessThan(1e-10);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) worst = Math.max(worst, Math.abs(values[i * p + j]! - fx.contribs[i]![j]!));
      worst = Math.max(worst, Math.abs(base - fx.contribs[i]![p]!));
    }
    // the outputs are O(10): 1e-5 is a few float32 ulps of the summed contributions
    expect(worst).toBeLessThan(1e-5);
  });

  it('nextDown turns x < t into x ≤ t′ exactly', () => {
    for (const t of [0.5, 1, -2.25, 1e-300, 0.1]) {
      expect(nextDown(t) < t).toBe(true);
      expect(t <= nextDown(t) ? 1 : 0).toBe(0);
    }
    expect(nextDown(0)).toBeLessThan(0);
  });

  it('rejects a model that is not an XGBoost gbtree JSON with the fix', () => {
    expect(() => fromXgboostJson({ foo: 1 })).toThrow(/save_model/);
  });
});
