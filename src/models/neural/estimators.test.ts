import { describe, expect, it } from 'vitest';
import { createRng, isKeelError } from '../../core/index.ts';
import type { Dataset } from '../estimator.ts';
import { cnn1dKind, fnnKind, gruKind, lstmKind, NeuralModel } from './estimators.ts';
import { slidingWindows } from './windows.ts';
import { liveWasmBlocks } from './wasm/wasm-kernels.ts';

const ctx = { asOf: '2030-01-01', seed: 11 };

/** n rows of p standard normal features; y = f(row). */
function tabular(n: number, p: number, seed: number, f: (x: Float64Array) => number): Dataset {
  const rng = createRng(seed);
  const X = new Float64Array(n * p).map(() => rng.normal());
  const y = new Float64Array(n).map((_, i) => f(X.subarray(i * p, (i + 1) * p)));
  return { X, n, p, y, featureNames: Array.from({ length: p }, (_, j) => `x${j}`) };
}

/**
 * The planted sequence pattern: windows of 12 steps × 2 features of noise; the target is
 * x[step 2, feature 0] − x[step 9, feature 1] plus 10 % noise: the model must remember a value seen 10 steps back.
 * Explained variance available: 2 / (2 + 0.01) ≈ 0.995.
 */
function plantedSequences(n: number, seed: number): Dataset {
  const steps = 12;
  const F = 2;
  const rng = createRng(seed);
  const X = new Float64Array(n * steps * F).map(() => rng.normal());
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = X[i * steps * F + 2 * F]! - X[i * steps * F + 9 * F + 1]! + 0.1 * rng.normal();
  return {
    X,
    n,
    p: steps * F,
    steps,
    y,
    featureNames: Array.from({ length: steps * F }, (_, j) => `f${j % F}_t${Math.floor(j / F)}`),
  };
}

function r2(pred: Float64Array, y: Float64Array): number {
  let m = 0;
  for (const v of y) m += v;
  m /= y.length;
  let ss = 0;
  let st = 0;
  for (let i = 0; i < y.length; i++) {
    ss += (y[i]! - pred[i]!) ** 2;
    st += (y[i]! - m) ** 2;
  }
  return 1 - ss / st;
}

describe('fnn', () => {
  it('fits a smooth nonlinear function to out-of-sample R² > 0.9', () => {
    const f = (x: Float64Array): number => Math.sin(x[0]!) + 0.5 * x[1]! * x[1]! - 0.3 * x[2]!;
    const tr = tabular(600, 3, 1, f);
    const te = tabular(300, 3, 2, f);
    const model = fnnKind.create({ hidden: [32, 32], epochs: 60, learningRate: 0.01, patience: 15 }).fit(tr, ctx);
    expect(r2(model.predict(te.X, te.n), te.y)).toBeGreaterThan(0.9);
  });

  it('classifies two interleaved classes (label = x0·x1 > 0) with accuracy > 0.9 and proper probabilities', () => {
    const f = (x: Float64Array): number => (x[0]! * x[1]! > 0 ? 1 : 0);
    const tr = tabular(800, 2, 3, f);
    const te = tabular(300, 2, 4, f);
    const model = fnnKind
      .create({
        task: 'classification',
        hidden: [16, 16],
        activation: 'tanh',
        epochs: 80,
        learningRate: 0.01,
        patience: 20,
      })
      .fit(tr, ctx);
    const pred = model.predict(te.X, te.n);
    let hit = 0;
    for (let i = 0; i < te.n; i++) if (pred[i] === te.y[i]) hit++;
    expect(hit / te.n).toBeGreaterThan(0.9);
    const proba = model.predictProba!(te.X, te.n);
    for (let i = 0; i < te.n; i++) expect(proba[2 * i]! + proba[2 * i + 1]!).toBeCloseTo(1, 12);
  });
});

