#!/usr/bin/env node
/**
 * `npm run lint`: Keel's fast structural checks (about a second). One line per problem, `file:line: rule: message`,
 * exit 1 when any error is found, 0 otherwise (warnings never fail).
 *
 *   layering       imports point only leftwards in the stage order below (tests are exempt from direction only)
 *   public-door    an import into another src/ folder goes through that folder's index.ts
 *   console-log    no console.log in src/ outside cli/ (library code reports through return values and errors)
 *   math-random    no Math.random in src/ (every random number comes from a seeded core RNG)
 *   tests-beside   (warning) every non-test src/**\/*.ts has a sibling test, or its folder has tests
 *   format         (warning) `prettier --check` on src/ — advisory, so one unformatted file never blocks `npm test`;
 *                  `node scripts/lint.mjs --strict-format` makes it an error.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

/** The pipeline order from TEAM.md. A folder may import folders to its left, never to its right. */
export const STAGE_ORDER = [
  'core',
  'data',
  'synth',
  'io',
  'features',
  'models',
  'risk',
  'allocation',
  'metrics',
  'backtest',
  'explain',
  'monitor',
  'agents',
  'strategies',
  'audit',
  'tuning',
  'report',
  'execution',
  'config',
  'study',
  'trading',
  'queue',
  'server',
  'cli',
];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'src');
const args = new Set(process.argv.slice(2));

const errors = [];
const warnings = [];
const report = (list, file, line, rule, message) => list.push(`${relative(root, file)}:${line}: ${rule}: ${message}`);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Blank out comments (keeping line numbers and string contents) so rules never fire on prose. */
function stripComments(text) {
  let out = '';
  let i = 0;
  let quote = null;
  while (i < text.length) {
    const c = text[i];
    const n = text[i + 1];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += n ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i++;
    } else if (c === '/' && n === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && n === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] === '\n') out += '\n';
        i++;
      }
      i += 2;
    } else {
      if (c === '"' || c === "'" || c === '`') quote = c;
      out += c;
      i++;
    }
  }
  return out;
}

const lineOf = (text, index) => text.slice(0, index).split('\n').length;
const isTest = (file) => /\.test\.ts$/.test(file);

/** `src/<folder>/...` → folder, or '' for files directly under src/. */
function folderOf(file) {
  const parts = relative(srcDir, file).split(sep);
  return parts.length > 1 ? parts[0] : '';
}

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

const files = existsSync(srcDir) ? walk(srcDir) : [];
const unknownFolders = new Set();

for (const file of files) {
  const raw = readFileSync(file, 'utf8');
  const code = stripComments(raw);
  const from = folderOf(file);
  const test = isTest(file);
  if (from && !STAGE_ORDER.includes(from) && !unknownFolders.has(from)) {
    unknownFolders.add(from);
    report(
      warnings,
      file,
      1,
      'layering',
      `folder src/${from}/ is not in the stage order (scripts/lint.mjs STAGE_ORDER); add it there`,
    );
  }

  for (const m of code.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec || !spec.startsWith('.')) continue;
    const line = lineOf(code, m.index);
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(srcDir + sep)) continue; // e.g. tests importing test/support
    const to = folderOf(target);
    if (to === from) continue;
    if (from === '') {
      // src/index.ts, the library's public API: may re-export any stage, through its door.
      if (relative(srcDir, target) !== join(to, 'index.ts')) {
        report(
          errors,
          file,
          line,
          'public-door',
          `import "${spec}" reaches inside src/${to}/; import "./${to}/index.ts" instead`,
        );
      }
      continue;
    }
    if (to === '') {
      report(
        errors,
        file,
        line,
        'layering',
        `src/${from}/ imports "${spec}" (the top-level API); stages must not import src/index.ts`,
      );
      continue;
    }
    if (relative(srcDir, target) !== join(to, 'index.ts')) {
      report(
        errors,
        file,
        line,
        'public-door',
        `import "${spec}" reaches inside src/${to}/; import "${relative(dirname(file), join(srcDir, to, 'index.ts'))
          .split(sep)
          .join('/')}" instead (export what you need from there)`,
      );
    }
    const fi = STAGE_ORDER.indexOf(from);
    const ti = STAGE_ORDER.indexOf(to);
    if (!test && fi >= 0 && ti >= 0 && ti > fi) {
      report(
        errors,
        file,
        line,
        'layering',
        `src/${from}/ imports src/${to}/, which comes later in the pipeline (${STAGE_ORDER.join(' → ')}); move the shared piece leftwards`,
      );
    }
  }

  if (!test && from !== 'cli') {
    for (const m of code.matchAll(/\bconsole\.log\s*\(/g)) {
      report(
        errors,
        file,
        lineOf(code, m.index),
        'console-log',
        'console.log in library code; return the value, or report through an onProgress/log callback (only src/cli/ prints)',
      );
    }
  }
  for (const m of code.matchAll(/\bMath\.random\b/g)) {
    report(
      errors,
      file,
      lineOf(code, m.index),
      'math-random',
      'Math.random is not reproducible; use createRng(seed) from src/core/',
    );
  }
}

// tests-beside (warning only): one line per folder, listing the files without a sibling test.
const foldersWithTests = new Set(files.filter(isTest).map((f) => dirname(f)));
const untested = new Map();
for (const file of files) {
  if (isTest(file) || file.endsWith('.d.ts') || file.endsWith(`${sep}index.ts`)) continue;
  if (existsSync(file.replace(/\.ts$/, '.test.ts')) || foldersWithTests.has(dirname(file))) continue;
  const dir = dirname(file);
  if (!untested.has(dir)) untested.set(dir, []);
  untested.get(dir).push(relative(dir, file));
}
for (const [dir, names] of untested) {
  warnings.push(
    `${relative(root, dir)}/: tests-beside: no test in this folder and no sibling test for ${names.join(', ')}`,
  );
}

// format: prettier --check, advisory unless --strict-format.
if (!args.has('--no-format')) {
  const bin = join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  if (existsSync(bin)) {
    const r = spawnSync(process.execPath, [bin, '--list-different', 'src/**/*.ts', 'scripts/**/*.mjs'], {
      cwd: root,
      encoding: 'utf8',
    });
    const unformatted = (r.stdout ?? '').split('\n').filter(Boolean);
    const target = args.has('--strict-format') ? errors : warnings;
    if (unformatted.length > 0) {
      const shown = unformatted.slice(0, 4).join(', ') + (unformatted.length > 4 ? ', …' : '');
      target.push(`format: ${unformatted.length} file(s) not prettier-formatted (${shown}); run \`npm run format\``);
    }
  }
}

for (const w of warnings) console.log(`warning: ${w}`);
for (const e of errors) console.log(`error: ${e}`);
console.log(`lint: ${files.length} files, ${errors.length} error(s), ${warnings.length} warning(s)`);
process.exitCode = errors.length > 0 ? 1 : 0;
