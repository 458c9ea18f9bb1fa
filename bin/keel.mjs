#!/usr/bin/env node
// The `keel` command: the compiled CLI in dist/ (`npm run build`; `npm install` builds it through `prepare`).
// No TypeScript loader at run time; `node bin/keel-src.mjs` runs the same CLI from src/ through tsx.
let cli;
try {
  // On one core, fewer background JIT compiles (src/cli/jit.ts); before the CLI loads.
  (await import('../dist/cli/jit.js')).tuneJit();
  cli = await import('../dist/cli/main.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist')) throw e;
  process.stderr.write(
    'error: keel is not built (dist/cli/main.js is missing); run `npm run build` in the package folder\n',
  );
  process.exit(1);
}
cli.installProcessHandlers();
process.exitCode = await cli.main(process.argv.slice(2));
