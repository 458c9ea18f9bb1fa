import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../core/index.ts';
import type { Env, StepResult } from './env.ts';
import { QuantileBins, nearestAllocation } from './discretise.ts';
import { QTable, trainQLearning } from './q-learning.ts';

/**
 * A 4-state, 2-action MDP with one risky action that can END the episode (termination) while showing the
 * next state's observation, and a time limit (truncation). Transitions: [probability, next, reward, terminates].
 */
type Tr = readonly [number, number, number, boolean];
const MDP: readonly (readonly (readonly Tr[])[])[] = [
  [[[1, 1, 0, false]], [[1, 0, 0.1, false]]],
  [
    [[1, 2, 0, false]],
    [
      [0.5, 3, 1, true],
      [0.5, 3, 1, false],
    ],
  ],
  [
    [
      [0.8, 3, 0, false],
      [0.2, 0, 0, false],
    ],
    [[1, 0, 0.3, false]],
  ],
  [[[1, 3, 0.5, false]], [[1, 0, 0, false]]],
];
const GAMMA = 0.95;

/** Value iteration to 1e-12; `bootstrapTerminal` = the WRONG rule (continue after termination), for contrast. */
function valueIteration(bootstrapTerminal = false): { q: number[][]; policy: number[] } {
  let v = [0, 0, 0, 0];
  let q: number[][] = [];
  for (let it = 0; it < 10_000; it++) {
    q = MDP.map((acts) =>
      acts.map((trs) =>
        trs.reduce((s, [p, n, r, term]) => s + p * (r + (term && !bootstrapTerminal ? 0 : GAMMA * v[n]!)), 0),
      ),
    );
    const nv = q.map((row) => Math.max(...row));
    const diff = Math.max(...nv.map((x, i) => Math.abs(x - v[i]!)));
    v = nv;
    if (diff < 1e-12) break;
  }
  return { q, policy: q.map((row) => (row[1]! > row[0]! ? 1 : 0)) };
}

class MdpEnv implements Env<Float64Array, number> {
  readonly observationSpace = { kind: 'box' as const, shape: [1] };
  readonly actionSpace = { kind: 'discrete' as const, shape: [], n: 2 };
  private rng: Rng | null = null;
  private s = -1;
  private k = 0;
  constructor(
    private readonly horizon: number,
    private readonly rewardOverride?: (k: number) => number | undefined,
  ) {}
  reset(o: { seed?: number } = {}) {
    if (o.seed !== undefined || !this.rng) this.rng = createRng(o.seed ?? 0);
    this.s = this.rng.int(4); // exploring starts
    this.k = 0;
    return { obs: Float64Array.of(this.s), info: {} };
  }
  step(a: number): StepResult<Float64Array> {
    if (this.s < 0) throw new Error('step before reset');
    if (a !== 0 && a !== 1) throw new Error(`action ${a} out of bounds`);
    const u = this.rng!.uniform();
    let acc = 0;
    let pick = MDP[this.s]![a]![0]!;
    for (const tr of MDP[this.s]![a]!) {
      acc += tr[0];
      pick = tr;
      if (u < acc) break;
    }
    this.k++;
    this.s = pick[1];
    const reward = this.rewardOverride?.(this.k) ?? pick[2];
    return {
      obs: Float64Array.of(this.s),
      reward,
      terminated: pick[3],
      truncated: !pick[3] && this.k >= this.horizon,
      info: {},
    };
  }
}

