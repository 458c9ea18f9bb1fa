/**
 * How an agent's action becomes target weights (fractions of NAV, one per asset; the rest is cash):
 * - `simplex`: a vector of n + 1 scores (the last one is cash; n with `cash: false`) mapped onto the probability
 *   simplex by `softmax` (default; w = e^{a − max} / Σ e^{a − max}) or by Euclidean `projection` (Duchi et al. 2008:
 *   the nearest point of {w ≥ 0, Σw = 1}); long only.
 * - `long-short`: n weights in [−maxGross, maxGross], scaled down together into the leverage limits.
 * - `discrete`: an integer index into a declared list of allocations (each checked against the limits up front).
 * Every mapped target is then scaled into the backtest's leverage limits with the engine's own `scale` arithmetic,
 * so the engine never sees a breach.
 */
import * as z from 'zod';
import { configError, usageError } from '../core/index.ts';
import type { Space } from './env.ts';

export const actionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('simplex'),
    map: z.enum(['softmax', 'projection']).default('softmax'),
    cash: z.boolean().default(true).describe('the last component is cash'),
  }),
  z.strictObject({ kind: z.literal('long-short') }),
  z.strictObject({
    kind: z.literal('discrete'),
    allocations: z.array(z.array(z.number())).min(2).describe('target weights per action, one per asset'),
  }),
]);
export type ActionSpec = z.input<typeof actionSchema>;

export interface Limits {
  readonly maxGross: number;
  readonly minNet: number;
  readonly maxNet: number;
}

/** Scale w (in place) into the limits: the engine's `onBreach: scale` arithmetic. */
export function scaleIntoLimits(w: Float64Array, lev: Limits): Float64Array {
  let gross = 0;
  let net = 0;
  for (const v of w) {
    gross += Math.abs(v);
    net += v;
  }
  let k = 1;
  if (gross > lev.maxGross) k = Math.min(k, lev.maxGross / gross);
  if (net * k > lev.maxNet) k = Math.min(k, lev.maxNet / net);
  if (net * k < lev.minNet) k = Math.min(k, lev.minNet / net);
  if (k !== 1) for (let a = 0; a < w.length; a++) w[a] = w[a]! * k;
  return w;
}

/** Euclidean projection of v onto the probability simplex (sort-based, O(m log m)). */
export function projectSimplex(v: ArrayLike<number>): Float64Array {
  const m = v.length;
  const u = Float64Array.from(v).sort().reverse();
  let css = 0;
  let theta = 0;
  for (let j = 0; j < m; j++) {
    css += u[j]!;
    const t = (css - 1) / (j + 1);
    if (u[j]! - t > 0) theta = t;
  }
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) out[j] = Math.max(v[j]! - theta, 0);
  return out;
}

export function softmax(v: ArrayLike<number>): Float64Array {
  let mx = -Infinity;
  for (let j = 0; j < v.length; j++) mx = Math.max(mx, v[j]!);
  const out = new Float64Array(v.length);
  let s = 0;
  for (let j = 0; j < v.length; j++) s += out[j] = Math.exp(v[j]! - mx);
  for (let j = 0; j < v.length; j++) out[j] = out[j]! / s;
  return out;
}

/** The first `n` components of softmax(v) (the rest, cash, is implied): one allocation per step, not two. */
function softmaxHead(v: Float64Array, n: number): Float64Array {
  let mx = -Infinity;
  for (let j = 0; j < v.length; j++) if (v[j]! > mx) mx = v[j]!;
  const out = new Float64Array(n);
  let s = 0;
  for (let j = 0; j < v.length; j++) {
    const e = Math.exp(v[j]! - mx);
    if (j < n) out[j] = e;
    s += e;
  }
  for (let j = 0; j < n; j++) out[j] = out[j]! / s;
  return out;
}

export interface ActionMap {
  readonly space: Space;
  /** Target weights (fresh array) of an action; throws a one-line usageError for an action outside the space. */
  toWeights(action: Float64Array | number): Float64Array;
  /** Discrete maps: the allocations (copies), else null. */
  readonly allocations: readonly Float64Array[] | null;
}

export function createActionMap(spec: ActionSpec, n: number, lev: Limits): ActionMap {
  const p = actionSchema.parse(spec);
  const tol = 1e-9;
  if (p.kind === 'discrete') {
    const allocs = p.allocations.map((w, i) => {
      if (w.length !== n)
        throw configError(`actions.allocations[${i}] has ${w.length} weights, expected one per asset (${n}).`);
      if (!w.every(Number.isFinite)) throw configError(`actions.allocations[${i}] has a non-finite weight.`);
      const gross = w.reduce((s, v) => s + Math.abs(v), 0);
      const net = w.reduce((s, v) => s + v, 0);
      if (gross > lev.maxGross + tol || net > lev.maxNet + tol || net < lev.minNet - tol)
        throw configError(
          `actions.allocations[${i}] has gross ${gross.toFixed(4)} / net ${net.toFixed(4)} outside the leverage limits (maxGross ${lev.maxGross}, net in [${lev.minNet}, ${lev.maxNet}]); lower its weights or raise backtest.leverage.`,
        );
      return Float64Array.from(w);
    });
    return {
      space: { kind: 'discrete', shape: [], n: allocs.length },
      allocations: allocs,
      toWeights(action) {
        if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= allocs.length)
          throw usageError(
            `action must be an integer index in [0, ${allocs.length}) into the declared allocations, got ${String(action)}.`,
          );
        return allocs[action]!.slice();
      },
    };
  }
  const m = p.kind === 'simplex' && p.cash ? n + 1 : n;
  const bound = p.kind === 'long-short' ? lev.maxGross : Infinity;
  const space: Space = {
    kind: 'box',
    shape: [m],
    low: new Float64Array(m).fill(-bound),
    high: new Float64Array(m).fill(bound),
  };
  return {
    space,
    allocations: null,
    toWeights(action) {
      if (!(action instanceof Float64Array) || action.length !== m)
        throw usageError(
          `action must be a Float64Array of ${m} values (${p.kind}), got ${typeof action === 'number' ? 'a number' : `${(action as { length?: number })?.length} values`}.`,
        );
      for (let j = 0; j < m; j++) {
        const v = action[j]!;
        if (!Number.isFinite(v) || Math.abs(v) > bound)
          throw usageError(
            `action[${j}] = ${v} is outside the action space [${-bound}, ${bound}]; clip the agent's output or fix its divergence.`,
          );
      }
      if (p.kind === 'long-short') return scaleIntoLimits(action.slice(), lev);
      if (p.map === 'softmax') return scaleIntoLimits(softmaxHead(action, n), lev);
      return scaleIntoLimits(projectSimplex(action).slice(0, n), lev);
    },
  };
}
