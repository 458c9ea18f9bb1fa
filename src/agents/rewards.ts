/**
 * Rewards of one environment step, from the NAV before and after it (after costs and accruals: the step's trade is
 * charged in the step that makes it, so every figure here is net of its own costs).
 *
 * | kind                | reward of a step with simple return R = navAfter / navBefore − 1                       |
 * |---------------------|----------------------------------------------------------------------------------------|
 * | log-return          | ln(1 + R)                                                                              |
 * | differential-sharpe | Moody & Saffell (2001) D_t = (B·ΔA − ½·A·ΔB) / (B − A²)^{3/2} with A, B the EMAs       |
 * |                     | (rate η) of R and R² before this step, ΔA = R − A, ΔB = R² − B; then A += η·ΔA,        |
 * |                     | B += η·ΔB. 0 for the first `warmup` steps (default ⌈1/η⌉), while the EMAs are too young  |
 * |                     | for (B − A²)^{3/2} to be a variance (near 0, it makes D explode), and while B − A² ≤ 1e-12. |
 * | risk-penalty        | R − (λ/2)·R² (quadratic utility: mean minus λ/2 times the second moment)              |
 * | excess-log-return   | ln(1 + R) − ln(G), G the gross return of 1/N over the step's bars (equal weights at the  |
 * |                     | close the step starts from, held, no costs)                                             |
 *
 * excess-log-return has the same optimal policy as log-return: ln G depends on prices alone, never on the actions,
 * so it shifts every policy's expected return by the same amount. It is a control variate: the market's common move,
 * which dominates a step's return and which no allocation among the assets escapes, leaves the reward, and the
 * agent's tilt away from 1/N is what is left to learn from (advantage estimates with far less noise).
 */
import * as z from 'zod';
import { usageError } from '../core/index.ts';

export const rewardSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('log-return') }),
  z.strictObject({
    kind: z.literal('differential-sharpe'),
    eta: z.number().gt(0).lt(1).default(0.01).describe('EMA rate η of the moment estimates (≈ 1 / memory in steps)'),
    warmup: z.int().min(0).optional().describe('steps with reward 0 while the moment EMAs warm up (default ⌈1/η⌉)'),
  }),
  z.strictObject({
    kind: z.literal('risk-penalty'),
    riskAversion: z.number().min(0).default(5).describe('λ in R − (λ/2)·R²'),
  }),
  z
    .strictObject({ kind: z.literal('excess-log-return') })
    .describe('ln(1 + R) minus the log return of 1/N over the step'),
]);
export type RewardSpec = z.input<typeof rewardSchema>;
export const rewardKinds = ['log-return', 'differential-sharpe', 'risk-penalty', 'excess-log-return'] as const;

/** A reward's running state lives in the object; `reset()` at every episode start. */
export interface Reward {
  readonly kind: string;
  /** True when `next` needs the step's 1/N gross return (the environment computes it only then). */
  readonly needsEqualWeight: boolean;
  reset(): void;
  /**
   * Reward of a step that took the NAV from `before` to `after` (both > 0 unless ruined); `equalWeight` is the gross
   * return of 1/N over the same bars (read only when `needsEqualWeight`).
   */
  next(before: number, after: number, equalWeight?: number): number;
  /** What `next` would return for this step, without updating the running state (a counterfactual step). */
  peek(before: number, after: number, equalWeight?: number): number;
}

export function createReward(spec: RewardSpec = { kind: 'log-return' }): Reward {
  const r = rewardSchema.safeParse(spec);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw usageError(
      `reward ${JSON.stringify(spec)}: ${i.path.join('.') || 'kind'} ${i.message.toLowerCase()}. Use reward: { kind: log-return }, { kind: differential-sharpe, eta: 0.01 }, { kind: risk-penalty, riskAversion: 5 } or { kind: excess-log-return }.`,
    );
  }
  const p = r.data;
  switch (p.kind) {
    case 'log-return':
      return { kind: p.kind, needsEqualWeight: false, reset() {}, next: logReturn, peek: logReturn };
    case 'excess-log-return': {
      const excess = (b: number, a: number, g?: number): number => {
        if (g === undefined) throw usageError("reward excess-log-return: the step's 1/N gross return is missing.");
        return Math.log(a / b) - Math.log(g);
      };
      return { kind: p.kind, needsEqualWeight: true, reset() {}, next: excess, peek: excess };
    }
    case 'risk-penalty': {
      const lam = p.riskAversion;
      const utility = (b: number, a: number): number => {
        const R = a / b - 1;
        return R - 0.5 * lam * R * R;
      };
      return { kind: p.kind, needsEqualWeight: false, reset() {}, next: utility, peek: utility };
    }
    case 'differential-sharpe': {
      const eta = p.eta;
      const warmup = p.warmup ?? Math.ceil(1 / eta);
      let A = 0;
      let B = 0;
      let k = 0;
      const dsr = (R: number): number => {
        const v = B - A * A;
        return k >= warmup && v > 1e-12 ? (B * (R - A) - 0.5 * A * (R * R - B)) / Math.pow(v, 1.5) : 0;
      };
      return {
        kind: p.kind,
        needsEqualWeight: false,
        reset() {
          A = 0;
          B = 0;
          k = 0;
        },
        next: (b, a) => {
          const R = a / b - 1;
          const d = dsr(R);
          k++;
          A += eta * (R - A);
          B += eta * (R * R - B);
          return d;
        },
        peek: (b, a) => dsr(a / b - 1),
      };
    }
  }
}

function logReturn(before: number, after: number): number {
  return Math.log(after / before);
}