describe('Q-learning', () => {
  const oracle = valueIteration();

  it('the oracle MDP is one where bootstrapping at termination would change the optimal policy', () => {
    expect(valueIteration(true).policy).not.toEqual(oracle.policy);
  });

  it('converges to the value-iteration optimal policy (V* within 0.25, Q* within 1.5) with α = 0.1, γ = 0.95', () => {
    const { table, episodes } = trainQLearning(new MdpEnv(40), (o) => o[0]!, 4, { episodes: 3000 }, 1);
    expect(episodes).toBe(3000);
    expect([0, 1, 2, 3].map((s) => table.act(s))).toEqual(oracle.policy);
    // constant α = 0.1 leaves noise of order √(α/2)·σ(target) around Q*; 0.25 is ~3 % of the values (~8)
    // V* (the greedy values, ~8–10) within 0.25. A constant α = 0.1 leaves noise of order √(α/2)·σ(target) around
    // Q*: ~1.1 for the risky action (its target differs by γ·V(s3) ≈ 9.5 between ending and going on), so every
    // Q within 1.5 — which still excludes the bootstrap-at-termination value 1 + γ·10 = 10.5 against Q* 5.75.
    for (let s = 0; s < 4; s++) {
      expect(Math.abs(table.value(s) - Math.max(...oracle.q[s]!))).toBeLessThan(0.25);
      for (let a = 0; a < 2; a++) expect(Math.abs(table.q[s * 2 + a]! - oracle.q[s]![a]!)).toBeLessThan(1.5);
    }
    expect(table.episodeReturns.length).toBe(3000);
  });

  it('is deterministic to the byte for a seed and round-trips through JSON', () => {
    const run = (seed: number) =>
      JSON.stringify(trainQLearning(new MdpEnv(20), (o) => o[0]!, 4, { episodes: 200 }, seed).table);
    expect(run(5)).toBe(run(5));
    expect(run(5)).not.toBe(run(6));
    const t = trainQLearning(new MdpEnv(20), (o) => o[0]!, 4, { episodes: 50 }, 2).table;
    const back = QTable.fromJSON(JSON.parse(JSON.stringify(t)));
    expect(JSON.stringify(back)).toBe(JSON.stringify(t));
    expect([0, 1, 2, 3].map((s) => back.act(s))).toEqual([0, 1, 2, 3].map((s) => t.act(s)));
    expect(() =>
      QTable.fromJSON({ kind: 'q-table', nStates: 2, nActions: 2, q: [1], visits: [1], episodeReturns: [] }),
    ).toThrow(/^QTable.fromJSON: expected/);
  });

  it('a NaN reward stops training with a finding and keeps the last good policy', () => {
    const good = trainQLearning(new MdpEnv(20), (o) => o[0]!, 4, { episodes: 30 }, 3);
    // the same run, but the 5th step of every episode from the 31st on is NaN
    let episode = 0;
    const env = new MdpEnv(20, (k) =>
      k === 1 ? (episode++, undefined) : k === 5 && episode > 30 ? Number.NaN : undefined,
    );
    const res = trainQLearning(env, (o) => o[0]!, 4, { episodes: 60, epsilonStart: 1, epsilonEnd: 0.05 }, 3);
    expect(res.episodes).toBeLessThan(60);
    expect(res.findings).toHaveLength(1);
    expect(res.findings[0]!.message).toMatch(/^Q-learning stopped in episode \d+ of 60: reward NaN at step 4/);
    expect(Array.from(res.table.q).every(Number.isFinite)).toBe(true);
    expect(res.table.episodeReturns.length).toBe(res.episodes);
    expect(good.episodes).toBe(30);
  });

  it('an action the env refuses stops training with a finding (the policy before it is kept)', () => {
    const env = new MdpEnv(20);
    const wide = {
      ...env,
      actionSpace: { kind: 'discrete' as const, shape: [], n: 3 },
      reset: env.reset.bind(env),
      step: env.step.bind(env),
    };
    const res = trainQLearning(wide, (o) => o[0]!, 4, { episodes: 20 }, 1);
    expect(res.findings[0]!.message).toMatch(/refused action 2: action 2 out of bounds/);
    expect(Array.from(res.table.q).every((x) => x === 0) || res.episodes > 0).toBe(true);
  });
});

describe('discretiser', () => {
  it('quantile bins fitted on training rows; states are mixed-radix; JSON round trip', () => {
    const rng = createRng(1);
    const rows = Array.from({ length: 300 }, () => Float64Array.of(rng.normal(), rng.uniform(), 99));
    const bins = QuantileBins.fit(rows, [0, 1], 3);
    expect(bins.size).toBe(9);
    const counts = new Array(9).fill(0);
    for (const r of rows) counts[bins.state(r)]++;
    for (let b = 0; b < 3; b++) {
      const c = rows.filter((r) => bins.bin(1, r[1]!) === b).length;
      expect(Math.abs(c - 100)).toBeLessThanOrEqual(2); // terciles
    }
    expect(counts.reduce((s, x) => s + x, 0)).toBe(300);
    expect(QuantileBins.fromJSON(JSON.parse(JSON.stringify(bins))).state(rows[7]!)).toBe(bins.state(rows[7]!));
    expect(
      nearestAllocation([0.3, 0.7], [Float64Array.of(1, 0), Float64Array.of(0, 1), Float64Array.of(0.5, 0.5)]),
    ).toBe(2);
  });
});
