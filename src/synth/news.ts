/**
 * News headlines of the synthetic market. Each business day each asset gets a headline with probability
 * `news.probability`. Its tone is an integer in {-2, -1, +1, +2}: the sign of a latent standard-normal draw, doubled
 * when that draw is beyond ±1. The text spells the tone with a small finance lexicon so that a lexicon scorer recovers
 * it exactly (`scoreHeadline`):
 * - polar words score ±1 (`HEADLINE_LEXICON`),
 * - `very` doubles the polar word that follows it,
 * - `not` flips the polar word that follows it,
 * - everything else scores 0.
 * The planted sentiment signal is the tone divided by its standard deviation (`TONE_SD`), and it moves the asset's
 * return `sentimentLeadDays` business days later.
 */
import type { Rng } from '../core/index.ts';
import type { Headline, IsoDate } from '../data/index.ts';
import { Noise } from './noise.ts';

/** sd of the tone: E[tone²] = 1 + 3·P(|Z| > 1) = 1 + 3 · 0.317311 = 1.951932. */
export const TONE_SD = Math.sqrt(1 + 3 * 0.31731050786291415);

/** P(|Z| > 1) for a standard normal Z. */
const P_BEYOND_ONE_SD = 0.31731050786291415;
const TWO_POW_MINUS_31 = 1 / 2147483648;

/** Polar words and their score. Positive and negative event verbs, and the adjectives used with `very`/`not`. */
export const HEADLINE_LEXICON: Readonly<Record<string, 1 | -1>> = {
  beats: 1,
  misses: -1,
  surges: 1,
  plunges: -1,
  upgrade: 1,
  downgrade: -1,
  rallies: 1,
  slumps: -1,
  strong: 1,
  weak: -1,
};

const EVENTS: readonly (readonly [string, string])[] = [
  ['beats estimates', 'misses estimates'],
  ['surges', 'plunges'],
  ['gets analyst upgrade', 'gets analyst downgrade'],
  ['rallies', 'slumps'],
];
const TOPICS = ['outlook', 'demand', 'guidance', 'sales'] as const;

/**
 * Draws which (day, asset) has a headline and its tone. Returns (nDates × nAssets) Int8Array: 0 = no headline,
 * otherwise the tone. Independent of returns and of the text wording.
 */
export function drawHeadlineTones(nDates: number, nAssets: number, probability: number, rng: Rng): Int8Array {
  const noise = new Noise(rng);
  const tone = new Int8Array(nDates * nAssets);
  for (let i = 0; i < tone.length; i++) {
    if (noise.uniform() >= probability) continue;
    // sign(z) and |z| > 1 of a standard normal z, from one 32-bit draw: the top bit is the sign, the other 31 bits
    // a uniform compared with P(|z| > 1).
    const bits = noise.uint32();
    const mag = (bits & 0x7fffffff) * TWO_POW_MINUS_31 < P_BEYOND_ONE_SD ? 2 : 1;
    tone[i] = bits >>> 31 === 0 ? mag : -mag;
  }
  return tone;
}

/**
 * Writes the headline texts for the drawn tones, date by date, assets in universe order.
 * Returns the headlines and, aligned with them, their tones.
 */
export function writeHeadlines(
  dates: readonly IsoDate[],
  ids: readonly string[],
  names: readonly string[],
  tones: Int8Array,
  rng: Rng,
): { headlines: Headline[]; tone: Int8Array } {
  const n = ids.length;
  const noise = new Noise(rng);
  const phrases = [PHRASES.get(-2)!, PHRASES.get(-1)!, PHRASES.get(1)!, PHRASES.get(2)!];
  let count = 0;
  for (let i = 0; i < tones.length; i++) if (tones[i] !== 0) count++;
  const headlines = new Array<Headline>(count);
  const toneOut = new Int8Array(count);
  let j = 0;
  for (let t = 0; t < dates.length; t++) {
    const date = dates[t]!;
    for (let a = 0; a < n; a++) {
      const tone = tones[t * n + a]!;
      if (tone === 0) continue;
      const list = phrases[tone < 0 ? tone + 2 : tone + 1]!;
      headlines[j] = { date, asset: ids[a]!, text: names[a]! + list[noise.int(list.length)]! };
      toneOut[j] = tone;
      j++;
    }
  }
  return { headlines, tone: toneOut };
}

/**
 * Every phrase (with its leading space) whose lexicon score is `tone`, built once:
 * ±1: "<event>", "<topic> looks <adj>", "<topic> is not <opposite adj>";
 * ±2: "<event> as <topic> stays <adj>", "<topic> looks very <adj>", "<event> and <another event>".
 */
const PHRASES: ReadonlyMap<number, readonly string[]> = (() => {
  const map = new Map<number, string[]>();
  for (const sign of [1, -1]) {
    const pos = sign > 0 ? 0 : 1;
    const adj = sign > 0 ? 'strong' : 'weak';
    const opposite = sign > 0 ? 'weak' : 'strong';
    const one: string[] = [];
    const two: string[] = [];
    for (const e of EVENTS) one.push(` ${e[pos]}`);
    for (const topic of TOPICS) {
      one.push(` ${topic} looks ${adj}`, ` ${topic} is not ${opposite}`);
      two.push(` ${topic} looks very ${adj}`);
      for (const e of EVENTS) two.push(` ${e[pos]} as ${topic} stays ${adj}`);
    }
    for (let x = 0; x < EVENTS.length; x++)
      for (let y = 0; y < EVENTS.length; y++) if (x !== y) two.push(` ${EVENTS[x]![pos]} and ${EVENTS[y]![pos]}`);
    map.set(sign, one);
    map.set(2 * sign, two);
  }
  return map;
})();

/** The lexicon score of a headline (the rules in this file's header). The reference scorer for tests. */
export function scoreHeadline(text: string): number {
  const words = text.toLowerCase().split(/[^a-z]+/);
  let score = 0;
  let factor = 1;
  for (const w of words) {
    if (w === 'very') factor *= 2;
    else if (w === 'not') factor *= -1;
    else {
      const s = HEADLINE_LEXICON[w];
      if (s !== undefined) {
        score += factor * s;
        factor = 1;
      }
    }
  }
  return score;
}
