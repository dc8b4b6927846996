import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestApp, login, type TestApp } from '../../test/api.ts';
import { engineAvailable, ENGINES } from '../../test/engines.ts';
import { cosign, cosignerSigner, parseCheckpointText, parseNote } from './note.ts';

/**
 * Cross-checks the ledger's public HTTP interface with Go's reference implementation
 * (golang.org/x/mod/sumdb/note and sumdb/tlog): scripts/ledger-crosscheck/main.go, built once per
 * run with the Go toolchain and Debian's golang-golang-x-mod-dev sources (GOPATH mode, offline).
 * Without them the suite is skipped with the reason, never passed.
 */

const SOURCE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../scripts/ledger-crosscheck/main.go',
);
const GOPATH = '/usr/share/gocode';
const X_MOD = path.join(GOPATH, 'src/golang.org/x/mod/sumdb');

function missingGo(): string | undefined {
  const version = spawnSync('go', ['version'], { encoding: 'utf8', timeout: 30_000 });
  if (version.error || version.status !== 0)
    return `go not installed: \`go version\` failed (${version.error?.message ?? version.stderr})`;
  for (const pkg of ['note', 'tlog']) {
    if (!existsSync(path.join(X_MOD, pkg)))
      return `golang.org/x/mod sources not installed: no ${path.join(X_MOD, pkg)} (apt-get install golang-golang-x-mod-dev)`;
  }
  return undefined;
}

const goMissing = missingGo();
const workDir = mkdtempSync(path.join(os.tmpdir(), 'govdx-go-crosscheck-'));
const BINARY = path.join(workDir, 'ledger-crosscheck');
// Built once for both engines; a build failure fails the tests below (it is a bug, not a skip).
const build = goMissing
  ? undefined
  : spawnSync('go', ['build', '-o', BINARY, SOURCE], {
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        GO111MODULE: 'off',
        GOPATH,
        GOCACHE: path.join(workDir, 'gocache'),
        GOFLAGS: '',
      },
    });

const newWitness = (name = 'witness.test/w1') =>
  cosignerSigner(
    name,
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );

interface GoRun {
  status: number | null;
  output: string;
}

/**
 * Runs the binary without blocking the event loop: it calls back into the server of this process,
 * so spawnSync would deadlock.
 */
function crosscheck(args: string[]): Promise<GoRun> {
  return new Promise((resolve) => {
    execFile(BINARY, args, { encoding: 'utf8', timeout: 45_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ status, output: `${stdout}${stderr}` });
    });
  });
}

after(() => rmSync(workDir, { recursive: true, force: true }));

