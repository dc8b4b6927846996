#!/usr/bin/env -S node --max-semi-space-size=8 --no-allocation-site-pretenuring
// The govdx command. The TypeScript sources are bundled by esbuild into node_modules/.cache/govdx
// the first time they are newer than the bundle (well under a second), then the bundle runs as
// plain JavaScript: a loader such as tsx keeps a thread and a V8 heap of its own for the whole life
// of the server (about 40 MB), which the ingestion memory budget cannot spare (docs/ARCHITECTURE.md).
// The node flags on the first line are the server's memory settings (docs/ARCHITECTURE.md,
// "Memory"); whoever starts govdx with `node` itself passes them too (scripts/start.mjs,
// src/node-flags.ts).
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sources = path.join(root, 'src');
const bundle = path.join(root, 'node_modules/.cache/govdx/cli.mjs');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

if (!existsSync(bundle) || newestMtime(sources) > statSync(bundle).mtimeMs) {
  mkdirSync(path.dirname(bundle), { recursive: true });
  // Several processes may build at once: each writes its own file and renames it into place.
  const temporary = `${bundle}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [path.join(sources, 'cli/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: temporary,
    logLevel: 'warning',
  });
  renameSync(temporary, bundle);
}
await import(pathToFileURL(bundle).href);
