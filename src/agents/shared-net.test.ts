import { describe, expect, it } from 'vitest';
import { createRng } from '../core/index.ts';
import { Dqn } from './dqn.ts';
import { Ppo } from './ppo.ts';
import { agentFromJSON } from './agent-registry.ts';
import { buildAgentNet, cloneAgentNet, type AgentNet, type NetRole, type PerAssetSpec } from './shared-net.ts';
import { softmaxInto } from './policy.ts';
import { crossSectionAllocations as allocations, CrossSectionEnv } from './agent-test-envs.ts';

const n = 4;
const f = 3; // feature numbers per asset (window × columns)
const obsSize = f * n + n + 1;

function net(role: NetRole, hidden: number[], ownWeight: boolean): AgentNet {
  const spec: PerAssetSpec = { assets: n, ownWeight, ...(role === 'q' ? { mix: allocations } : {}) };
  const out = role === 'actor' ? n + 1 : role === 'critic' ? 1 : allocations.length;
  const rng = createRng(11);
  const m = buildAgentNet(role, obsSize, out, hidden, 'tanh', rng, 1, spec);
  for (const p of m.params) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.normal() * 0.5;
  return m;
}

/** An observation whose asset a's features are `x[a]` (feature-major rows), weights `w`, cash `c`. */
function observation(x: number[][], w: number[], c: number): Float64Array {
  const o = new Float64Array(obsSize);
  for (let j = 0; j < f; j++) for (let a = 0; a < n; a++) o[j * n + a] = x[a]![j]!;
  for (let a = 0; a < n; a++) o[f * n + a] = w[a]!;
  o[f * n + n] = c;
  return o;
}

