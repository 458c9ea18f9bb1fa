#!/usr/bin/env node
// The `keel` command run from the TypeScript sources through tsx (a devDependency): for working on Keel without
// rebuilding dist/. Not part of the package; users run bin/keel.mjs (compiled).
import { register } from 'tsx/esm/api';

register();
const { main, installProcessHandlers } = await import('../src/cli/main.ts');
installProcessHandlers();
process.exitCode = await main(process.argv.slice(2));
