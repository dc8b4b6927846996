import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createTestApp, login, type Session, type TestApp } from '../../test/api.ts';
import { engineAvailable, ENGINES, PG_TEST_URL } from '../../test/engines.ts';
import { appendAuditEvent } from '../../core/audit.ts';
import { canonicalJson, sha256Hex } from './events.ts';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.ts';
import {
  cosignerSigner,
  logSigner,
  parseCheckpointText,
  parseNote,
  parseVerifierKey,
  verifyCosignature,
  verifyNoteSignature,
} from './note.ts';
import { checkBundle, type ProofBundle } from './proofs.ts';
import { verifyLedger } from './verify.ts';
import { runWitness } from './witness.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/govdx.mjs');

interface ErrorBody {
  error: { code: string; reason?: string; fields?: Record<string, string> };
}
interface EventItem {
  id: number;
  leafIndex: number | null;
  kind: string;
  type: string;
  orgCode: string | null;
  otherOrgCode: string | null;
}

for (const engine of ENGINES) {
  describe(`ledger [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    let t: TestApp;
    let baseUrl: string;
    let auditor: Session;
    let admin: Session;
    let scjgj: Session;
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'govdx-ledger-'));
    const get = (url: string) => t.app.inject({ method: 'GET', url });
    const sequence = async () => {
      await t.platform.services.sharing.accessLog.flush();
      return t.platform.services.ledger.sequencer.sequence();
    };
    const verifier = () => parseVerifierKey(t.platform.services.ledger.signer.verifierKey);
    const db = () => t.platform.services.db.kysely;
    const verify = () =>
      verifyLedger(db(), [verifier()], { origin: t.platform.services.ledger.origin });
    /** The environment of a `govdx` process on this test's database, with the same keys. */
    const cliEnv = (): NodeJS.ProcessEnv => ({
      ...process.env,
      GOVDX_DATA_DIR: t.platform.config.dataDir,
      GOVDX_LEDGER_KEY: t.platform.config.ledgerKey,
      GOVDX_PII_HMAC_KEY: t.platform.config.piiHmacKey,
      GOVDX_SESSION_SECRET: t.platform.config.sessionSecret,
      GOVDX_LOG_LEVEL: 'silent',
      GOVDX_DATABASE_URL: t.platform.pgSchema
        ? `${PG_TEST_URL}?options=${encodeURIComponent(`-c search_path=${t.platform.pgSchema}`)}`
        : t.platform.config.databaseUrl,
    });

    before(async () => {
      // Sample data brings the sharing demo: grants and 120 real data API lookups.
      t = await createTestApp(engine, {}, { data: 'sample' });
      baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
      auditor = await login(t.app, 'auditor');
      admin = await login(t.app, 'admin');
      scjgj = await login(t.app, 'scjgj_admin');
      await sequence();
    });
    after(async () => {
      await t.close();
      rmSync(tmp, { recursive: true, force: true });
    });

    it('records every audit event and data access as a ledger event, once committed (R6.2)', async () => {
      await t.platform.services.sharing.accessLog.flush();
      const count = async (table: 'audit_events' | 'share_access_log') =>
        Number(
          (
            await db()
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const ledgerCount = async (kind: 'audit' | 'access') =>
        Number(
          (
            await db()
              .selectFrom('ledger_events')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('kind', '=', kind)
              .executeTakeFirstOrThrow()
          ).n,
        );
      assert.ok((await count('share_access_log')) >= 120, 'the demo made data API calls');
      assert.equal(await ledgerCount('audit'), await count('audit_events'));
      assert.equal(await ledgerCount('access'), await count('share_access_log'));

      // A refused change rolls back with its success event; only the failure is recorded.
      const before = await ledgerCount('audit');
      const refused = await admin.request('POST', '/api/v1/orgs', {
        code: 'GAJ',
        name: '重复的机构',
        kind: 'department',
        regionCode: '990100',
      });
      assert.ok(refused.statusCode >= 400, refused.body);
      // Audit rows get their events when the sequencer next runs (core/audit.ts).
      assert.equal(await ledgerCount('audit'), before);
      await t.platform.services.ledger.sequencer.sequence();
      assert.equal(await ledgerCount('audit'), before + 1);
      const last = await db()
        .selectFrom('ledger_events')
        .select(['body', 'event_type'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      assert.equal(last.event_type, 'org.create');
      assert.notEqual((JSON.parse(last.body) as { outcome: string }).outcome, 'success');
    });

    it('builds audit events from the committed rows, in whatever order they commit (R6.2)', async () => {
      await sequence();
      const services = t.platform.services;
      const pending = async () =>
        (await auditor.request('GET', '/api/v1/ledger/status')).json<{ pending: number }>().pending;
      const started = Date.now();
      const event = (action: string) => ({
        actor: { type: 'system' as const, name: 'ledger-test' },
        requestId: `req-${action}`,
        action,
        target: 'resource:330000000001-01@2',
        outcome: 'success' as const,
        details: { note: 'lone \ud800 surrogate', contact: { mobile: '13800138000' } },
        // The second action started first: leaves go by time, not by audit id.
        occurredAt: new Date(action === 'test.first' ? started + 1000 : started),
      });
      // On PostgreSQL the first row written commits last (concurrent transactions); on SQLite,
      // which serializes writers, one after the other.
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let written = () => {};
      const firstWritten = new Promise<void>((resolve) => (written = resolve));
      const first =
        engine === 'postgres'
          ? db()
              .transaction()
              .execute(async (trx) => {
                await appendAuditEvent(trx, services.ledger, event('test.first'));
                written();
                await held;
              })
          : appendAuditEvent(db(), services.ledger, event('test.first')).then(written);
      await firstWritten;
      await appendAuditEvent(db(), services.ledger, event('test.second'));
      assert.equal(await pending(), engine === 'postgres' ? 1 : 2);
      await sequence();
      release();
      await first;
      assert.equal(await pending(), engine === 'postgres' ? 1 : 0);
      await sequence();
      assert.equal(await pending(), 0);

      const events = await db()
        .selectFrom('ledger_events')
        .innerJoin('audit_events', 'audit_events.id', 'ledger_events.source_id')
        .select(['ledger_events.event_type', 'ledger_events.leaf_index', 'ledger_events.body'])
        .where('ledger_events.kind', '=', 'audit')
        .where('audit_events.request_id', 'in', ['req-test.first', 'req-test.second'])
        .orderBy('ledger_events.leaf_index')
        .execute();
      assert.deepEqual(
        events.map((row) => row.event_type),
        ['test.second', 'test.first'],
        'each audit row has exactly one event',
      );
      assert.equal((await sequence()).appended, 0, 'nothing is sequenced twice');
      for (const row of events) {
        assert.notEqual(row.leaf_index, null);
        const body = JSON.parse(row.body) as { details: { note: string; contact: object } };
        assert.equal(row.body, canonicalJson(body), 'the full event is canonical JSON');
        // Made well-formed for RFC 8785, and the mobile number keyed-hashed (R6.3).
        assert.equal(body.details.note, 'lone \ufffd surrogate');
        assert.match(JSON.stringify(body.details.contact), /"mobile":"hmac:[0-9a-f]{32}"/);
      }
      assert.equal((await verify()).ok, true);
    });

    it('keeps personal identifiers out of full events: keyed hashes instead (R6.3)', async () => {
      const bodies = (await db().selectFrom('ledger_events').select('body').execute()).map(
        (row) => row.body,
      );
      const all = bodies.join('\n');
      // The demo's lookups name clerks as end users and look up citizen ID numbers.
      assert.ok(!all.includes('张科员'), 'an end user name appears in clear');
      assert.ok(all.includes('"endUser":"hmac:'), 'end users are keyed-hashed');
      const strings: string[] = [];
      const walk = (value: unknown): void => {
        if (typeof value === 'string') strings.push(value);
        else if (value && typeof value === 'object') Object.values(value).forEach(walk);
      };
      for (const body of bodies) walk(JSON.parse(body));
      assert.ok(strings.length > 1000);
      for (const value of strings) {
        assert.ok(!/^[1-9][0-9]{16}[0-9Xx]$/.test(value), `ID number in clear: ${value}`);
        assert.ok(!/^1[3-9][0-9]{9}$/.test(value), `mobile number in clear: ${value}`);
      }
      // The same value always gives the same hash, so an auditor can follow one person.
      const hasher = t.platform.services.ledger.personalData;
      assert.equal(hasher.hash('张科员'), hasher.hash('张科员'));
      assert.notEqual(hasher.hash('张科员'), hasher.hash('李科员'));
    });

    it('serves signed checkpoints, entries and proofs that verify with the published key', async () => {
      const vkey = (await get('/api/v1/ledger/verifier-key')).body;
      assert.equal(vkey, t.platform.services.ledger.signer.verifierKey);
      const checkpointResponse = await get('/api/v1/ledger/checkpoint');
      assert.equal(checkpointResponse.statusCode, 200);
      assert.match(String(checkpointResponse.headers['content-type']), /^text\/plain/);
      const note = parseNote(checkpointResponse.body);
      assert.ok(verifyNoteSignature(note, parseVerifierKey(vkey)));
      const checkpoint = parseCheckpointText(note.text);
      assert.equal(checkpoint.origin, 'govdx.local/ledger');
      assert.ok(checkpoint.size > 200);

      const sampled = [0, 1, 2, 3, Math.floor(checkpoint.size / 2), checkpoint.size - 1];
      for (const index of sampled) {
        const entry = await get(`/api/v1/ledger/entries/${index}`);
        assert.equal(entry.statusCode, 200);
        assert.equal(entry.headers['content-type'], 'application/octet-stream');
        const leaf = JSON.parse(entry.body) as { seq: number; digest: string; type: string };
        assert.deepEqual(Object.keys(leaf), ['digest', 'seq', 'time', 'type'], 'RFC 8785 order');
        assert.equal(leaf.seq, index);
        const stored = await db()
          .selectFrom('ledger_events')
          .select(['body', 'event_type'])
          .where('leaf_index', '=', index)
          .executeTakeFirstOrThrow();
        assert.equal(leaf.digest, sha256Hex(stored.body), 'the leaf commits to the full event');
        assert.equal(leaf.type, stored.event_type);
        const proof = (
          await get(`/api/v1/ledger/proofs/inclusion?index=${index}&size=${checkpoint.size}`)
        ).body
          .split('\n')
          .filter(Boolean)
          .map((line) => Buffer.from(line, 'base64'));
        assert.ok(
          verifyInclusion(
            leafHash(Buffer.from(entry.rawPayload)),
            index,
            checkpoint.size,
            proof,
            checkpoint.rootHash,
          ),
          `inclusion of ${index}`,
        );
      }

      // More events, a new checkpoint, and a consistency proof between the two.
      await login(t.app, 'reviewer');
      await login(t.app, 'reviewer');
      const result = await sequence();
      assert.ok(result.treeSize >= checkpoint.size + 2);
      const newer = parseCheckpointText(
        parseNote((await get('/api/v1/ledger/checkpoint')).body).text,
      );
      const consistency = (
        await get(`/api/v1/ledger/proofs/consistency?old=${checkpoint.size}&new=${newer.size}`)
      ).body
        .split('\n')
        .filter(Boolean)
        .map((line) => Buffer.from(line, 'base64'));
      assert.ok(
        verifyConsistency(
          checkpoint.size,
          newer.size,
          checkpoint.rootHash,
          newer.rootHash,
          consistency,
        ),
      );
      assert.ok(
        !verifyConsistency(
          checkpoint.size,
          newer.size,
          newer.rootHash,
          newer.rootHash,
          consistency,
        ),
      );
    });

    it('answers bad proof parameters with 400 and a stable reason', async () => {
      const size = (await sequence()).treeSize;
      const cases: [string, string, string?][] = [
        [`/api/v1/ledger/entries/${size}`, 'BAD_REQUEST', 'LEDGER_INDEX_OUT_OF_RANGE'],
        ['/api/v1/ledger/entries/abc', 'VALIDATION'],
        ['/api/v1/ledger/entries/-1', 'VALIDATION'],
        [
          `/api/v1/ledger/proofs/inclusion?index=${size}&size=${size}`,
          'BAD_REQUEST',
          'LEDGER_INDEX_OUT_OF_RANGE',
        ],
        [
          `/api/v1/ledger/proofs/inclusion?index=0&size=${size + 1}`,
          'BAD_REQUEST',
          'LEDGER_SIZE_OUT_OF_RANGE',
        ],
        [
          '/api/v1/ledger/proofs/inclusion?index=0&size=0',
          'BAD_REQUEST',
          'LEDGER_SIZE_OUT_OF_RANGE',
        ],
        ['/api/v1/ledger/proofs/inclusion?index=x&size=2', 'VALIDATION'],
        ['/api/v1/ledger/proofs/inclusion?size=2', 'VALIDATION'],
        ['/api/v1/ledger/proofs/consistency?old=5&new=3', 'BAD_REQUEST', 'LEDGER_OLD_AFTER_NEW'],
        [
          `/api/v1/ledger/proofs/consistency?old=1&new=${size + 1}`,
          'BAD_REQUEST',
          'LEDGER_SIZE_OUT_OF_RANGE',
        ],
        [
          '/api/v1/ledger/proofs/consistency?old=0&new=3',
          'BAD_REQUEST',
          'LEDGER_SIZE_OUT_OF_RANGE',
        ],
        ['/api/v1/ledger/proofs/consistency?old=1.5&new=3', 'VALIDATION'],
      ];
      for (const [url, code, reason] of cases) {
        const response = await get(url);
        assert.equal(response.statusCode, 400, url);
        const body = response.json<ErrorBody>();
        assert.equal(body.error.code, code, url);
        if (reason) assert.equal(body.error.reason, reason, url);
      }
    });

    it('shows full events only to those entitled', async () => {
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/v1/ledger/events' })).statusCode,
        401,
      );
      const all = (await auditor.request('GET', '/api/v1/ledger/events?limit=200')).json<{
        items: EventItem[];
      }>();
      const orgs = new Set(all.items.flatMap((item) => [item.orgCode, item.otherOrgCode]));
      assert.ok(orgs.size > 2, 'the auditor sees every organisation');
      const own = (await scjgj.request('GET', '/api/v1/ledger/events?limit=200')).json<{
        items: EventItem[];
      }>();
      assert.ok(own.items.length > 0);
      for (const item of own.items) {
        assert.ok(item.orgCode === 'SCJGJ' || item.otherOrgCode === 'SCJGJ', JSON.stringify(item));
      }
      const foreign = all.items.find(
        (item) => item.orgCode !== 'SCJGJ' && item.otherOrgCode !== 'SCJGJ' && item.orgCode,
      );
      assert.ok(foreign);
      assert.equal(
        (await scjgj.request('GET', `/api/v1/ledger/events/${foreign.id}`)).statusCode,
        404,
      );
      const reviewer = await login(t.app, 'reviewer');
      assert.equal((await reviewer.request('GET', '/api/v1/ledger/events')).statusCode, 403);

      const accesses = (
        await auditor.request('GET', '/api/v1/ledger/events?kind=access&type=share.data.&limit=5')
      ).json<{ items: EventItem[]; nextBefore: number | null }>();
      assert.equal(accesses.items.length, 5);
      assert.ok(accesses.items.every((item) => item.type.startsWith('share.data.')));
      assert.ok(accesses.nextBefore);
    });

    it('traces who accessed a resource and every change of its catalog entry, with proofs', async () => {
      const access = (
        await auditor.request(
          'GET',
          '/api/v1/ledger/events?kind=access&type=share.data.lookup&limit=1',
        )
      ).json<{ items: (EventItem & { id: number })[] }>().items[0];
      assert.ok(access);
      const detail = (await auditor.request('GET', `/api/v1/ledger/events/${access.id}`)).json<{
        target: string;
        body: { purpose: string; grantId: string };
        proof: { verified: boolean } | null;
      }>();
      assert.ok(detail.proof?.verified, 'the event is proven against the signed checkpoint');
      const trace = (
        await auditor.request('GET', `/api/v1/ledger/trace?resource=${detail.target}`)
      ).json<{
        accesses: {
          consumerOrgCode: string;
          purpose: string;
          grantId: string;
          operation: string;
        }[];
        changes: { type: string }[];
      }>();
      assert.ok(trace.accesses.length >= 120);
      assert.ok(trace.accesses.every((a) => a.consumerOrgCode === 'SCJGJ' && a.grantId));
      assert.equal(trace.accesses[0]?.purpose, detail.body.purpose);
      assert.ok(
        trace.changes.some((c) => c.type.startsWith('catalog.')),
        'catalog changes',
      );
    });

    it('downloads a proof bundle that verifies offline, and fails when tampered with', async () => {
      const event = (
        await auditor.request('GET', '/api/v1/ledger/events?limit=1&kind=audit')
      ).json<{
        items: EventItem[];
      }>().items[0];
      assert.ok(event);
      await sequence();
      const response = await auditor.request('GET', `/api/v1/ledger/events/${event.id}/bundle`);
      assert.equal(response.statusCode, 200, response.body);
      const bundle = response.json<ProofBundle>();
      assert.equal(bundle.format, 'govdx-ledger-bundle/v1');
      const key = t.platform.services.ledger.signer.verifierKey;
      assert.ok(checkBundle(bundle, key).ok, JSON.stringify(checkBundle(bundle, key)));
      const tampered = { ...bundle, event: bundle.event.replace('"success"', '"failed"') };
      assert.notEqual(tampered.event, bundle.event);
      const failed = checkBundle(tampered, key);
      assert.ok(!failed.ok);
      assert.equal(failed.steps.find((s) => !s.ok)?.check, 'event digest in leaf');
      // Signed by the log, but not with the key the checker trusts.
      const otherKey = generateKeyPairSync('ed25519').privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      });
      const impostor = logSigner('govdx.local/ledger', otherKey.toString());
      const wrongKey = checkBundle(bundle, impostor.verifierKey);
      assert.ok(!wrongKey.ok);
      assert.equal(wrongKey.steps.find((s) => !s.ok)?.check, 'checkpoint signature');

      // The CLI checks the same file, with the exit code telling the result.
      const file = path.join(tmp, 'bundle.json');
      writeFileSync(file, JSON.stringify(bundle));
      const ok = spawnSync(
        process.execPath,
        [BIN, 'ledger', 'check-bundle', file, '--verifier-key', key],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /bundle verified/);
      writeFileSync(file, JSON.stringify(tampered));
      const bad = spawnSync(process.execPath, [BIN, 'ledger', 'check-bundle', file], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(bad.status, 1);
      assert.match(bad.stdout, /FAIL event digest in leaf/);
    });

    it('takes cosignatures from registered witnesses that check consistency', async () => {
      const keyFile = path.join(tmp, 'witness.pem');
      const lines: string[] = [];
      const witness = (once = true) =>
        runWitness({
          logUrl: baseUrl,
          keyFile,
          name: 'witness.test/province',
          intervalMs: 1000,
          once,
          print: (line) => lines.push(line),
        });
      // Unregistered: the log refuses its cosignature.
      assert.equal(await witness(), 1);
      assert.match(lines.join('\n'), /REFUSED .*LEDGER_COSIGNATURE_INVALID/);
      const vkey = cosignerSigner(
        'witness.test/province',
        readFileSync(keyFile, 'utf8'),
      ).verifierKey;
      const added = await admin.request('POST', '/api/v1/ledger/witnesses', { verifierKey: vkey });
      assert.equal(added.statusCode, 201, added.body);
      const notWitness = await scjgj.request('POST', '/api/v1/ledger/witnesses', {
        verifierKey: vkey,
      });
      assert.equal(notWitness.statusCode, 403);
      const badKey = await admin.request('POST', '/api/v1/ledger/witnesses', {
        verifierKey: 'x+y+z',
      });
      assert.equal(badKey.json<ErrorBody>().error.code, 'VALIDATION');

      await sequence();
      assert.equal(await witness(), 0, lines.join('\n'));
      const note = parseNote((await get('/api/v1/ledger/checkpoint')).body);
      const line = note.signatures.find((s) => s.name === 'witness.test/province');
      assert.ok(line, 'the served checkpoint carries the cosignature');
      assert.ok(verifyCosignature(note.text, line, parseVerifierKey(vkey)));

      // The log grows; the witness checks the consistency proof before cosigning again.
      await login(t.app, 'reviewer');
      const grown = await sequence();
      assert.equal(await witness(), 0, lines.join('\n'));
      const status = (await auditor.request('GET', '/api/v1/ledger/status')).json<{
        witnesses: { name: string; lastCosignedSize: number }[];
        checkpoint: { cosignatures: { witness: string }[] };
      }>();
      assert.equal(status.witnesses[0]?.lastCosignedSize, grown.treeSize);
      assert.equal(status.checkpoint.cosignatures[0]?.witness, 'witness.test/province');

      // A witness that saw another tree of that size refuses: a fork.
      const stateFile = `${keyFile}.state.json`;
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { root: string };
      writeFileSync(
        stateFile,
        JSON.stringify({ ...state, root: Buffer.alloc(32).toString('base64') }),
      );
      assert.equal(await witness(), 1);
      assert.match(lines.at(-1) ?? '', /REFUSED two different trees .* forked/);
    });

    it('sequences with several processes on one database: one sequencer at a time, nothing lost', async () => {
      // On SQLite, writes of this process wait for the file lock, which a transaction that read
      // first cannot do (SQLITE_BUSY_SNAPSHOT): there they come before the other processes start.
      const write = () => Promise.all(Array.from({ length: 40 }, () => login(t.app, 'reviewer')));
      if (engine === 'sqlite') await write();
      // Two CLI processes sequence (prove does) while this process sequences too.
      const others = [1, 2].map(
        () =>
          new Promise<number | null>((resolve) => {
            const child = spawn(
              process.execPath,
              [BIN, 'ledger', 'prove', '--event', '1', '--out', path.join(tmp, 'p.json')],
              { env: cliEnv(), stdio: 'ignore' },
            );
            child.on('exit', resolve);
          }),
      );
      {
        const passes = Array.from({ length: 4 }, () => sequence());
        await Promise.all([...(engine === 'sqlite' ? [] : [write()]), ...passes]);
        assert.deepEqual(await Promise.all(others), [0, 0]);
        await sequence();
        const events = await db()
          .selectFrom('ledger_events')
          .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('leaf_index').as('max')])
          .executeTakeFirstOrThrow();
        const pending = await db()
          .selectFrom('ledger_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('leaf_index', 'is', null)
          .executeTakeFirstOrThrow();
        assert.equal(Number(pending.n), 0);
        assert.equal(
          Number(events.max) + 1,
          Number(events.n),
          'indexes 0..n-1, no gap, no duplicate',
        );
        const report = await verify();
        assert.ok(report.ok, JSON.stringify(report.problems));
      }
    });

    // Late in the suite: its 2,500 events would crowd the event lists the tests above page through.
    it('works off a backlog in transactions of 300 and signs one checkpoint for it', async () => {
      await sequence();
      const services = t.platform.services;
      const checkpoints = async () =>
        Number(
          (
            await db()
              .selectFrom('ledger_checkpoints')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await checkpoints();
      await db()
        .transaction()
        .execute(async (trx) => {
          for (let i = 0; i < 2_500; i++) {
            await appendAuditEvent(trx, services.ledger, {
              actor: { type: 'system', name: 'ledger-test' },
              requestId: `backlog-${i}`,
              action: 'test.backlog',
              target: null,
              outcome: 'success',
              details: { i },
              occurredAt: new Date(),
            });
          }
        });
      const result = await sequence();
      assert.equal(result.appended, 2_500);
      assert.equal(result.checkpoint, result.treeSize);
      assert.equal(await checkpoints(), before + 1);
      assert.equal((await verify()).ok, true);
    });

    it('finds the sequencer queue through an index, on SQLite without the partial one', async () => {
      const queue =
        'select id, occurred_at, event_type, digest from ledger_events where leaf_index is null order by id limit 300';
      const raw = t.platform.services.db.raw;
      if (raw.engine === 'sqlite') {
        const plan = (
          raw.sqlite.prepare(`explain query plan ${queue}`).all() as { detail: string }[]
        )
          .map((row) => row.detail)
          .join(' | ');
        // The unique index on leaf_index, in rowid order: no scan of the table, no sort.
        assert.match(
          plan,
          /^SEARCH ledger_events USING INDEX sqlite_autoindex_ledger_events_\d+ \(leaf_index=\?\)$/,
        );
        const index = raw.sqlite
          .prepare("select name from sqlite_master where name = 'ledger_events_pending'")
          .get();
        assert.equal(index, undefined, 'migration 0011 dropped it');
      } else {
        const { rows } = await sql<{ indexname: string }>`select indexname from pg_indexes
          where schemaname = current_schema() and indexname = 'ledger_events_pending'`.execute(
          db(),
        );
        assert.equal(rows.length, 1);
      }
    });

    it('govdx ledger verify finds tampering and names the entry', async () => {
      await sequence();
      const clean = await verify();
      assert.ok(clean.ok, JSON.stringify(clean.problems));
      assert.ok(clean.entries > 200 && clean.checkpoints >= 3);

      const row = async (index: number) =>
        db()
          .selectFrom('ledger_events')
          .selectAll()
          .where('leaf_index', '=', index)
          .executeTakeFirstOrThrow();
      const expectProblem = async (kind: string, entry: number) => {
        const report = await verify();
        assert.ok(!report.ok, `${kind} at ${entry} went unnoticed`);
        assert.equal(report.problems[0]?.kind, kind, JSON.stringify(report.problems));
        assert.equal(report.problems[0]?.entry, entry, JSON.stringify(report.problems));
      };

      // 1. A full event edited in place.
      const victim = await row(17);
      await db()
        .updateTable('ledger_events')
        .set({ body: victim.body.replace('"kind":"audit"', '"kind":"audit","x":1') })
        .where('id', '=', victim.id)
        .execute();
      await expectProblem('modified', 17);
      // The CLI says the same, with a non-zero exit.
      const cli = spawnSync(process.execPath, [BIN, 'ledger', 'verify'], {
        env: cliEnv(),
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(cli.status, 1, cli.stdout + cli.stderr);
      assert.match(
        cli.stdout,
        /TAMPERED modified: entry 17: the full event does not match its digest/,
      );
      await db()
        .updateTable('ledger_events')
        .set({ body: victim.body })
        .where('id', '=', victim.id)
        .execute();

      // 2. The leaf itself (its type) edited.
      await db()
        .updateTable('ledger_events')
        .set({ event_type: 'auth.logout' })
        .where('id', '=', victim.id)
        .execute();
      await expectProblem('modified', 17);
      await db()
        .updateTable('ledger_events')
        .set({ event_type: victim.event_type })
        .where('id', '=', victim.id)
        .execute();

      // 3. Two entries swapped.
      const other = await row(30);
      await db()
        .updateTable('ledger_events')
        .set({ leaf_index: -1 })
        .where('id', '=', victim.id)
        .execute();
      await db()
        .updateTable('ledger_events')
        .set({ leaf_index: 17 })
        .where('id', '=', other.id)
        .execute();
      await db()
        .updateTable('ledger_events')
        .set({ leaf_index: 30 })
        .where('id', '=', victim.id)
        .execute();
      await expectProblem('reordered', 17);
      await db()
        .updateTable('ledger_events')
        .set({ leaf_index: -1 })
        .where('id', '=', victim.id)
        .execute();
      await db()
        .updateTable('ledger_events')
        .set({ leaf_index: 30 })
        .where('id', '=', other.id)
        .execute();
      await db()
        .updateTable('ledger_events')
        .set({ leaf_index: 17 })
        .where('id', '=', victim.id)
        .execute();

      // 4. An entry deleted.
      await db().deleteFrom('ledger_events').where('id', '=', victim.id).execute();
      await expectProblem('deleted', 17);
      const { id: _id, ...restored } = victim;
      void _id;
      await db().insertInto('ledger_events').values(restored).execute();

      // 5. An entry inserted in the middle, the later ones shifted up to make room.
      await sql`update ledger_events set leaf_index = -leaf_index - 1 where leaf_index >= 40`.execute(
        db(),
      );
      await sql`update ledger_events set leaf_index = -leaf_index where leaf_index < -40`.execute(
        db(),
      );
      await db()
        .insertInto('ledger_events')
        .values({ ...restored, source_id: victim.source_id, leaf_index: 40 })
        .execute();
      const inserted = await verify();
      assert.ok(!inserted.ok);
      assert.equal(inserted.problems[0]?.entry, 40, JSON.stringify(inserted.problems));
      await db().deleteFrom('ledger_events').where('leaf_index', '=', 40).execute();
      await sql`update ledger_events set leaf_index = -(leaf_index - 1) where leaf_index > 40`.execute(
        db(),
      );
      await sql`update ledger_events set leaf_index = -leaf_index where leaf_index < 0`.execute(
        db(),
      );

      // 6. The audit log row behind an entry edited (what the audit page shows).
      await sql`update audit_events set outcome = 'denied' where id = ${victim.source_id}`.execute(
        db(),
      );
      await expectProblem('source', 17);
      await sql`update audit_events set outcome = ${(JSON.parse(victim.body) as { outcome: string }).outcome} where id = ${victim.source_id}`.execute(
        db(),
      );

      const again = await verify();
      assert.ok(again.ok, JSON.stringify(again.problems));
    });
  });
}

describe('ledger key rotation (govdx ledger rotate-key)', () => {
  it('keeps checkpoints signed by the retired key verifiable, and only with that key trusted', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'govdx-rotate-'));
    try {
      const env = {
        ...process.env,
        GOVDX_DATA_DIR: dir,
        GOVDX_LOG_LEVEL: 'silent',
        GOVDX_LEDGER_KEY: '',
        GOVDX_DATABASE_URL: `sqlite:${path.join(dir, 'govdx.db')}`,
      };
      const govdx = (...args: string[]) =>
        spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
      const first = govdx('ledger', 'verify');
      assert.equal(first.status, 0, first.stdout + first.stderr);
      const oldKey = readFileSync(path.join(dir, 'ledger-key.pem'), 'utf8');
      const rotated = govdx('ledger', 'rotate-key');
      assert.equal(rotated.status, 0, rotated.stdout + rotated.stderr);
      assert.match(rotated.stdout, /^retired govdx\.local\/ledger\+[0-9a-f]{8}\+/);
      assert.notEqual(readFileSync(path.join(dir, 'ledger-key.pem'), 'utf8'), oldKey);
      // The next start registers the new key and retires the old one.
      assert.equal(govdx('action', 'region.list', '{}').status, 0);
      const after = govdx('ledger', 'verify', '--json');
      assert.equal(after.status, 0, after.stdout + after.stderr);
      const report = JSON.parse(after.stdout) as { checkpoints: number; ok: boolean };
      assert.ok(report.ok && report.checkpoints >= 1);
      const keys = spawnSync(process.execPath, [BIN, 'action', 'ledger.status', '{}'], {
        env,
        encoding: 'utf8',
      });
      const status = JSON.parse(keys.stdout) as { keys: { retiredAt: string | null }[] };
      assert.equal(status.keys.length, 2);
      assert.equal(status.keys.filter((key) => key.retiredAt === null).length, 1);
      // Without the retired key among the trusted ones, its checkpoints no longer count.
      rmSync(path.join(dir, 'ledger-trusted-keys'));
      const untrusted = govdx('ledger', 'verify');
      assert.equal(untrusted.status, 1);
      assert.match(
        untrusted.stdout,
        /TAMPERED signature: checkpoint of size \d+ is not signed by a trusted key/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