describe('SharedAssetNet: one network applied to each asset', () => {
  it('a linear shared net has one weight per input plus a bias (and the output biases), whatever the asset count', () => {
    const m = net('q', [], true);
    // inner: (f + own weight) weights + 1 bias; then one bias for 1/N and one shared by the four tilts
    expect(m.params.map((p) => p.value.length)).toEqual([f + 1, 1, 2]);
  });

  it('swapping two assets swaps their scores (the weights are shared), and the asset scores are g of their own inputs', () => {
    const m = net('actor', [5], true);
    const rng = createRng(2);
    const x = Array.from({ length: n }, () => Array.from({ length: f }, () => rng.normal()));
    const w = [0.1, 0.2, 0.3, 0.15];
    const a = Array.from(m.forward(observation(x, w, 0.25), 1, false).slice(0, n + 1));
    const xs = [x[2]!, x[1]!, x[0]!, x[3]!];
    const ws = [w[2]!, w[1]!, w[0]!, w[3]!];
    const b = Array.from(m.forward(observation(xs, ws, 0.25), 1, false).slice(0, n + 1));
    expect(b[0]).toBe(a[2]);
    expect(b[2]).toBe(a[0]);
    expect(b[1]).toBe(a[1]);
    expect(b[4]).toBe(a[4]); // the cash score is a learned scalar
    const c = Array.from(m.forward(observation(x, w, 0.9), 1, false).slice(0, n + 1));
    expect(c).toEqual(a); // g does not see cash
    // DQN: Q(tilt towards asset 0) and Q(tilt towards asset 2) swap too (no asset has a parameter of its own)
    const q = net('q', [5], true);
    const qa = q.forward(observation(x, w, 0.25), 1, false).slice(0, 5);
    const qb = q.forward(observation(xs, ws, 0.25), 1, false).slice(0, 5);
    expect(qb[1]).toBeCloseTo(qa[3]!, 14);
    expect(qb[3]).toBeCloseTo(qa[1]!, 14);
    expect(qb[0]).toBeCloseTo(qa[0]!, 14); // 1/N
  });

  for (const [role, hidden, own] of [
    ['actor', [5], true],
    ['critic', [3, 2], false],
    ['q', [], true],
  ] as const) {
    it(`${role} (hidden [${hidden.join(', ')}], own weight ${own}): backward matches finite differences for every parameter`, () => {
      const m = net(role, [...hidden], own);
      const rng = createRng(5);
      const B = 3;
      const x = new Float64Array(B * obsSize).map(() => rng.normal());
      const K = m.outSize;
      const c = new Float64Array(B * K).map(() => rng.normal());
      const objective = (): number => {
        const out = m.forward(x, B, false);
        let s = 0;
        for (let i = 0; i < B * K; i++) s += c[i]! * out[i]!;
        return s;
      };
      m.zeroGrad();
      m.forward(x, B, true);
      m.backward(c, B);
      const h = 1e-6;
      let checked = 0;
      for (const p of m.params) {
        for (let i = 0; i < p.value.length; i++) {
          const v = p.value[i]!;
          p.value[i] = v + h;
          const up = objective();
          p.value[i] = v - h;
          const down = objective();
          p.value[i] = v;
          expect(p.grad[i]!).toBeCloseTo((up - down) / (2 * h), 6);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(3);
    });
  }

  it('a clone gives the same outputs and does not follow later changes', () => {
    const m = net('q', [4], false);
    const x = observation(
      [
        [1, 2, 3],
        [0, 1, 0],
        [-1, 0.5, 2],
        [0.3, 0.3, 0.3],
      ],
      [0.25, 0.25, 0.25, 0.25],
      0,
    );
    const before = m.forward(x, 1, false).slice(0, 5);
    const copy = cloneAgentNet(m);
    expect(copy.forward(x, 1, false).slice(0, 5)).toEqual(before);
    m.params[0]!.value[0] = m.params[0]!.value[0]! + 1;
    expect(copy.forward(x, 1, false).slice(0, 5)).toEqual(before);
  });

  it('an observation that does not split into assets is refused with one line', () => {
    expect(() => buildAgentNet('actor', 14, 4, [], 'tanh', createRng(1), 1, { assets: 4, ownWeight: false })).toThrow(
      /per-asset policy needs PortfolioEnv's observation .* got 14 numbers/,
    );
  });
});

describe('per-asset agents learn a cross-sectional signal, deterministically, and save', () => {
  const spec: PerAssetSpec = { assets: n, ownWeight: false };
  it('ppo with a linear shared policy tilts towards the asset with the highest signal; same seed → same bytes; JSON round trip', () => {
    const make = (): Ppo =>
      new Ppo({
        seed: 3,
        nSteps: 128,
        batchSize: 32,
        nEpochs: 5,
        hidden: [],
        learningRate: 0.01,
        boxAction: 'scores',
        perAsset: spec,
      });
    const a = make();
    a.learn(new CrossSectionEnv('box'), 4096);
    const b = make();
    b.learn(new CrossSectionEnv('box'), 4096);
    expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
    const pol = a.policy();
    const obs = observation(
      [
        [2, 0, 0],
        [0, 0, 0],
        [-1, 0, 0],
        [0, 5, 5],
      ],
      [0.25, 0.25, 0.25, 0.25],
      0,
    );
    const w = softmaxInto(pol.act(obs) as Float64Array, 0, n, new Float64Array(n));
    expect(w[0]).toBeGreaterThan(0.4); // the highest first feature gets the most weight
    expect(w[2]).toBeLessThan(0.2);
    const again = agentFromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(Array.from(again.policy().act(obs) as Float64Array)).toEqual(Array.from(pol.act(obs) as Float64Array));
  });

  it('dqn with Q(s, allocation) = Σ w·g(x) + b picks the tilt towards the best asset; same seed → same bytes; JSON round trip', () => {
    const make = (): Dqn =>
      new Dqn({
        seed: 4,
        hidden: [],
        learningRate: 0.01,
        learningStarts: 64,
        gamma: 0,
        perAsset: { ...spec, mix: allocations },
      });
    const a = make();
    a.learn(new CrossSectionEnv('discrete'), 3000);
    const b = make();
    b.learn(new CrossSectionEnv('discrete'), 3000);
    expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
    const pol = a.policy();
    for (let best = 0; best < n; best++) {
      const x = Array.from({ length: n }, (_, i) => [i === best ? 2 : -0.5, 0, 0]);
      expect(pol.act(observation(x, [0.25, 0.25, 0.25, 0.25], 0))).toBe(best + 1);
    }
    const again = agentFromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    const x = observation(
      [
        [0, 0, 0],
        [3, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
      [0.25, 0.25, 0.25, 0.25],
      0,
    );
    expect(again.policy().act(x)).toBe(pol.act(x));
  });
});
