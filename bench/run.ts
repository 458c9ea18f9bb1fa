/**
 * `npm run bench [-- NAME …]`: runs every `bench/*.bench.ts` (or those whose file name contains a NAME).
 * Each benchmark file prints its own rows: Keel's median time, the Python peer's median time from the same run,
 * and the ratio Keel/peer, after checking that both computed the same thing.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ') || '(none found)'}; files live in bench/*.bench.ts`);
  process.exit(2);
}
for (const f of files) {
  console.log(`\n== ${f} ==`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default?: () => Promise<void> | void };
  if (typeof mod.default === 'function') await mod.default();
}