for (const engine of ENGINES) {
  const skip = goMissing ?? (!(await engineAvailable(engine)) && 'PostgreSQL unreachable');
  describe(`ledger cross-check with Go's sumdb/note and sumdb/tlog [${engine}]`, { skip }, () => {
    let t: TestApp;
    let baseUrl: string;
    let oldNote: string;
    let oldSize: number;
    let size: number;

    const get = async (url: string) => {
      const response = await t.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
      return response.body;
    };
    const sequence = async () => {
      await t.platform.services.sharing.accessLog.flush();
      await t.platform.services.ledger.sequencer.sequence();
    };

    before(async () => {
      assert.equal(build?.status, 0, `go build ${SOURCE} failed:\n${build?.stderr ?? ''}`);
      t = await createTestApp(engine);
      baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
      await sequence();
      oldNote = await get('/api/v1/ledger/checkpoint');
      oldSize = parseCheckpointText(parseNote(oldNote).text).size;

      // More events: logins are audit events, and so is registering a witness.
      const admin = await login(t.app, 'admin');
      for (let i = 0; i < 3; i++) await login(t.app, 'auditor');
      const witness = newWitness();
      const added = await admin.request('POST', '/api/v1/ledger/witnesses', {
        verifierKey: witness.verifierKey,
      });
      assert.equal(added.statusCode, 201, added.body);
      await sequence();

      // The witness cosigns the new checkpoint: the served note then carries a cosignature/v1
      // line, which note.Open must accept as a signature by a key it does not know.
      const note = await get('/api/v1/ledger/checkpoint');
      size = parseCheckpointText(parseNote(note).text).size;
      const line = cosign(parseNote(note).text, witness, Math.floor(Date.now() / 1000));
      const cosigned = await t.app.inject({
        method: 'POST',
        url: '/api/v1/ledger/cosignatures',
        payload: { checkpoint: `${note}${line}\n` },
      });
      assert.equal(cosigned.statusCode, 200, cosigned.body);
    });
    after(() => t?.close());

    it('grew the log between the two checkpoints', () => {
      assert.ok(oldSize > 0, `old size ${oldSize}`);
      assert.ok(size >= oldSize + 5, `sizes ${oldSize} -> ${size}`);
    });

    it('passes every check of the Go reference implementation', async (context) => {
      const oldFile = path.join(workDir, `old-${engine}.note`);
      writeFileSync(oldFile, oldNote);
      const run = await crosscheck(['-log', baseUrl, '-old-checkpoint', oldFile]);
      for (const line of run.output.trimEnd().split('\n')) context.diagnostic(line);
      assert.equal(run.status, 0, run.output);
      const lines = run.output;
      assert.match(
        lines,
        /checkpoint: signature ok \(key [^ ]+, 1 other signature\(s\) not checked\)/,
      );
      assert.match(
        lines,
        new RegExp(
          `^inclusion \\(tlog.CheckRecord\\): ${size}/${size} entries ok of size ${size} \\(all entries\\)$`,
          'm',
        ),
      );
      assert.match(lines, new RegExp(`^leaf seq = index: ${size}/${size} entries ok$`, 'm'));
      assert.match(lines, new RegExp(`^root recomputed from all ${size} entries .*: ok$`, 'm'));
      assert.match(lines, /^consistency from recomputed roots \(tlog.CheckTree\): 6\/6 sizes ok/m);
      assert.match(
        lines,
        new RegExp(`^old checkpoint: signature ok; consistency ${oldSize} -> ${size} .*: ok$`, 'm'),
      );
      assert.match(lines, /^negative controls: 5\/5 rejected$/m);
      assert.match(lines, /^RESULT: OK$/m);
    });

    it('checks a sample of entries when the log is larger than -sample', async () => {
      const oldFile = path.join(workDir, `old-${engine}.note`);
      writeFileSync(oldFile, oldNote);
      const run = await crosscheck(['-log', baseUrl, '-old-checkpoint', oldFile, '-sample', '20']);
      assert.equal(run.status, 0, run.output);
      assert.match(
        run.output,
        new RegExp(
          `^inclusion \\(tlog.CheckRecord\\): 20/20 entries ok of size ${size} \\(sample of 20, first and last included\\)$`,
          'm',
        ),
      );
      assert.match(
        run.output,
        /^root recomputation and consistency from recomputed roots: skipped/m,
      );
      assert.match(
        run.output,
        new RegExp(`^old checkpoint: signature ok; consistency ${oldSize} -> ${size} `, 'm'),
      );
      assert.match(run.output, /^negative controls: 5\/5 rejected$/m);
    });

    it('fails on an old checkpoint whose size was changed', async () => {
      const { text } = parseNote(oldNote);
      const tampered = oldNote.replace(text, text.replace(`\n${oldSize}\n`, `\n${oldSize - 1}\n`));
      assert.notEqual(tampered, oldNote);
      const oldFile = path.join(workDir, `tampered-${engine}.note`);
      writeFileSync(oldFile, tampered);
      const run = await crosscheck(['-log', baseUrl, '-old-checkpoint', oldFile]);
      assert.equal(run.status, 1, run.output);
      assert.match(
        run.output,
        /^FAIL old checkpoint .*note.Open.*: invalid signature for key [^ ]+$/m,
      );
      assert.match(run.output, /^RESULT: FAIL \(1 checks failed\)$/m);
    });

    it('accepts a witness key whose base64 contains "+", as Go\'s note.NewVerifier does', async () => {
      let witness = newWitness('witness.test/w2');
      while (witness.verifierKey.split('+').length === 3) witness = newWitness('witness.test/w2');
      const admin = await login(t.app, 'admin');
      const added = await admin.request('POST', '/api/v1/ledger/witnesses', {
        verifierKey: witness.verifierKey,
      });
      assert.equal(added.statusCode, 201, added.body);
    });
  });
}
