import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { createStudy, gammaCount, numericScale, splitTrials, tpeDefaults } from './index.ts';
import type { Params, SearchSpace, Trial } from './index.ts';

const mixed: SearchSpace = {
  lr: { kind: 'float', low: 1e-5, high: 1, log: true },
  depth: { kind: 'int', low: 2, high: 20, step: 2 },
  width: { kind: 'int', low: 1, high: 1000, log: true },
  x: { kind: 'float', low: -3, high: 3 },
  model: { kind: 'categorical', choices: ['ridge', 'forest', 'boost'] },
};
const mixedObjective = (p: Params): number =>
  (Math.log10(p.lr as number) + 3) ** 2 +
  ((p.depth as number) - 8) ** 2 / 10 +
  (Math.log(p.width as number) - Math.log(50)) ** 2 +
  ((p.x as number) - 1) ** 2 +
  (p.model === 'forest' ? 0 : 1);

function run(seed: number, n = 40, space = mixed, objective = mixedObjective): Trial[] {
  const s = createStudy({ space, sampler: 'tpe', seed });
  s.optimize(objective, n);
  return [...s.trials];
}

describe('TPE sampler', () => {
  it('same seed → the same trial sequence, to the byte; another seed → another sequence', () => {
    const a = JSON.stringify(run(11));
    expect(JSON.stringify(run(11))).toBe(a);
    expect(JSON.stringify(run(12))).not.toBe(a);
  });

  it('γ(n) = min(⌈0.1·n⌉, 25), optuna’s default', () => {
    expect([1, 10, 11, 20, 30, 100, 249, 250, 251, 1000].map((n) => gammaCount(n))).toEqual([
      1, 1, 2, 2, 3, 10, 25, 25, 25, 25,
    ]);
  });

  it('splits completed trials into the best γ(n) (l) and the rest (g), each oldest first; failed trials join g', () => {
    const values = [5, 1, 9, 3, 7, 2, 8, 6, 4, 0, 10, 11];
    const trials: Trial[] = values.map((v, i) => ({ number: i, params: { x: i }, state: 'complete', value: v }));
    trials.push({ number: 12, params: { x: 12 }, state: 'failed', error: 'boom' });
    trials.push({ number: 13, params: { x: 13 }, state: 'running' });
    const min = splitTrials(trials, 'minimize');
    expect(min.below.map((t) => t.number)).toEqual([1, 9]); // γ(12) = 2: values 0 and 1, in trial order
    expect(min.above.map((t) => t.number)).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12]);
    const max = splitTrials(trials, 'maximize');
    expect(max.below.map((t) => t.number)).toEqual([10, 11]);
    expect(max.above).toContain(trials[12]);
    expect(max.above).not.toContain(trials[13]);
  });

  it('the first nStartupTrials (10) are uniform draws, then proposals concentrate where l/g is high', () => {
    const s = createStudy({ space: { x: { kind: 'float', low: 0, high: 100 } }, seed: 3 });
    s.optimize((p) => ((p.x as number) - 70) ** 2, 60);
    const xs = s.trials.map((t) => t.params.x as number);
    const near = (a: number[]): number => a.filter((x) => Math.abs(x - 70) < 10).length / a.length;
    expect(near(xs.slice(40))).toBeGreaterThan(0.6);
    expect(near(xs.slice(0, tpeDefaults.nStartupTrials))).toBeLessThan(0.5);
  });

  it('log-scale parameters are modelled in log space: the optimum at 1e-4 on [1e-6, 1] is found to within ×3', () => {
    const space: SearchSpace = { lr: { kind: 'float', low: 1e-6, high: 1, log: true } };
    const s = createStudy({ space, seed: 5 });
    s.optimize((p) => (Math.log10(p.lr as number) + 4) ** 2, 50);
    const best = s.best!.params.lr as number;
    expect(best).toBeGreaterThan(1e-4 / 3);
    expect(best).toBeLessThan(1e-4 * 3);
    // The internal units of a log parameter are log(x); ints widen by half a step, log ints by ±0.5 before the log.
    const sc = numericScale({ kind: 'float', low: 1e-6, high: 1, log: true });
    expect([sc.low, sc.high]).toEqual([Math.log(1e-6), 0]);
    const si = numericScale({ kind: 'int', low: 1, high: 1000, log: true });
    expect([si.low, si.high]).toEqual([Math.log(0.5), Math.log(1000.5)]);
    expect(si.fromInternal(Math.log(49.6))).toBe(50);
    expect(numericScale({ kind: 'int', low: 2, high: 20, step: 2 }).fromInternal(6.9)).toBe(6);
  });

  it('int parameters stay on their step grid and in range; log ints stay integers', () => {
    for (const t of run(21, 60)) {
      const d = t.params.depth as number;
      const w = t.params.width as number;
      expect(Number.isInteger(d) && d % 2 === 0 && d >= 2 && d <= 20, `depth ${d}`).toBe(true);
      expect(Number.isInteger(w) && w >= 1 && w <= 1000, `width ${w}`).toBe(true);
    }
  });

  it('categorical: TPE picks the best choice most of the time once it has seen it win', () => {
    const trials = run(8, 80);
    const late = trials.slice(40).map((t) => t.params.model);
    expect(late.filter((m) => m === 'forest').length / late.length).toBeGreaterThan(0.6);
    for (const t of trials) expect(['ridge', 'forest', 'boost']).toContain(t.params.model);
  });

  it('beats random search on a noisy 4-D quadratic (median best over 9 seeds, 60 trials)', () => {
    const space: SearchSpace = Object.fromEntries(
      [0, 1, 2, 3].map((j) => [`x${j}`, { kind: 'float', low: -5, high: 5 }]),
    );
    const med = (sampler: 'tpe' | 'random'): number => {
      const bests: number[] = [];
      for (let seed = 0; seed < 9; seed++) {
        const noise = createRng(100 + seed);
        const s = createStudy({ space, sampler, seed });
        s.optimize(
          (p) => Object.values(p).reduce<number>((a, v) => a + ((v as number) - 1) ** 2, 0) + 0.1 * noise.normal(),
          60,
        );
        bests.push(s.best!.value!);
      }
      return bests.sort((a, b) => a - b)[4]!;
    };
    expect(med('tpe')).toBeLessThan(med('random'));
  });

  it('steers away from where the objective fails (failed trials count in g)', () => {
    const s = createStudy({ space: { x: { kind: 'float', low: 0, high: 1 } }, seed: 2 });
    s.optimize((p) => {
      if ((p.x as number) > 0.6) throw new Error('diverged');
      return ((p.x as number) - 0.3) ** 2;
    }, 60);
    // 40 % of the range fails; after the start-up trials TPE proposes there rarely.
    const late = s.trials.slice(30);
    expect(late.filter((t) => t.state === 'failed').length).toBeLessThan(late.length / 10);
    expect(Math.abs((s.best!.params.x as number) - 0.3)).toBeLessThan(0.05);
  });

  it('multivariate (joint kernels): reproducible, on the grid of each parameter, and finds Branin’s basins', () => {
    const mv = (seed: number): string => {
      const s = createStudy({ space: mixed, sampler: { kind: 'tpe', multivariate: true }, seed });
      s.optimize(mixedObjective, 30);
      for (const t of s.trials) expect(((t.params.depth as number) - 2) % 2).toBe(0);
      return JSON.stringify(s.trials);
    };
    expect(mv(1)).toBe(mv(1));
    const branin = (p: Params): number => {
      const [x, y] = [p.x as number, p.y as number];
      return (
        (y - (5.1 / (4 * Math.PI ** 2)) * x * x + (5 / Math.PI) * x - 6) ** 2 +
        10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) +
        10
      );
    };
    const s = createStudy({
      space: { x: { kind: 'float', low: -5, high: 10 }, y: { kind: 'float', low: 0, high: 15 } },
      sampler: { kind: 'tpe', multivariate: true },
      seed: 4,
    });
    s.optimize(branin, 100);
    expect(s.best!.value!).toBeLessThan(1); // global minimum 0.397887; random search's 100-trial median is ≈ 0.65
  });

  it('refuses bad TPE options with the rule and a fix', () => {
    const space: SearchSpace = { x: { kind: 'float', low: 0, high: 1 } };
    expect(() => createStudy({ space, sampler: { kind: 'tpe', nEiCandidates: 0 } })).toThrow(
      /tpe nEiCandidates must be an integer ≥ 1, got 0; use 24/,
    );
    expect(() => createStudy({ space, sampler: { kind: 'tpe', gammaFraction: 1.5 } })).toThrow(
      /gammaFraction must be in \(0, 1\]/,
    );
  });
});
