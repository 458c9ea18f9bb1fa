/**
 * THE ONE PLACE where the study schema meets the stages. Every stage's kind table (and the two data-shaped schemas
 * the study embeds) is imported here and nowhere else in config/; `study-schema.ts` composes them.
 *
 * Entries marked PLACEHOLDER stand in for a table that does not exist in this build yet. To wire the real one,
 * replace the placeholder line with the re-export shown beside it, e.g.
 *   export { allocatorKinds } from '../allocation/index.ts';
 * Nothing else in config/, study/ or cli/ has to change: the study schema, `keel schema` and the validator follow.
 */
import * as z from 'zod';
import type { KindTable } from './kind-table.ts';

// PLACEHOLDER → export { featureKinds } from '../features/index.ts';
export const featureKinds: KindTable = {};
// PLACEHOLDER → export { modelKinds } from '../models/index.ts';
export const modelKinds: KindTable = {};
// PLACEHOLDER → export { expectedReturnKinds, covarianceKinds } from '../risk/index.ts';
export const expectedReturnKinds: KindTable = {};
export const covarianceKinds: KindTable = {};
// PLACEHOLDER → export { allocatorKinds } from '../allocation/index.ts';
export const allocatorKinds: KindTable = {};
// PLACEHOLDER → export { costModelKinds } from '../backtest/index.ts';
export const costModelKinds: KindTable = {};
// PLACEHOLDER → export { strategyKinds } from '../strategies/index.ts';
export const strategyKinds: KindTable = {};

// PLACEHOLDER → export { synthMarketSchema } from '../synth/index.ts';
/** Parameters of the embedded synthetic market (the synth engineer's schema replaces this stand-in). */
export const synthMarketSchema = z.strictObject({
  years: z.number().positive().max(100).default(10).describe('length of the history in years (252 trading days each)'),
  stocks: z.int().min(0).max(1000).default(0).describe('number of single stocks besides the four index-like assets'),
  start: z.iso.date().default('2015-01-02').describe('first trading date, YYYY-MM-DD'),
});

// PLACEHOLDER → export { missingDataPolicySchema as missingPolicySchema } from '../data/index.ts';
/** What to do with missing cells (a copy of data/missing.ts's schema until data/index.ts exports it). Default: error. */
export const missingPolicySchema = z.discriminatedUnion('policy', [
  z.strictObject({ policy: z.literal('error') }),
  z.strictObject({ policy: z.literal('forward-fill'), limit: z.int().min(1).max(100_000) }),
  z.strictObject({ policy: z.literal('drop-dates') }),
  z.strictObject({ policy: z.literal('drop-assets') }),
]);