describe('lstm and gru learn a planted sequence pattern', () => {
  const tr = plantedSequences(1000, 5);
  const te = plantedSequences(300, 6);
  for (const [name, kind] of [
    ['lstm', lstmKind],
    ['gru', gruKind],
  ] as const) {
    it(`${name}: target = x[t2, f0] − x[t9, f1] + noise, held-out R² > 0.9`, () => {
      const model = kind
        .create({ units: [16], epochs: 40, learningRate: 0.01, batchSize: 32, patience: 10 })
        .fit(tr, ctx) as NeuralModel;
      expect(r2(model.predict(te.X, te.n), te.y)).toBeGreaterThan(0.9);
      const d = model.diagnostics;
      expect(d.trainLoss.length).toBe(d.epochsRun);
      expect(d.validationLoss.length).toBe(d.epochsRun);
      expect(d.trainLoss[d.trainLoss.length - 1]!).toBeLessThan(d.trainLoss[0]!);
      // learnt something: both folds end well below what the training fold's mean scores as a forecast
      expect(d.trainLoss[d.trainLoss.length - 1]!).toBeLessThan(0.2 * d.constantLoss!.train);
      expect(d.validationLoss[d.bestEpoch - 1]!).toBeLessThan(0.2 * d.constantLoss!.validation);
    });
  }

  it('constantLoss is the loss of the training fold’s mean target on each fold, in the standardised units', () => {
    const data = plantedSequences(200, 7);
    const m = lstmKind.create({ units: [4], epochs: 1, validationFraction: 0.25 }).fit(data, ctx) as NeuralModel;
    // independent arithmetic: standardise y over all rows, the first 150 rows (row order) are the training fold
    const y = Array.from(data.y);
    const mean = y.reduce((a, v) => a + v, 0) / y.length;
    const sd = Math.sqrt(y.reduce((a, v) => a + (v - mean) ** 2, 0) / y.length);
    const z = y.map((v) => (v - mean) / sd);
    const tr = z.slice(0, 150);
    const va = z.slice(150);
    const m0 = tr.reduce((a, v) => a + v, 0) / tr.length;
    const mse = (xs: number[]): number => xs.reduce((a, v) => a + (v - m0) ** 2, 0) / xs.length;
    expect(m.diagnostics.constantLoss!.train).toBeCloseTo(mse(tr), 12);
    expect(m.diagnostics.constantLoss!.validation).toBeCloseTo(mse(va), 12);
    const none = lstmKind.create({ units: [4], epochs: 1, validationFraction: 0 }).fit(data, ctx) as NeuralModel;
    expect(none.diagnostics.constantLoss!.train).toBeCloseTo(1, 12); // the mean of all rows, standardised: variance 1
    expect(none.diagnostics.constantLoss!.validation).toBeNaN();
  });

  it('cnn1d learns a local pattern (sum of feature 0 over steps 4..6) to held-out R² > 0.9', () => {
    const mk = (n: number, seed: number): Dataset => {
      const d = plantedSequences(n, seed);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let t = 4; t <= 6; t++) y[i] = y[i]! + d.X[i * d.p + t * 2]!;
      return { ...d, y };
    };
    const a = mk(800, 7);
    const b = mk(300, 8);
    const model = cnn1dKind
      .create({ filters: [8], kernelSize: 3, hidden: [16], epochs: 40, learningRate: 0.01 })
      .fit(a, ctx);
    expect(r2(model.predict(b.X, b.n), b.y)).toBeGreaterThan(0.9);
  });
});

describe('estimator contract', () => {
  const data = plantedSequences(120, 9);
  const params = { units: [6, 5], epochs: 3, dropout: 0.2, layerNorm: true };

  it('same seed → identical weights and predictions; another seed → different ones', () => {
    const a = lstmKind.create(params).fit(data, ctx);
    const b = lstmKind.create(params).fit(data, ctx);
    const c = lstmKind.create(params).fit(data, { ...ctx, seed: 12 });
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
    expect(a.predict(data.X, data.n)).toEqual(b.predict(data.X, data.n));
    expect(c.predict(data.X, data.n)).not.toEqual(a.predict(data.X, data.n));
  });

  it('JSON round trip (through text) gives bit-identical predictions for every kind', () => {
    for (const kind of [fnnKind, lstmKind, gruKind, cnn1dKind]) {
      const m = kind.create({ epochs: 2, ...(kind === fnnKind ? {} : {}) }).fit(data, ctx);
      const back = kind.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
      expect(back.predict(data.X, data.n)).toEqual(m.predict(data.X, data.n));
    }
  });

  it('never mutates its inputs', () => {
    const X0 = data.X.slice();
    const y0 = data.y.slice();
    const m = gruKind.create({ units: [4], epochs: 2 }).fit(data, ctx);
    m.predict(data.X, data.n);
    expect(data.X).toEqual(X0);
    expect(data.y).toEqual(y0);
  });

  it('uses only rows dated ≤ asOf: changing later rows changes nothing', () => {
    const dates = Array.from({ length: data.n }, (_, i) => `2020-01-${String(1 + (i % 28)).padStart(2, '0')}`);
    const sorted = [...dates].sort();
    const dated: Dataset = { ...data, sampleDates: sorted };
    const asOf = sorted[80]!;
    const perturbed: Dataset = {
      ...dated,
      X: dated.X.map((v, i) => (sorted[Math.floor(i / data.p)]! > asOf ? v * 100 + 7 : v)),
      y: dated.y.map((v, i) => (sorted[i]! > asOf ? -v : v)),
    };
    const a = lstmKind.create({ units: [4], epochs: 2 }).fit(dated, { asOf, seed: 3 });
    const b = lstmKind.create({ units: [4], epochs: 2 }).fit(perturbed, { asOf, seed: 3 });
    expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
  });

  it('early stopping keeps the best validation epoch', () => {
    const noise = tabular(200, 5, 10, () => 0);
    const rng = createRng(1);
    const y = noise.y.map(() => rng.normal()); // pure noise: validation loss stops improving quickly
    const m = fnnKind
      .create({ hidden: [64], epochs: 200, learningRate: 0.01, patience: 5 })
      .fit({ ...noise, y }, ctx) as NeuralModel;
    const d = m.diagnostics;
    expect(d.stopped).toBe('early-stopping');
    expect(d.epochsRun).toBe(d.bestEpoch + 5);
    expect(Math.min(...d.validationLoss)).toBe(d.validationLoss[d.bestEpoch - 1]);
    expect(d.message).toMatch(/early stopping after epoch \d+/);
  });
});

