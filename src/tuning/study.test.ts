import { describe, expect, it } from 'vitest';
import { createStudy } from './index.ts';
import type { SearchSpace } from './index.ts';

const space: SearchSpace = { x: { kind: 'float', low: -1, high: 1 } };

describe('ask/tell study', () => {
  it('records failed trials (objective throws, NaN, ±Infinity) with the reason, never drops them', () => {
    const s = createStudy({ space, sampler: 'random', seed: 1 });
    s.optimize((_, n) => {
      if (n === 1) throw new Error('solver diverged');
      if (n === 2) return NaN;
      if (n === 3) return -Infinity;
      return n;
    }, 6);
    expect(s.trials.map((t) => t.state)).toEqual(['complete', 'failed', 'failed', 'failed', 'complete', 'complete']);
    expect(s.trials[1]!.error).toBe('objective threw: solver diverged');
    expect(s.trials[2]!.error).toMatch(/returned NaN, not a finite number/);
    expect(s.trials[3]!.error).toMatch(/returned -Infinity/);
    expect(s.best!.number).toBe(0); // failed trials never become best
  });

  it('ask/tell by hand: best follows the direction; ties keep the earliest', () => {
    const s = createStudy({ space, sampler: 'random', seed: 2, direction: 'maximize' });
    const a = s.ask();
    const b = s.ask();
    const c = s.ask();
    s.tell(b, 3);
    s.tell(a, 5);
    s.tell(c, 5);
    expect(s.best!.number).toBe(0);
    expect(s.trials.map((t) => t.value)).toEqual([5, 3, 5]);
  });

  it('refuses to tell twice, or to tell parameters it did not ask for', () => {
    const s = createStudy({ space, seed: 3 });
    const p = s.ask();
    s.tell(p, 1);
    expect(() => s.tell(p, 2)).toThrow(/trial 0 was already told \(complete\); ask\(\) for a new trial/);
    expect(() => s.tell({ x: 0.5 }, 1)).toThrow(/parameters that ask\(\) did not return/);
  });

  it('an asked but untold trial stays running and is left out of TPE’s groups', () => {
    const s = createStudy({ space, seed: 4 });
    s.optimize((p) => (p.x as number) ** 2, 12);
    s.ask();
    expect(s.trials.at(-1)!.state).toBe('running');
    expect(() => s.optimize((p) => (p.x as number) ** 2, 5)).not.toThrow();
    expect(s.trials.length).toBe(18);
  });

  it('optimizeAsync awaits the objective and records rejections as failures', async () => {
    const s = createStudy({ space, sampler: 'random', seed: 5 });
    await s.optimizeAsync(async (p, n) => {
      if (n === 0) throw new Error('no data');
      return (p.x as number) ** 2;
    }, 3);
    expect(s.trials.map((t) => t.state)).toEqual(['failed', 'complete', 'complete']);
  });

  it('validates the space, direction and trial count with the rule and the fix', () => {
    expect(() => createStudy({ space: { lr: { kind: 'float', low: 0, high: 1, log: true } } })).toThrow(
      /space.lr: log scale needs low > 0, got 0/,
    );
    expect(() => createStudy({ space: { n: { kind: 'int', low: 1, high: 10, step: 2 } } })).toThrow(
      /high − low = 9 is not a multiple of step 2; use high: 9/,
    );
    expect(() => createStudy({ space, direction: 'up' as never })).toThrow(/direction must be minimize or maximize/);
    expect(() => createStudy({ space }).optimize(() => 0, 0)).toThrow(/nTrials must be an integer ≥ 1, got 0/);
    expect(() => createStudy({ space, sampler: 'cmaes' as never })).toThrow(/sampler must be tpe, random or grid/);
  });
});
