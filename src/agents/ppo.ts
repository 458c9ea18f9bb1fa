/**
 * Proximal policy optimisation (Schulman et al. 2017) as SB3 `ppo/ppo.py`: nEpochs passes over the rollout in
 * shuffled minibatches; clipped surrogate objective, value loss against the GAE returns with optional value clipping,
 * entropy bonus, global gradient-norm clipping; an epoch loop stops once a minibatch's approximate KL exceeds
 * 1.5 × targetKl. Logs approx_kl, clip_fraction and explained_variance per update.
 */
import { clipGradNorm } from '../models/index.ts';
import { checkInt, checkRange, type AgentAlgorithm, type AgentJSON } from './agent.ts';
import { meanStd, OnPolicyAgent, onPolicyDefaults, type OnPolicyParams, type TrainContext } from './on-policy.ts';
import { linearSchedule, type Schedule } from './schedules.ts';

export interface PpoParams extends OnPolicyParams {
  readonly batchSize: number;
  readonly nEpochs: number;
  /** ε of the clipped ratio at the start … */
  readonly clipRange: number;
  /** … and at the end (linear in progress remaining; default: clipRange throughout). */
  readonly clipRangeEnd: number;
  /** Clip of the value change per update, around the rollout's values (null: no value clipping). */
  readonly clipRangeVf: number | null;
  /** Stop the epochs of an update once approx-KL > 1.5 × targetKl (null: never). */
  readonly targetKl: number | null;
}

export const ppoDefaults: PpoParams = {
  ...onPolicyDefaults,
  nSteps: 2048,
  batchSize: 64,
  nEpochs: 10,
  clipRange: 0.2,
  clipRangeEnd: 0.2,
  clipRangeVf: null,
  targetKl: null,
};

export class Ppo extends OnPolicyAgent<PpoParams> {
  readonly algorithm = 'ppo' as const;
  private readonly clip: Schedule;

  constructor(params: Partial<PpoParams> = {}) {
    super({
      ...ppoDefaults,
      ...params,
      learningRateEnd: params.learningRateEnd ?? params.learningRate ?? ppoDefaults.learningRateEnd,
      clipRangeEnd: params.clipRangeEnd ?? params.clipRange ?? ppoDefaults.clipRangeEnd,
    });
    const p = this.params;
    checkInt('ppo', 'batchSize', p.batchSize, 1, '64');
    checkInt('ppo', 'nEpochs', p.nEpochs, 1, '10');
    checkRange('ppo', 'clipRange', p.clipRange, 1e-6, 10, '0.2');
    checkRange('ppo', 'clipRangeEnd', p.clipRangeEnd, 1e-6, 10, '0.2');
    if (p.clipRangeVf !== null) checkRange('ppo', 'clipRangeVf', p.clipRangeVf, 1e-9, 1e9, '0.2');
    if (p.targetKl !== null) checkRange('ppo', 'targetKl', p.targetKl, 1e-9, 10, '0.01');
    this.clip = linearSchedule(p.clipRange, p.clipRangeEnd);
  }

  static fromJSON(json: AgentJSON): Ppo {
    return new Ppo(json.params as Partial<PpoParams>).load(json);
  }

  protected algorithmName(): AgentAlgorithm {
    return 'ppo';
  }

