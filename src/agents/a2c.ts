/**
 * Advantage actor-critic (Mnih et al. 2016, synchronous) as SB3 `a2c/a2c.py`: one gradient step per rollout on
 * the whole rollout: −mean(Â·log π) + vfCoef·mse(returns, V) − entCoef·entropy, gradient-norm clipping. Differs
 * from SB3 in the optimizer: Adam (Keel's kit has no RMSprop).
 */
import { clipGradNorm } from '../models/index.ts';
import type { AgentAlgorithm, AgentJSON } from './agent.ts';
import { meanStd, OnPolicyAgent, onPolicyDefaults, type OnPolicyParams, type TrainContext } from './on-policy.ts';

export type A2cParams = OnPolicyParams;

export const a2cDefaults: A2cParams = {
  ...onPolicyDefaults,
  nSteps: 16,
  gaeLambda: 1,
  learningRate: 7e-4,
  learningRateEnd: 7e-4,
  normalizeAdvantage: false,
};

export class A2c extends OnPolicyAgent<A2cParams> {
  readonly algorithm = 'a2c' as const;

  constructor(params: Partial<A2cParams> = {}) {
    super({
      ...a2cDefaults,
      ...params,
      learningRateEnd: params.learningRateEnd ?? params.learningRate ?? a2cDefaults.learningRateEnd,
    });
  }

  static fromJSON(json: AgentJSON): A2c {
    return new A2c(json.params as Partial<A2cParams>).load(json);
  }

  protected algorithmName(): AgentAlgorithm {
    return 'a2c';
  }

  protected train({ buffer, optimizer }: TrainContext): Record<string, number> {
    const p = this.params;
    const actor = this.actor!;
    const critic = this.critic!;
    const dist = this.dist!;
    const params = this.trainable;
    const n = buffer.size;
    const adv = buffer.advantages.slice(0, n);
    if (p.normalizeAdvantage && n > 1) {
      const { mean, std } = meanStd(adv, n);
      for (let i = 0; i < n; i++) adv[i] = (adv[i]! - mean) / (std + 1e-8);
    }
    for (const t of params) t.grad.fill(0);
    const out = actor.forward(buffer.obs, n, true);
    const logp = new Float64Array(n);
    const ent = new Float64Array(n);
    dist.logProbs(out, buffer.actions, n, logp, ent);
    const cLogp = new Float64Array(n);
    const cEnt = new Float64Array(n).fill(-p.entCoef / n);
    let pg = 0;
    let entMean = 0;
    for (let i = 0; i < n; i++) {
      pg -= adv[i]! * logp[i]!;
      cLogp[i] = -adv[i]! / n;
      entMean += ent[i]!;
    }
    pg /= n;
    entMean /= n;
    const dOut = new Float64Array(n * dist.k);
    dist.backprop(out, buffer.actions, n, cLogp, cEnt, dOut);
    actor.backward(dOut, n);
    const v = critic.forward(buffer.obs, n, true);
    const dV = new Float64Array(n);
    let vl = 0;
    for (let i = 0; i < n; i++) {
      const e = v[i]! - buffer.returns[i]!;
      vl += e * e;
      dV[i] = (p.vfCoef * 2 * e) / n;
    }
    vl /= n;
    critic.backward(dV, n);
    const loss = pg + p.vfCoef * vl - p.entCoef * entMean;
    const norm = clipGradNorm(params, p.maxGradNorm);
    this.guard(loss, norm, 'the rollout');
    optimizer.step();
    return { policyLoss: pg, valueLoss: vl, entropy: entMean, gradNorm: norm };
  }
}
