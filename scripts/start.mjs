#!/usr/bin/env node
// `npm start`: the quick start. Builds the console and the open portal (which shares some of the
// console's sources) if either is missing or older than its sources, then serves everything with
// the demo jurisdiction loaded into an empty embedded database.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const builtIndexes = ['console', 'portal'].map((app) => path.join(root, `dist/${app}/index.html`));

function newestMtime(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    return Math.max(newest, mtime);
  }, 0);
}

const stale =
  !builtIndexes.every((index) => existsSync(index)) ||
  Math.max(newestMtime(path.join(root, 'console')), newestMtime(path.join(root, 'portal'))) >
    Math.min(...builtIndexes.map((index) => statSync(index).mtimeMs));
if (stale) {
  console.log('Building the console (dist/console) and the open portal (dist/portal) ...');
  const build = spawnSync('npm', ['run', 'build:console'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// The node flags on the govdx command's `#!` line (the server's memory settings): started through
// process.execPath, the command would run without them.
const bin = path.join(root, 'bin/govdx.mjs');
const nodeFlags = readFileSync(bin, 'utf8')
  .split('\n', 1)[0]
  .replace(/^#!.*?\bnode\b/, '')
  .trim()
  .split(/\s+/)
  .filter(Boolean);
const serve = spawnSync(process.execPath, [...nodeFlags, bin, 'serve', '--demo'], {
  cwd: root,
  stdio: 'inherit',
  env: { GOVDX_DEMO: '1', ...process.env },
});
process.exit(serve.status ?? 0);
