#!/usr/bin/env node
/**
 * `npm run build` (also run by `prepare`, so `npm install` on a clone and `npm pack` build it): compiles every
 * module of src/ except tests to ESM JavaScript + .d.ts in dist/ with the project's TypeScript (tsc 7,
 * `rewriteRelativeImportExtensions` turns the sources' `./x.ts` imports into `./x.js`).
 *
 * Generic on purpose, so a new src/<stage>/ folder needs nothing here. Left out: `*.test.ts`, `fixtures/` folders,
 * files named `test-*.ts` (test-helpers.ts, test-panel.ts …), and any file that imports a devDependency (vitest,
 * fast-check, tsx … — test support such as src/cli/in-process.ts): the package has no such dependency at run time.
 * A file one of the kept modules imports is compiled anyway (tsc follows imports). Runtime assets a module reads
 * through `new URL('./x', import.meta.url)` are copied when their extension is in ASSETS.
 *
 * The output is written to a temporary folder and renamed into place, so a process reading dist/ never sees a
 * half-written tree. `--out DIR` writes elsewhere (the packaging test builds into a temporary copy).
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? resolve(process.argv[outArg + 1] ?? '') : join(root, 'dist');
const ASSETS = new Set(['.json', '.wasm', '.css', '.html', '.svg', '.png', '.woff2']);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const devOnly = Object.keys(pkg.devDependencies ?? {}).filter((d) => !(d in (pkg.dependencies ?? {})));
const importsDevDependency = (text) =>
  devOnly.some((d) =>
    new RegExp(`(from|import)\\s*\\(?\\s*['"]${d.replace(/[/.]/g, '\\$&')}(/[^'"]*)?['"]`).test(text),
  );

const sources = [];
const assets = [];
(function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'fixtures' && entry.name !== 'node_modules') walk(p);
      continue;
    }
    const name = entry.name;
    if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      if (/\.test\.ts$|^test-/.test(name)) continue; // tests and their helpers (test-helpers.ts, test-panel.ts …)
      if (importsDevDependency(readFileSync(p, 'utf8'))) continue;
      sources.push(p);
    } else if (ASSETS.has(name.slice(name.lastIndexOf('.')))) assets.push(p);
  }
})(src);

const started = Date.now();
const stage = mkdtempSync(join(dirname(out), `.${basename(out)}-build-`));
const configDir = mkdtempSync(join(tmpdir(), 'keel-build-'));
const config = join(configDir, 'tsconfig.json');
writeFileSync(
  config,
  JSON.stringify({
    extends: join(root, 'tsconfig.json'),
    compilerOptions: {
      noEmit: false,
      declaration: true,
      rewriteRelativeImportExtensions: true,
      rootDir: src,
      outDir: stage,
      // Paths in the generated config resolve against its folder: name the type roots explicitly.
      typeRoots: [join(root, 'node_modules', '@types')],
    },
    files: sources,
    include: [],
  }),
);
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', config], { stdio: 'inherit' });
rmSync(configDir, { recursive: true, force: true });
if (r.status !== 0) {
  rmSync(stage, { recursive: true, force: true });
  console.error(`build: tsc failed (exit ${r.status ?? r.signal}); dist/ was left as it was`);
  process.exit(1);
}
for (const a of assets) {
  const to = join(stage, relative(src, a));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(a, to);
}
const old = `${out}.old-${process.pid}`;
if (existsSync(out)) renameSync(out, old);
renameSync(stage, out);
rmSync(old, { recursive: true, force: true });
console.error(
  `build: ${sources.length} modules → ${relative(process.cwd(), out) || '.'}/ (js + d.ts${assets.length ? `, ${assets.length} assets` : ''}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
