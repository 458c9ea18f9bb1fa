/**
 * Generalised advantage estimation (Schulman et al. 2016), one pure function over one environment's rollout
 * (SB3 `RolloutBuffer.compute_returns_and_advantage`). The bootstrap at a truncation is already in that step's reward
 * (the collector adds γ·V(final obs)), so here an episode start always cuts the recursion.
 */
export interface GaeInput {
  /** Reward of each step t (n numbers), truncation bootstrap included. */
  readonly rewards: Float64Array;
  /** V(obs_t) of each step. */
  readonly values: Float64Array;
  /** 1 when obs_t is the first of an episode (the step before ended it), else 0. */
  readonly episodeStarts: Float64Array;
  /** V of the observation after the last step. */
  readonly lastValue: number;
  /** Whether the last step ended its episode (then `lastValue` is not used). */
  readonly lastDone: boolean;
  readonly gamma: number;
  /** GAE λ: 1 gives Monte-Carlo returns minus the value, 0 the one-step TD error. */
  readonly lambda: number;
}

/** Advantages Â_t and returns Â_t + V_t (the value target), each n numbers. */
export function computeGae(g: GaeInput): { advantages: Float64Array; returns: Float64Array } {
  const n = g.rewards.length;
  const advantages = new Float64Array(n);
  const returns = new Float64Array(n);
  let last = 0;
  for (let t = n - 1; t >= 0; t--) {
    const nextNonTerminal = t === n - 1 ? (g.lastDone ? 0 : 1) : 1 - g.episodeStarts[t + 1]!;
    const nextValue = t === n - 1 ? g.lastValue : g.values[t + 1]!;
    const delta = g.rewards[t]! + g.gamma * nextValue * nextNonTerminal - g.values[t]!;
    last = delta + g.gamma * g.lambda * nextNonTerminal * last;
    advantages[t] = last;
    returns[t] = last + g.values[t]!;
  }
  return { advantages, returns };
}
