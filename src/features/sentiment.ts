/**
 * Finance-aware lexicon sentiment. Words carry finance polarity (after Loughran–McDonald: "liability", "cut",
 * "miss" are negative; "beat", "upgrade" positive), a negator within the three preceding tokens flips and damps the
 * polarity (VADER's factor −0.74), intensifiers and diminishers next to it scale it, and the sum is squashed into [−1, 1] with
 * VADER's normalisation s/√(s² + 15).
 */

// prettier-ignore
const POSITIVE: Readonly<Record<string, number>> = {
  beat: 2, beats: 2, exceeded: 2, exceeds: 2, surge: 2, surges: 2, surged: 2, soar: 2, soars: 2, soared: 2,
  record: 1.5, upgrade: 2, upgraded: 2, upgrades: 2, outperform: 2, outperforms: 2, strong: 1.5, stronger: 1.5,
  growth: 1, grows: 1, grew: 1, gain: 1, gains: 1, gained: 1, rally: 1.5, rallies: 1.5, rallied: 1.5, profit: 1,
  profitable: 1.5, raises: 1.5, raised: 1.5, robust: 1.5, bullish: 2, rebound: 1.5, rebounds: 1.5, expands: 1,
  expansion: 1, approval: 1.5, approved: 1.5, wins: 1.5, win: 1.5, dividend: 1, buyback: 1, optimistic: 1.5,
  improves: 1, improved: 1, improvement: 1, recovery: 1, upbeat: 1.5, breakthrough: 2, momentum: 0.5, tops: 1.5,
};

// prettier-ignore
const NEGATIVE: Readonly<Record<string, number>> = {
  miss: -2, misses: -2, missed: -2, plunge: -2, plunges: -2, plunged: -2, slump: -2, slumps: -2, tumble: -2,
  tumbles: -2, loss: -1.5, losses: -1.5, downgrade: -2, downgraded: -2, downgrades: -2, weak: -1.5, weaker: -1.5,
  lawsuit: -1.5, fraud: -2.5, recall: -1.5, bankruptcy: -3, default: -2, defaults: -2, cut: -1, cuts: -1.5,
  decline: -1, declines: -1, declined: -1, falls: -1, fell: -1, drop: -1, drops: -1, bearish: -2, layoffs: -1.5,
  probe: -1.5, investigation: -1.5, warning: -1.5, warns: -1.5, liability: -1, impairment: -2, writedown: -2,
  underperform: -2, underperforms: -2, delay: -1, delays: -1, delayed: -1, halt: -1.5, halts: -1.5, fine: -1,
  fined: -1.5, penalty: -1.5, scandal: -2.5, volatile: -0.5, concern: -1, concerns: -1, risk: -0.5, risks: -0.5,
  shortfall: -2, pessimistic: -1.5, restructuring: -1, lowers: -1.5, lowered: -1.5, sanctions: -1.5,
};

const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'without',
  'nor',
  "isn't",
  "wasn't",
  "didn't",
  "doesn't",
  "don't",
  "won't",
  "can't",
  'cannot',
  'fails',
  'failed',
  'lack',
  'lacks',
]);
const INTENSIFIERS: Readonly<Record<string, number>> = {
  very: 1.5,
  sharply: 1.6,
  significantly: 1.5,
  strongly: 1.5,
  extremely: 1.8,
  hugely: 1.7,
  deeply: 1.5,
  massive: 1.5,
  slightly: 0.5,
  somewhat: 0.6,
  modestly: 0.6,
  marginally: 0.5,
  barely: 0.4,
};

const NEGATION_SCOPE = 3;
const NEGATION_FACTOR = -0.74;
const NORMALISATION_ALPHA = 15;

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+(?:'[a-z]+)?/g) ?? [];
}

/** Sentiment of one text in [−1, 1]: 0 when no lexicon word occurs. */
export function scoreText(text: string): number {
  const tokens = tokenize(text);
  let s = 0;
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i]!;
    const base = POSITIVE[w] ?? NEGATIVE[w];
    if (base === undefined) continue;
    let v = base;
    // An intensifier right before ("sharply lower") or right after ("fell sharply") scales the word.
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    const scale =
      (before === undefined ? undefined : INTENSIFIERS[before]) ??
      (after === undefined ? undefined : INTENSIFIERS[after]);
    if (scale !== undefined) v *= scale;
    for (let k = 1; k <= NEGATION_SCOPE && i - k >= 0; k++) {
      if (NEGATORS.has(tokens[i - k]!)) {
        v *= NEGATION_FACTOR;
        break;
      }
    }
    s += v;
  }
  return s / Math.sqrt(s * s + NORMALISATION_ALPHA);
}