  protected train({ buffer, optimizer, progressRemaining }: TrainContext): Record<string, number> {
    const p = this.params;
    const actor = this.actor!;
    const critic = this.critic!;
    const dist = this.dist!;
    const params = this.trainable;
    const n = buffer.size;
    const B = Math.min(p.batchSize, n);
    const d = buffer.obsSize;
    const ra = dist.rawSize;
    const k = dist.k;
    const clip = this.clip(progressRemaining);
    const order = new Int32Array(n).map((_, i) => i);
    const xb = new Float64Array(B * d);
    const ab = new Float64Array(B * ra);
    const adv = new Float64Array(B);
    const logp = new Float64Array(B);
    const ent = new Float64Array(B);
    const cLogp = new Float64Array(B);
    const cEnt = new Float64Array(B);
    const dOut = new Float64Array(B * k);
    const dV = new Float64Array(B);
    let pgSum = 0;
    let vSum = 0;
    let entSum = 0;
    let klSum = 0;
    let clipSum = 0;
    let batches = 0;
    let epochs = 0;
    let stoppedEarly = 0;
    let lastKl = 0;
    outer: for (let epoch = 0; epoch < p.nEpochs; epoch++) {
      this.trainRng.shuffle(order);
      epochs++;
      for (let s0 = 0; s0 < n; s0 += B) {
        const size = Math.min(B, n - s0);
        for (let r = 0; r < size; r++) {
          const i = order[s0 + r]!;
          xb.set(buffer.obs.subarray(i * d, (i + 1) * d), r * d);
          ab.set(buffer.actions.subarray(i * ra, (i + 1) * ra), r * ra);
          adv[r] = buffer.advantages[i]!;
        }
        if (p.normalizeAdvantage && size > 1) {
          const { mean, std } = meanStd(adv, size);
          for (let r = 0; r < size; r++) adv[r] = (adv[r]! - mean) / (std + 1e-8);
        }
        for (const t of params) t.grad.fill(0);
        const out = actor.forward(xb, size, true);
        dist.logProbs(out, ab, size, logp, ent);
        let pg = 0;
        let kl = 0;
        let clipped = 0;
        let entMean = 0;
        for (let r = 0; r < size; r++) {
          const logRatio = logp[r]! - buffer.logProbs[order[s0 + r]!]!;
          const ratio = Math.exp(logRatio);
          const A = adv[r]!;
          const unclipped = ratio * A;
          const clippedObj = Math.min(Math.max(ratio, 1 - clip), 1 + clip) * A;
          pg -= Math.min(unclipped, clippedObj);
          // the gradient flows through the unclipped term when it is the minimum (clip's gradient is 0 outside)
          cLogp[r] = unclipped <= clippedObj ? (-A * ratio) / size : 0;
          cEnt[r] = -p.entCoef / size;
          kl += ratio - 1 - logRatio;
          if (Math.abs(ratio - 1) > clip) clipped++;
          entMean += ent[r]!;
        }
        pg /= size;
        kl /= size;
        entMean /= size;
        lastKl = kl;
        if (p.targetKl !== null && kl > 1.5 * p.targetKl) {
          stoppedEarly = 1;
          break outer;
        }
        dist.backprop(out, ab, size, cLogp, cEnt, dOut);
        actor.backward(dOut, size);
        const v = critic.forward(xb, size, true);
        let vl = 0;
        for (let r = 0; r < size; r++) {
          const i = order[s0 + r]!;
          const old = buffer.values[i]!;
          const diff = v[r]! - old;
          const cv = p.clipRangeVf;
          const pred = cv === null ? v[r]! : old + Math.min(Math.max(diff, -cv), cv);
          const e = pred - buffer.returns[i]!;
          vl += e * e;
          const passes = cv === null || (diff > -cv && diff < cv);
          dV[r] = passes ? (p.vfCoef * 2 * e) / size : 0;
        }
        vl /= size;
        critic.backward(dV, size);
        const loss = pg + p.vfCoef * vl - p.entCoef * entMean;
        const norm = clipGradNorm(params, p.maxGradNorm);
        this.guard(loss, norm, `epoch ${epoch + 1}, minibatch ${s0 / B + 1}`);
        optimizer.step();
        pgSum += pg;
        vSum += vl;
        entSum += entMean;
        klSum += kl;
        clipSum += clipped / size;
        batches++;
      }
    }
    const ls = dist.logStd;
    return {
      policyLoss: batches ? pgSum / batches : NaN,
      valueLoss: batches ? vSum / batches : NaN,
      entropy: batches ? entSum / batches : NaN,
      approxKl: batches ? klSum / batches : lastKl,
      clipFraction: batches ? clipSum / batches : 0,
      clipRange: clip,
      epochs,
      stoppedEarly,
      ...(ls ? { std: meanExp(ls.value) } : {}),
    };
  }
}

function meanExp(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += Math.exp(v);
  return s / x.length;
}
