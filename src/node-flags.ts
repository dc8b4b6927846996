import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.ts';

/**
 * The node flags the `govdx` command runs with: those of bin/govdx.mjs's `#!` line, its one
 * statement of them (the server's V8 memory settings, docs/ARCHITECTURE.md). For whoever starts a
 * govdx server as `node <flags> bin/govdx.mjs serve` or runs its HTTP stack in a process of its own
 * (the benchmarks), so that it runs as `govdx serve` does.
 */
export function govdxNodeFlags(): string[] {
  const shebang = readFileSync(path.join(REPO_ROOT, 'bin/govdx.mjs'), 'utf8').split('\n', 1)[0]!;
  return shebang
    .replace(/^#!.*?\bnode\b/, '')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
}
