/**
 * Tabular Q-learning (Watkins 1989; seed 000's loop): ε-greedy actions from a seeded stream, then
 *   Q[s, a] ← Q[s, a] + α · (r + γ · (1 − terminated) · max_a' Q[s', a'] − Q[s, a]),
 * bootstrapping at truncation (running out of data) but never at termination (ruin). α = 0.1, γ = 0.95 by default;
 * ε decays linearly from `epsilonStart` to `epsilonEnd` over the episodes. Ties in argmax go to the lowest action.
 * The return of every episode is recorded (the training curve). A NaN/infinite reward, or an action the env refuses,
 * stops training with a finding and keeps the table as it was at the start of that episode (the last good policy).
 */
import * as z from 'zod';
import { createRng, usageError, type FindingDraft } from '../core/index.ts';
import type { Env } from './env.ts';

export const qLearningSchema = z.strictObject({
  alpha: z.number().gt(0).max(1).default(0.1).describe('learning rate α'),
  gamma: z.number().min(0).max(1).default(0.95).describe('discount γ'),
  epsilonStart: z.number().min(0).max(1).default(1).describe('exploration rate of the first episode'),
  epsilonEnd: z.number().min(0).max(1).default(0.05).describe('exploration rate of the last episode'),
  episodes: z.int().min(1).default(50),
  maxStepsPerEpisode: z.int().min(1).default(100_000),
});
export type QLearningParams = z.input<typeof qLearningSchema>;

export interface QTableJSON {
  readonly kind: 'q-table';
  readonly nStates: number;
  readonly nActions: number;
  readonly q: readonly number[];
  /** Visits per state-action pair. */
  readonly visits: readonly number[];
  readonly episodeReturns: readonly number[];
}

/** A fitted Q table: greedy policy, training curve, JSON round trip. */
export class QTable {
  readonly nStates: number;
  readonly nActions: number;
  readonly q: Float64Array;
  readonly visits: Uint32Array;
  /** Sum of rewards per training episode. */
  readonly episodeReturns: readonly number[];

  constructor(
    nStates: number,
    nActions: number,
    q?: Float64Array,
    visits?: Uint32Array,
    curve: readonly number[] = [],
  ) {
    this.nStates = nStates;
    this.nActions = nActions;
    this.q = q ?? new Float64Array(nStates * nActions);
    this.visits = visits ?? new Uint32Array(nStates * nActions);
    this.episodeReturns = curve;
  }

  /** Greedy action in state s (lowest index on ties). */
  act(s: number): number {
    if (!Number.isInteger(s) || s < 0 || s >= this.nStates)
      throw usageError(`state must be an integer in [0, ${this.nStates}), got ${s}.`);
    const row = s * this.nActions;
    let best = 0;
    for (let a = 1; a < this.nActions; a++) if (this.q[row + a]! > this.q[row + best]!) best = a;
    return best;
  }

  value(s: number): number {
    return this.q[s * this.nActions + this.act(s)]!;
  }

  toJSON(): QTableJSON {
    return {
      kind: 'q-table',
      nStates: this.nStates,
      nActions: this.nActions,
      q: Array.from(this.q),
      visits: Array.from(this.visits),
      episodeReturns: [...this.episodeReturns],
    };
  }

  static fromJSON(j: QTableJSON): QTable {
    if (j?.kind !== 'q-table' || j.q?.length !== j.nStates * j.nActions || j.visits?.length !== j.q.length)
      throw usageError(
        'QTable.fromJSON: expected { kind: "q-table", nStates, nActions, q, visits } with nStates × nActions values.',
      );
    return new QTable(
      j.nStates,
      j.nActions,
      Float64Array.from(j.q),
      Uint32Array.from(j.visits),
      j.episodeReturns ?? [],
    );
  }
}

export interface QLearningResult {
  readonly table: QTable;
  readonly findings: readonly FindingDraft[];
  /** Episodes completed (< episodes when training stopped on bad input). */
  readonly episodes: number;
}

/**
 * Train a Q table on `env`. `stateOf(obs)` maps an observation to a state in [0, nStates); actions are the env's
 * discrete indices [0, actionSpace.n). The env is reset with `seed` once, then continues its own stream.
 */
export function trainQLearning<O>(
  env: Env<O, number>,
  stateOf: (obs: O) => number,
  nStates: number,
  params: QLearningParams = {},
  seed = 0,
  start?: QTable,
): QLearningResult {
  const p = qLearningSchema.parse(params);
  if (env.actionSpace.kind !== 'discrete' || !(env.actionSpace.n! >= 1))
    throw usageError('Q-learning needs a discrete action space (actions: a list of allocations).');
  const nA = env.actionSpace.n!;
  const rng = createRng(seed).fork('q-learning');
  const table = start ? QTable.fromJSON(start.toJSON()) : new QTable(nStates, nA);
  const { q, visits } = table;
  const curve: number[] = [...table.episodeReturns];
  const findings: FindingDraft[] = [];
  let done = 0;
  for (let ep = 0; ep < p.episodes; ep++) {
    const eps =
      p.episodes === 1 ? p.epsilonEnd : p.epsilonStart + ((p.epsilonEnd - p.epsilonStart) * ep) / (p.episodes - 1);
    const goodQ = q.slice();
    const goodVisits = visits.slice();
    let obs = env.reset(ep === 0 ? { seed } : {}).obs;
    let s = checkState(stateOf(obs), nStates);
    let ret = 0;
    let bad: string | null = null;
    for (let k = 0; k < p.maxStepsPerEpisode; k++) {
      const a = rng.uniform() < eps ? rng.int(nA) : table.act(s);
      let r;
      try {
        r = env.step(a);
      } catch (e) {
        bad = `the environment refused action ${a}: ${(e as Error).message}`;
        break;
      }
      if (!Number.isFinite(r.reward)) {
        bad = `reward ${r.reward} at step ${k} of episode ${ep}`;
        break;
      }
      const s2 = checkState(stateOf(r.obs), nStates);
      const boot = r.terminated ? 0 : p.gamma * table.value(s2);
      const i = s * nA + a;
      q[i] = q[i]! + p.alpha * (r.reward + boot - q[i]!);
      visits[i] = visits[i]! + 1;
      ret += r.reward;
      s = s2;
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
    if (bad !== null) {
      q.set(goodQ);
      visits.set(goodVisits);
      findings.push({
        severity: 'warning',
        kind: 'rl-training-stopped',
        message: `Q-learning stopped in episode ${ep + 1} of ${p.episodes}: ${bad}; the policy learned before that episode is kept`,
        fix: 'check the data and the reward for NaN values',
      });
      break;
    }
    curve.push(ret);
    done++;
  }
  return { table: new QTable(nStates, nA, q, visits, curve), findings, episodes: done };
}

function checkState(s: number, n: number): number {
  if (!Number.isInteger(s) || s < 0 || s >= n)
    throw usageError(`stateOf returned ${s}; a state must be an integer in [0, ${n}).`);
  return s;
}
