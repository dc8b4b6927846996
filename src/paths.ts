import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout's root folder. Found by walking up to govdx's package.json rather than counting
 * `..` from this file, because the CLI runs from a bundle in node_modules/.cache/govdx (bin/govdx.mjs)
 * as well as from the sources (tests, tsx).
 */
function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'govdx') return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`govdx's package.json not found above ${start}`);
  }
}

export const REPO_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
/** Generated files that belong to the installation, not the data (bundles). */
export const CACHE_DIR = path.join(REPO_ROOT, 'node_modules/.cache/govdx');
