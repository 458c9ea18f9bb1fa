import { describe, expect, it } from 'vitest';
import { Matrix } from '../core/index.ts';
import { efficientRisk, minVariance, portfolioVariance } from './index.ts';

describe('efficient-risk with a trading-cost penalty', () => {
  // Two assets, σ = 20 % and 10 %, uncorrelated: the least volatile portfolio is 20/80 with σ ≈ 8.94 %. Held: 100 %
  // of the volatile one. The old floor was the cost-penalised portfolio nearest the held one, so a 12 % target was
  // declared "below the minimum achievable" although 8.94 % is reachable.
  const dist = {
    assets: ['RISKY', 'CALM'],
    mu: Float64Array.of(0.08, 0.02),
    cov: Matrix.fromRows([
      [0.04, 0],
      [0, 0.01],
    ]),
    previousWeights: Float64Array.of(1, 0),
  };
  const vol = (w: Float64Array): number => Math.sqrt(portfolioVariance(w, dist.cov));

  it('the volatility floor ignores the cost penalty: a target between the floor and the held portfolio is met', () => {
    expect(vol(minVariance(dist))).toBeCloseTo(Math.sqrt(0.008), 12);
    const w = efficientRisk(dist, 0.12, { transactionCost: 0.05 });
    expect(vol(w)).toBeLessThanOrEqual(0.12 * (1 + 1e-9));
    expect(vol(w)).toBeGreaterThan(0.12 * (1 - 1e-6)); // the cap binds: μ favours the volatile asset
    expect(w[0]! + w[1]!).toBeCloseTo(1, 12);
  });

  it('a target below the true floor is still infeasible, with the floor in the message', () => {
    expect(() => efficientRisk(dist, 0.08, { transactionCost: 0.05 })).toThrow(
      /volatility target 0.08 is below the minimum achievable 0.0894427/,
    );
  });
});