describe('bad input', () => {
  it('NaN in the inputs stops before training with a one-line message naming feature and row', () => {
    const d = plantedSequences(50, 1);
    const X = d.X.slice();
    X[7 * d.p + 3] = Number.NaN;
    expect(() => lstmKind.create({ epochs: 1 }).fit({ ...d, X }, ctx)).toThrow(
      /feature "f1_t1" is NaN at training row 7/,
    );
  });

  it('a diverging loss stops training with epoch, batch and what diverged, keeping the last good weights', () => {
    const d = tabular(200, 3, 1, (x) => x[0]! + x[1]!);
    const m = fnnKind
      .create({
        optimizer: 'sgd',
        learningRate: 50,
        momentum: 0.9,
        clipNorm: 0,
        epochs: 20,
        hidden: [16],
        validationFraction: 0,
      })
      .fit(d, ctx) as NeuralModel;
    const diag = m.diagnostics;
    expect(diag.stopped).toBe('diverged');
    expect(diag.message).toMatch(
      /^training diverged at epoch \d+, batch \d+ of \d+: the (loss|gradient norm) .*; kept the weights from (initialisation|epoch \d+)\. Lower learningRate \(now 50\) or set clipNorm/,
    );
    expect(diag.message).not.toContain('\n');
    for (const v of m.predict(d.X, d.n)) expect(Number.isFinite(v)).toBe(true);
  });

  it('a window longer than the data is a clear error', () => {
    const series = new Float64Array(40 * 4);
    expect(() => slidingWindows(series, 40, 4, 60)).toThrow(
      'window of 60 steps is longer than the data (40 rows); shorten steps to at most 40 or supply more history.',
    );
    try {
      slidingWindows(series, 40, 4, 60);
    } catch (e) {
      expect(isKeelError(e)).toBe(true);
    }
    const w = slidingWindows(
      Float64Array.from({ length: 10 }, (_, i) => i),
      5,
      2,
      3,
    );
    expect(w.n).toBe(3);
    expect(Array.from(w.X.subarray(6, 12))).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('a sequence model without steps, or a CNN whose kernels do not fit the window, is a clear error', () => {
    const d = tabular(30, 6, 1, () => 0);
    expect(() => lstmKind.create({ epochs: 1 }).fit(d, ctx)).toThrow(/lstm: needs a sequence dataset \(steps set/);
    expect(() => cnn1dKind.create({ kernelSize: 4, filters: [2, 2] }).fit({ ...d, steps: 6 }, ctx)).toThrow(
      /cnn1d: 2 convolutions of kernelSize 4 need windows longer than 6 steps/,
    );
  });

  it('unknown params are rejected by the schema', () => {
    expect(() => lstmKind.create({ unit: [4] })).toThrow(/model "lstm" param/);
  });
});

describe('registration and pooled (tabular) rows', () => {
  it('the neural kinds are in modelKinds through the models door', async () => {
    const { modelKinds } = await import('../index.ts');
    for (const k of ['fnn', 'lstm', 'gru', 'cnn1d']) expect(modelKinds[k]).toBeDefined();
  });

  it('param steps turns rows without Dataset.steps into sequences (same model as a dataset with steps)', () => {
    const d = plantedSequences(60, 2);
    const { steps: _s, ...flat } = d;
    const a = lstmKind.create({ units: [4], epochs: 2 }).fit(d, ctx);
    const b = lstmKind.create({ units: [4], epochs: 2, steps: 12 }).fit(flat, ctx);
    expect(b.predict(d.X, d.n)).toEqual(a.predict(d.X, d.n));
    expect(() => lstmKind.create({ steps: 5 }).fit(flat, ctx)).toThrow(
      /steps must be a positive integer dividing p, got steps=5, p=24/,
    );
  });
});

describe('wasm memory across fits', () => {
  it('training and inference give their wasm blocks back at once (a synchronous walk-forward does not grow memory)', () => {
    const data = tabular(200, 8, 5, (x) => x[0]! - x[1]!);
    const before = liveWasmBlocks();
    const cases = [
      ['lstm', lstmKind, { epochs: 2, units: [6, 4], steps: 4, batchSize: 32 }],
      ['cnn1d', cnn1dKind, { epochs: 2, filters: [3], kernelSize: 2, hidden: [4], steps: 4, batchSize: 32 }],
      ['fnn', fnnKind, { epochs: 2, hidden: [8], batchSize: 32 }],
    ] as const;
    for (const [name, kind, params] of cases) {
      for (let i = 0; i < 3; i++) {
        const m = kind.create(params as never).fit(data, { ...ctx, seed: i });
        expect(liveWasmBlocks(), `${name} after fit ${i}`).toBe(before);
        m.predict(data.X, data.n);
        expect(liveWasmBlocks(), `${name} fit ${i}`).toBe(before);
      }
    }
  });
});
