/**
 * The estimator contract suite: one battery of checks every model kind must pass (classic and neural). A test file
 * calls `runEstimatorContract(cases)`; each case names a kind and its params. Checks: params validated and frozen,
 * clone, determinism per seed, inputs never mutated, JSON round trip with identical predictions, predict shapes and
 * finite outputs, point in time (rows dated after asOf change nothing), one-line errors for constant features and
 * too few rows.
 *
 * Test-only module (imports vitest): never import it from library code.
 */
import { describe, expect, it } from 'vitest';
import { isKeelError } from '../core/index.ts';
import { cloneEstimator, lookupKind, modelFromJSON, type Dataset, type FittedModel, type Task } from './estimator.ts';
import { modelRng } from './internal/rng.ts';

export interface ContractCase {
  /** Test title (defaults to the kind). */
  readonly name?: string;
  readonly kind: string;
  readonly params: unknown;
  readonly task: Task;
  /** Classes for classification cases (default 2). */
  readonly nClasses?: number;
  /** Whether a constant feature must be rejected ('error') or tolerated ('allow'). */
  readonly constantFeatures: 'error' | 'allow';
  /** Rows in the synthetic training set (default 120). */
  readonly n?: number;
  /** Features (default 4); sequence models set p = steps × nFeatures. */
  readonly p?: number;
  /** Seeded training is exactly reproducible (default true). */
  readonly deterministic?: boolean;
}

const iso = (i: number): string => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);

/** Synthetic data: y = x₀ − 2x₁ + ½x₂x₃ + noise (regression), or classes by thresholding that score. */
export function contractDataset(task: Task, n: number, p: number, seed: number, nClasses = 2): Dataset {
  const rng = modelRng(seed);
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X[i * p + j] = rng.normal();
    const x = (j: number): number => X[i * p + (j % p)]!;
    const s = x(0) - 2 * x(1) + 0.5 * x(2) * x(3) + 0.3 * rng.normal();
    if (task === 'regression') y[i] = s;
    else if (nClasses === 2) y[i] = s > 0 ? 1 : 0;
    else y[i] = Math.min(nClasses - 1, Math.max(0, Math.floor((s + 3) / (6 / nClasses))));
  }
  return {
    X,
    y,
    n,
    p,
    featureNames: Array.from({ length: p }, (_, j) => `f${j}`),
    sampleDates: Array.from({ length: n }, (_, i) => iso(i)),
  };
}

function snapshot(d: Dataset): string {
  return JSON.stringify({ X: Array.from(d.X), y: Array.from(d.y), names: d.featureNames, dates: d.sampleDates });
}

function outputs(m: FittedModel, X: Float64Array, n: number): Record<string, number[]> {
  const o: Record<string, number[]> = { predict: Array.from(m.predict(X, n)) };
  if (m.predictProba) o['proba'] = Array.from(m.predictProba(X, n));
  if (m.predictVariance) o['variance'] = Array.from(m.predictVariance(X, n));
  return o;
}

function expectOneLineKeelError(fn: () => unknown, mentions?: string): void {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a KeelError').not.toBeNull();
  expect(isKeelError(err), `expected a KeelError, got ${String(err)}`).toBe(true);
  const msg = (err as Error).message;
  expect(msg).not.toContain('\n');
  if (mentions !== undefined) expect(msg).toContain(mentions);
}

