/**
 * THE ONE PLACE where the study schema meets the stages. Every stage's kind table (and the two data-shaped schemas
 * the study embeds) is imported here and nowhere else in config/; `study-schema.ts` composes them.
 *
 * Entries marked PLACEHOLDER stand in for a table that does not exist in this build yet. To wire the real one,
 * replace the placeholder line with the re-export shown beside it, e.g.
 *   export { allocatorKinds } from '../allocation/index.ts';
 * Nothing else in config/, study/ or cli/ has to change: the study schema, `keel schema` and the validator follow.
 */
import { synthMarketSchema as realSynthMarketSchema } from '../synth/index.ts';

export { featureKinds } from '../features/index.ts';
export { modelKinds } from '../models/index.ts';
export { expectedReturnKinds, riskModelKinds as covarianceKinds } from '../risk/index.ts';
export { allocatorKinds } from '../allocation/index.ts';
export { costModelKinds, backtestSettingsSchema } from '../backtest/index.ts';
export { strategyKinds } from '../strategies/index.ts';

/**
 * Parameters of the embedded synthetic market (synth/params.ts) without `seed`: a study's synthetic market is
 * seeded by the study's master seed, so `seed: 7` (or `keel run --seed 7`) gives the same market as
 * `keel data synth --seed 7`.
 */
export const synthMarketSchema = realSynthMarketSchema.omit({ seed: true });

/** What to do with missing cells (data/missing.ts); the study defaults it to { policy: error }. */
export { missingDataPolicySchema as missingPolicySchema } from '../data/index.ts';
