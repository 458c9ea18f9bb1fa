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
]);
export type RewardSpec = z.input<typeof rewardSchema>;
export const rewardKinds = ['log-return', 'differential-sharpe', 'risk-penalty'] as const;

/** A reward's running state lives in the object; `reset()` at every episode start. */
export interface Reward {
  readonly kind: string;
  reset(): void;
  /** Reward of a step that took the NAV from `before` to `after` (both > 0 unless ruined). */
  next(before: number, after: number): number;
}

export function createReward(spec: RewardSpec = { kind: 'log-return' }): Reward {
  const r = rewardSchema.safeParse(spec);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw usageError(
      `reward ${JSON.stringify(spec)}: ${i.path.join('.') || 'kind'} ${i.message.toLowerCase()}. Use reward: { kind: log-return }, { kind: differential-sharpe, eta: 0.01 } or { kind: risk-penalty, riskAversion: 5 }.`,
    );
  }
  const p = r.data;
  switch (p.kind) {
    case 'log-return':
      return { kind: p.kind, reset() {}, next: (b, a) => Math.log(a / b) };
    case 'risk-penalty': {
      const lam = p.riskAversion;
      return {
        kind: p.kind,
        reset() {},
        next: (b, a) => {
          const R = a / b - 1;
          return R - 0.5 * lam * R * R;
        },
      };
    }
    case 'differential-sharpe': {
      const eta = p.eta;
      const warmup = p.warmup ?? Math.ceil(1 / eta);
      let A = 0;
      let B = 0;
      let k = 0;
      return {
        kind: p.kind,
        reset() {
          A = 0;
          B = 0;
          k = 0;
        },
        next: (b, a) => {
          const R = a / b - 1;
          const dA = R - A;
          const dB = R * R - B;
          const v = B - A * A;
          const d = k++ >= warmup && v > 1e-12 ? (B * dA - 0.5 * A * dB) / Math.pow(v, 1.5) : 0;
          A += eta * dA;
          B += eta * dB;
          return d;
        },
      };
    }
  }
}
