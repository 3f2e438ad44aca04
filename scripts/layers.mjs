// The layering rules, checked over the source tree (run by `npm test` through test/unit/layers.test.ts and
// by `node scripts/layers.mjs`). Arrows point down: a folder imports only folders below it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Entry points and adapters: they may import any capability, nothing imports them. */
const TOP = ['electron/main', 'electron/preload', 'electron/cli', 'electron/api', 'electron/bench'];
/** Which entry points an entry point may import (the rest is one-way too). */
const ENTRY_IMPORTS = { 'electron/main': ['electron/api'], 'electron/cli': ['electron/api', 'electron/bench'], 'electron/bench': ['electron/api'] };
/** Below every capability. */
const FOUNDATION = ['electron/jobs', 'electron/workspace', 'electron/util', 'electron/rcf'];

const under = (path, folder) => path === folder || path.startsWith(folder + '/');
const folderOf = (path, folders) => folders.find((f) => under(path, f));
/** electron/<capability>/… for every folder of electron/ that is neither an entry point nor the foundation. */
const capabilityOf = (path) => {
  const m = /^electron\/([^/]+)\//.exec(path);
  if (!m) return undefined;
  const folder = `electron/${m[1]}`;
  return TOP.includes(folder) || FOUNDATION.includes(folder) ? undefined : folder;
};

/** Every module specifier a TypeScript, JavaScript or Svelte source imports, re-exports or requires. */
export function importsOf(source) {
  const specs = [];
  const patterns = [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) specs.push(m[1]);
  return specs;
}

/**
 * The rules broken by one import: `from` and a relative `spec` are repository paths with forward slashes.
 * Returns a message per broken rule.
 */
export function brokenRules(from, spec) {
  const out = [];
  if (!spec.startsWith('.')) {
    if (spec === 'electron' && !under(from, 'electron/main') && !under(from, 'electron/preload') && !under(from, 'test')) {
      out.push("only electron/main and electron/preload import 'electron'");
    }
    if (spec.startsWith('@duckdb/node-bindings') && !under(from, 'electron/workspace') && !under(from, 'test')) {
      out.push('only electron/workspace imports @duckdb/node-bindings');
    }
    if (under(from, 'electron/rcf') && !spec.startsWith('.')) out.push('electron/rcf imports nothing outside itself');
    return out;
  }
  const to = normalize(join(dirname(from), spec))
    .split(sep)
    .join('/');
  if (to.startsWith('..')) return out;
  if (under(from, 'test')) return out; // tests may reach anything
  if (under(to, 'test')) out.push('only tests import test/');
  if (under(from, 'shared') && !under(to, 'shared')) out.push('shared/ imports only shared/');
  if (under(from, 'renderer') && !under(to, 'renderer') && !under(to, 'shared')) out.push('the renderer imports only renderer/ and shared/');
  if (under(from, 'electron') && under(to, 'renderer')) out.push('electron/ never imports the renderer');
  if (under(from, 'electron/rcf') && !under(to, 'electron/rcf')) out.push('electron/rcf imports nothing outside itself');
  if (under(to, 'electron/rcf') && !under(from, 'electron/rcf') && to !== 'electron/rcf/index.ts') {
    out.push('outside rcf, import the forest through electron/rcf/index.ts');
  }
  const fromTop = folderOf(from, TOP);
  const toTop = folderOf(to, TOP);
  if (toTop && toTop !== fromTop && under(from, 'electron')) {
    // main and the CLI serve the router; the CLI runs benches, which drive the router in-process.
    const allowed = (ENTRY_IMPORTS[fromTop] ?? []).includes(toTop);
    if (!allowed) out.push(`${fromTop ?? 'a capability'} must not import ${toTop}/`);
  }
  const fromFoundation = folderOf(from, FOUNDATION);
  if (fromFoundation && !under(from, 'electron/rcf')) {
    const toCapability = capabilityOf(to);
    if (toCapability) out.push(`${fromFoundation} is below the capabilities and must not import ${toCapability}/`);
    if (under(from, 'electron/jobs') && under(to, 'electron') && !under(to, 'electron/jobs')) out.push('electron/jobs imports only shared/');
  }
  return out;
}

/** Violations over a set of files: `[{ file, spec, rule }]`. `files` maps repository paths to source text. */
export function checkLayers(files) {
  const violations = [];
  for (const [file, source] of files) {
    for (const spec of importsOf(source)) for (const rule of brokenRules(file, spec)) violations.push({ file, spec, rule });
  }
  return violations;
}

/** The repository's own sources. */
export function readSources(root) {
  const files = new Map();
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'fixtures') walk(path);
      } else if (/\.(ts|mts|mjs|js|svelte)$/.test(entry.name)) {
        files.set(path, readFileSync(join(root, path), 'utf8'));
      }
    }
  };
  for (const top of ['electron', 'shared', 'renderer/src', 'test']) walk(top);
  return files;
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const violations = checkLayers(readSources(root));
  for (const v of violations) console.error(`${v.file}: imports ${v.spec}: ${v.rule}`);
  console.log(violations.length === 0 ? 'layers: no upward imports' : `layers: ${violations.length} violation(s)`);
  process.exitCode = violations.length === 0 ? 0 : 1;
}
