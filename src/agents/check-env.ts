/**
 * `checkEnv(env)`: the contract battery every environment must pass (Gymnasium's env_checker, typed). Pass a FRESH
 * environment (never reset): it checks that `step` before `reset` throws, that observations fit the declared space,
 * that actions sampled from the action space step without error with finite rewards, and that the same seed and
 * the same actions give the same observations, rewards and flags to the byte.
 */
import { createRng, type Rng } from '../core/index.ts';
import type { Env, Space } from './env.ts';

export interface EnvCheckReport {
  readonly ok: boolean;
  /** One line per problem found. */
  readonly problems: readonly string[];
}

/** A random action inside `space` (box: uniform within finite bounds, else within [−1, 1]). */
export function sampleAction(space: Space, rng: Rng): Float64Array | number {
  if (space.kind === 'discrete') return rng.int(space.n ?? 1);
  const m = space.shape.reduce((p, x) => p * x, 1);
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const lo = Math.max(space.low?.[j] ?? -1, -1);
    const hi = Math.min(space.high?.[j] ?? 1, 1);
    out[j] = lo + (hi - lo) * rng.uniform();
  }
  return out;
}

function inSpace(obs: unknown, space: Space): string | null {
  if (space.kind === 'discrete') {
    const n = space.n ?? 0;
    return typeof obs === 'number' && Number.isInteger(obs) && obs >= 0 && obs < n
      ? null
      : `not an integer in [0, ${n})`;
  }
  if (!(obs instanceof Float64Array)) return 'not a Float64Array';
  const m = space.shape.reduce((p, x) => p * x, 1);
  if (obs.length !== m) return `has ${obs.length} values, the space declares ${m}`;
  for (let j = 0; j < m; j++) {
    const v = obs[j]!;
    if (Number.isNaN(v)) return `value ${j} is NaN`;
    if (v < (space.low?.[j] ?? -Infinity) || v > (space.high?.[j] ?? Infinity))
      return `value ${j} = ${v} is outside the bounds`;
  }
  return null;
}

const bytes = (x: unknown): string =>
  JSON.stringify(x, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v));

export function checkEnv<O, A>(env: Env<O, A>, options: { seed?: number; steps?: number } = {}): EnvCheckReport {
  const problems: string[] = [];
  const seed = options.seed ?? 0;
  const steps = options.steps ?? 20;
  let threw = false;
  try {
    env.step(sampleAction(env.actionSpace, createRng(seed)) as A);
  } catch {
    threw = true;
  }
  if (!threw) problems.push('step() before reset() did not throw');
  const run = (): unknown[] => {
    const trace: unknown[] = [];
    const rng = createRng(seed + 1);
    const first = env.reset({ seed });
    const bad = inSpace(first.obs, env.observationSpace);
    if (bad) problems.push(`reset observation ${bad}`);
    trace.push(first.obs);
    for (let i = 0; i < steps; i++) {
      const r = env.step(sampleAction(env.actionSpace, rng) as A);
      const b = inSpace(r.obs, env.observationSpace);
      if (b) problems.push(`step ${i} observation ${b}`);
      if (!Number.isFinite(r.reward)) problems.push(`step ${i} reward is ${r.reward}`);
      if (r.terminated && r.truncated) problems.push(`step ${i} is both terminated and truncated`);
      trace.push([r.obs, r.reward, r.terminated, r.truncated]);
      if (r.terminated || r.truncated) break;
    }
    return trace;
  };
  try {
    const a = bytes(run());
    const b = bytes(run());
    if (a !== b) problems.push(`the same seed (${seed}) and actions gave different steps: not deterministic`);
  } catch (e) {
    problems.push(`stepping with sampled actions threw: ${(e as Error).message}`);
  }
  return { ok: problems.length === 0, problems: [...new Set(problems)] };
}
