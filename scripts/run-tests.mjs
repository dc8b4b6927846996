#!/usr/bin/env node
// Runs every *.test.ts below the given folders with Node's test runner (tsx loads TypeScript).
// Node 20 has no glob support in --test, so the files are found here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const roots = process.argv.slice(2);
const files = roots.flatMap(findTests).sort();
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, GOVDX_LOG_LEVEL: process.env.GOVDX_LOG_LEVEL ?? 'silent' },
  },
);
process.exit(result.status ?? 1);
