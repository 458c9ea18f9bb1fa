#!/usr/bin/env node
// The `keel` command: runs the TypeScript sources directly through tsx's loader, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main, installProcessHandlers } = await import('../src/cli/main.ts');
installProcessHandlers();
process.exitCode = await main(process.argv.slice(2));
