import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOptions, type Strategy } from '../backtest/index.ts';
import { synthesizeMarket } from '../synth/index.ts';
import { RL_ALGORITHM_NAMES, rlAlgorithms } from './rl-agent-registry.ts';
import { rlAgentSchema, strategyKinds, type RlDiagnostics } from './index.ts';

const market = synthesizeMarket({ seed: 5, start: '2014-01-01', years: 5, stocks: 0 });
const backtest: BacktestOptions = {
  costs: { kind: 'proportional', bps: 10 },
  rebalance: 'monthly',
  start: '2017-06-01',
  periodsPerYear: 252,
};
const base = {
  features: [{ kind: 'momentum', windows: [63] }],
  stepBars: 5,
  trainWindow: 504,
  refitEvery: 252,
  steps: 256,
  seeds: 2,
};
const make = (p: object, seed = 9): Strategy =>
  (strategyKinds['rl-agent'].create as (x: object, e: object) => Strategy)(p, { name: 'rl', seed, backtest });

describe('rl-agent with the deep agents (dqn, a2c, ppo)', () => {
  it('every algorithm a study may name is registered', () => {
    for (const a of RL_ALGORITHM_NAMES) expect(rlAlgorithms[a]).toBeDefined();
  });

  for (const algorithm of ['ppo', 'a2c', 'dqn'] as const) {
    it(`${algorithm}: trains walk-forward through a backtest, targets on the simplex, same seed → same bytes`, () => {
      const agent =
        algorithm === 'ppo'
          ? { nSteps: 64, nEpochs: 2, hidden: [16] }
          : algorithm === 'a2c'
            ? { hidden: [16] }
            : { hidden: [16], learningStarts: 50 };
      const p = { ...base, algorithm, agent };
      const r = runBacktest(market.panel, make(p), backtest);
      const diag = r.decisions.map((d) => d.diagnostics!['rl'] as RlDiagnostics);
      expect(diag.filter((d) => d.refit).length).toBeGreaterThanOrEqual(1);
      for (const d of r.decisions) {
        let s = 0;
        for (const w of d.target) {
          expect(w).toBeGreaterThanOrEqual(0);
          s += w;
        }
        expect(s).toBeLessThanOrEqual(1 + 1e-12);
      }
      for (const d of diag) {
        expect(d.agentActions).toHaveLength(2);
        // continuous agents hand the env n + 1 scores (cash last); dqn an index into the allocations
        if (algorithm === 'dqn') expect(typeof d.agentActions[0]).toBe('number');
        else expect(d.agentActions[0]).toHaveLength(5);
      }
      expect(r.findings.filter((f) => f.kind === 'rl-training-stopped')).toEqual([]);
      const again = runBacktest(market.panel, make(p), backtest);
      expect(Buffer.from(again.weights.buffer).equals(Buffer.from(r.weights.buffer))).toBe(true);
    });
  }

  it('an agent block key the algorithm does not know is refused at validation with its path', () => {
    const res = rlAgentSchema.safeParse({ ...base, algorithm: 'ppo', agent: { nEpochs: 0 } });
    expect(res.error!.issues[0]!.path).toEqual(['agent', 'nEpochs']);
    expect(rlAgentSchema.safeParse({ ...base, algorithm: 'dqn', agent: { clipRange: 0.2 } }).success).toBe(false);
    expect(rlAgentSchema.safeParse({ ...base, algorithm: 'dqn', agent: { l2: -0.1 } }).error!.issues[0]!.path).toEqual([
      'agent',
      'l2',
    ]);
  });

  it('dqn agent.l2 reaches the agent: a penalised study trains other weights, same seed → same bytes', () => {
    const p = { ...base, algorithm: 'dqn', agent: { hidden: [16], learningStarts: 50 } };
    const plain = runBacktest(market.panel, make(p), backtest);
    const ridge = { ...p, agent: { ...p.agent, l2: 1 } };
    const a = runBacktest(market.panel, make(ridge), backtest);
    expect(Buffer.from(runBacktest(market.panel, make(ridge), backtest).weights.buffer)).toEqual(
      Buffer.from(a.weights.buffer),
    );
    const actions = (r: typeof a) => JSON.stringify(r.decisions.map((d) => d.diagnostics!['rl']));
    expect(actions(a)).not.toBe(actions(plain));
  });
});