export function runEstimatorContract(cases: readonly ContractCase[]): void {
  for (const c of cases) {
    const n = c.n ?? 120;
    const p = c.p ?? 4;
    const K = c.nClasses ?? 2;
    const asOf = iso(Math.floor(n * 0.75) - 1);
    describe(`estimator contract: ${c.name ?? c.kind}`, () => {
      const data = contractDataset(c.task, n, p, 7, K);
      const test = contractDataset(c.task, 40, p, 8, K);
      const kind = lookupKind(c.kind);
      const fit = (d: Dataset, seed = 3): FittedModel => kind.create(c.params).fit(d, { asOf, seed });

      it('validates params (unknown key → one-line usage error) and freezes them', () => {
        expectOneLineKeelError(() => kind.create({ ...(c.params as object), notAParam: 1 }));
        const est = kind.create(c.params);
        expect(est.kind).toBe(c.kind);
        expect(Object.isFrozen(est.params)).toBe(true);
        const twin = cloneEstimator(est);
        expect(twin).not.toBe(est);
        expect(JSON.stringify(twin.params)).toBe(JSON.stringify(est.params));
      });

      it('fits without mutating its input, predicts n finite values of the right kind', () => {
        const before = snapshot(data);
        const m = fit(data);
        expect(snapshot(data)).toBe(before);
        const tBefore = snapshot(test);
        const f = m.predict(test.X, test.n);
        expect(snapshot(test)).toBe(tBefore);
        expect(m.kind).toBe(c.kind);
        expect(m.task).toBe(c.task);
        expect(f.length).toBe(test.n);
        for (const v of f) expect(Number.isFinite(v)).toBe(true);
        if (c.task === 'classification') {
          for (const v of f) expect(Number.isInteger(v) && v >= 0 && v < K).toBe(true);
          if (m.predictProba) {
            const P = m.predictProba(test.X, test.n);
            expect(P.length).toBe(test.n * K);
            for (let i = 0; i < test.n; i++) {
              let s = 0;
              for (let k = 0; k < K; k++) {
                expect(P[i * K + k]!).toBeGreaterThanOrEqual(0);
                s += P[i * K + k]!;
              }
              expect(s).toBeCloseTo(1, 9);
            }
          }
        }
        if (m.predictVariance)
          for (const v of m.predictVariance(test.X, test.n)) expect(v > 0 && Number.isFinite(v)).toBe(true);
        const imp = m.featureImportance?.();
        if (imp !== undefined) {
          expect(imp.length).toBe(p);
          let s = 0;
          for (const v of imp) {
            expect(v).toBeGreaterThanOrEqual(0);
            s += v;
          }
          expect(s === 0 || Math.abs(s - 1) < 1e-9).toBe(true);
        }
      });

      if (c.deterministic !== false) {
        it('is deterministic for a seed (identical JSON and predictions)', () => {
          const a = fit(data);
          const b = fit(data);
          expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
          expect(outputs(b, test.X, test.n)).toEqual(outputs(a, test.X, test.n));
        });
      }

      it('round-trips through JSON (modelKinds[kind].fromJSON) with identical predictions', () => {
        const m = fit(data);
        const json = JSON.parse(JSON.stringify(m.toJSON())) as ReturnType<FittedModel['toJSON']>;
        expect(json.kind).toBe(c.kind);
        expect(json.version).toBe(1);
        const back = kind.fromJSON(json);
        expect(outputs(back, test.X, test.n)).toEqual(outputs(m, test.X, test.n));
        expect(outputs(modelFromJSON(json), test.X, test.n)).toEqual(outputs(m, test.X, test.n));
        expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(m.toJSON()));
      });

      it('is point in time: rows dated after asOf change nothing', () => {
        const m = fit(data);
        const X = Float64Array.from(data.X);
        const y = Float64Array.from(data.y);
        const rng = modelRng(99);
        for (let i = 0; i < n; i++) {
          if (data.sampleDates![i]! <= asOf) continue;
          for (let j = 0; j < p; j++) X[i * p + j] = 1e3 * rng.normal();
          y[i] = c.task === 'regression' ? 1e6 * rng.normal() : (y[i]! + 1) % K;
        }
        const perturbed = fit({ ...data, X, y });
        expect(outputs(perturbed, test.X, test.n)).toEqual(outputs(m, test.X, test.n));
      });

      it('too few rows → one-line data error', () => {
        expectOneLineKeelError(() => fit({ ...data, sampleDates: data.sampleDates!.map(() => '2999-01-01') }));
        expectOneLineKeelError(() =>
          kind.create(c.params).fit(contractDataset(c.task, 1, p, 1, K), { asOf: '2999-01-01', seed: 1 }),
        );
      });

      it(
        c.constantFeatures === 'error'
          ? 'constant feature → one-line data error naming it'
          : 'constant feature is tolerated',
        () => {
          const X = Float64Array.from(data.X);
          for (let i = 0; i < n; i++) X[i * p + 1] = 2.5;
          const d = { ...data, X };
          if (c.constantFeatures === 'error') expectOneLineKeelError(() => fit(d), 'f1');
          else for (const v of fit(d).predict(test.X, test.n)) expect(Number.isFinite(v)).toBe(true);
        },
      );
    });
  }
}
