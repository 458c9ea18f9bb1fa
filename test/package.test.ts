/**
 * Keel as a package, the way a user gets it: `npm pack` (dist/ is fresh: see test/support/fresh-dist.ts), then
 * `npm install <tarball>` into a new consumer project with no network, a plain `node` ESM script, a TypeScript
 * consumer checked by `tsc --strict --module nodenext`, and `npx keel --version`.
 *
 * Offline install: npm needs registry metadata to resolve `commander@^14` and friends, and neither `npm ci` nor a
 * copied node_modules leaves it in the cache. So the consumer's package.json `overrides` point each of Keel's
 * declared dependencies at this checkout's installed copy (`file:` → a link), and npm installs the tarball with
 * `--offline --ignore-scripts`. Keel's own files come from the tarball and see only its declared dependencies (a
 * missing one fails here); the optional DuckDB is left out (`--omit=optional`), so the run also shows that
 * importing Keel does not load it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/shared.ts';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

let work = '';
let consumer = '';
let files: string[] = [];
let packed = { size: 0, unpackedSize: 0 };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'keel-pack-'));
  const { stdout } = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: repoRoot,
  });
  const info = (
    JSON.parse(stdout) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[]
  )[0]!;
  files = info.files.map((f) => f.path);
  packed = { size: info.size, unpackedSize: info.unpackedSize };

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  const overrides = Object.fromEntries(
    Object.keys(pkg.dependencies).map((d) => [d, `file:${join(repoRoot, 'node_modules', d)}`]),
  );
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'keel-consumer', private: true, type: 'module', overrides }, null, 2),
  );
  await run(
    npm,
    [
      'install',
      join(work, info.filename),
      '--offline',
      '--omit=optional',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
    ],
    { cwd: consumer },
  );
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds the compiled library, its types and the CLI, and no tests, benchmarks, CI files, sources or fixtures', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'bin/keel.mjs', 'package.json'])
      expect(files).toContain(f);
    const unwanted = files.filter((f) =>
      /(^|\/)(src|test|bench|scripts|\.ci|fixtures|node_modules)\/|\.test\.(ts|js)$|^bin\/(run-ts|keel-src)\.mjs$|\.tsbuildinfo$/.test(
        f,
      ),
    );
    expect(unwanted).toEqual([]);
    expect(packed.unpackedSize).toBeLessThan(4_000_000); // 2.3 MB when written; 3.7 MB with sources and tests before
  });

  it('needs no devDependency at load time: nothing in dist/ imports one statically, and tsx is not a dependency', () => {
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    expect(Object.keys(pkg.dependencies)).not.toContain('typescript');
    const installed = join(consumer, 'node_modules', 'keel', 'dist');
    const devOnly = Object.keys(pkg.devDependencies);
    const staticImports: string[] = [];
    const lazyImports = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.js')) {
          const text = readFileSync(p, 'utf8');
          for (const d of devOnly) {
            if (new RegExp(`(from|^import)\\s*['"]${d}(/[^'"]*)?['"]`, 'm').test(text))
              staticImports.push(`${p}: ${d}`);
            if (text.includes(`import('${d}`)) lazyImports.add(d);
          }
        }
      }
    };
    walk(installed);
    expect(staticImports).toEqual([]);
    // Loaded only when called: report.checkInBrowser (headless Chromium for the report and dashboard tests) needs
    // playwright-core, which a consumer installs only to use it. Anything else here is a missing dependency.
    expect([...lazyImports]).toEqual(lazyImports.size ? ['playwright-core'] : []);
    expect(existsSync(join(consumer, 'node_modules', '@duckdb'))).toBe(false); // optional, left out
  });

  it('runs in plain node: import { runStudy, synthesizeMarket } from "keel"', async () => {
    writeFileSync(
      join(consumer, 'main.mjs'),
      [
        "import { writeFileSync } from 'node:fs';",
        "import { runStudy, synthesizeMarket, io } from 'keel';",
        'const market = synthesizeMarket({ seed: 3, years: 1, stocks: 0 });',
        "const study = { name: 'consumer', seed: 3, data: { source: 'synthetic', market: { years: 2, stocks: 0 } } };",
        "const run = await runStudy(study, { outDir: 'runs' });",
        // DuckDB is optional and left out here: Parquet fails with one line naming the package, nothing else does.
        "writeFileSync('x.parquet', 'PAR1');",
        "const parquet = await io.readParquetTable('x.parquet').then(() => 'read', (e) => e.message);",
        'console.log(JSON.stringify({ dates: market.panel.dates.length, artefacts: run.artefacts, parquet }));',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, ['main.mjs'], { cwd: consumer });
    const out = JSON.parse(stdout) as { dates: number; artefacts: string[]; parquet: string };
    expect(out.dates).toBeGreaterThan(200);
    expect(out.artefacts).toContain('summary.json');
    expect(out.parquet).toMatch(/@duckdb\/node-api/);
  });

  it('type-checks a TypeScript consumer with tsc --strict --module nodenext (no @types/node needed)', async () => {
    writeFileSync(
      join(consumer, 'main.ts'),
      [
        "import { runStudy, synthesizeMarket, validateStudy, metrics, type Study, type RunResult } from 'keel';",
        'const market = synthesizeMarket({ seed: 3, years: 1 });',
        'const n: number = market.panel.dates.length;',
        "const study: Study = validateStudy({ name: 'typed', data: { source: 'synthetic' } });",
        'export async function go(): Promise<RunResult> {',
        "  return runStudy(study, { outDir: 'runs' });",
        '}',
        'export const vol: number = n + metrics.annualizedVolatility(new Float64Array([0.01, -0.02, 0.005]), 252);',
      ].join('\n'),
    );
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await run(process.execPath, [tsc, '--strict', '--module', 'nodenext', '--noEmit', 'main.ts'], {
      cwd: consumer,
    }).then(
      (x) => ({ code: 0, out: x.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('npx keel --version runs the installed binary', async () => {
    const { stdout } = await run('npx', ['--offline', '--no-install', 'keel', '--version'], { cwd: consumer });
    expect(stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version,
    );
  });
});
