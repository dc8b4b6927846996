/**
 * Builds a large ledger for bench/ledger.ts quickly: synthetic audit events and data-API access
 * records, each with its source row (audit_events, share_access_log) so that `verifyLedger`'s
 * cross-check finds them, written in bulk and left pending for the real sequencer.
 *
 * - Access records go through the real writer, `services.sharing.accessLog` (append + flush: one
 *   prepared statement per row on SQLite, the ledger event built by the platform's own code).
 * - Audit rows are written the way `appendAuditEvent` (src/core/audit.ts) writes them (PII scrubbed
 *   by the platform's hasher, waiting for the ledger as migration 0010 says), but in bulk: one SQLite
 *   transaction of prepared statements per 1,000 rows, or multi-row inserts on PostgreSQL. The
 *   sequencer builds their ledger events, as it does in the platform.
 */
import { randomUUID } from 'node:crypto';
import { AUDIT_LEDGER_FIELDS } from '../src/core/audit.ts';
import type { Services } from '../src/core/services.ts';
import type { AuditEventTable } from '../src/db/schema.ts';
import type { AccessRecord } from '../src/modules/sharing/runtime.ts';
import { sha256Hex } from '../src/modules/ledger/events.ts';

/** Events between progress reports (and explicit flushes of the access log). */
const CHUNK = 50_000;
/**
 * Consecutive events of one kind, so the log interleaves audit and access events; audit events are
 * written one run per transaction, access records flush on their own every 500 (AccessLog).
 */
const RUN = 1_000;

const ORGS = Array.from({ length: 40 }, () => randomUUID());
const TOKENS = Array.from({ length: 40 }, () => randomUUID());
const GRANTS = Array.from({ length: 200 }, () => randomUUID());
const USERS = Array.from({ length: 100 }, () => randomUUID());
const NAMES = ['王伟', '李芳', '张娜', '刘秀英', '陈敏', '杨静', '黄丽', '赵强', '吴磊', '周军'];
const RESOURCES = Array.from({ length: 300 }, (_, i) => `330000${String(i).padStart(6, '0')}-01`);
const ACTIONS = [
  'catalog.resource.update',
  'catalog.resource.publish',
  'share.grant.obtain',
  'calendar.override.set',
  'user.update',
  'problem.report',
];
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

/** Synthetic event times: one every 10 ms from a fixed start, so they are increasing and distinct. */
const START = Date.UTC(2026, 0, 5, 0, 0, 0);
const timeOf = (i: number) => new Date(START + i * 10).toISOString();

function accessRecord(i: number): AccessRecord {
  return {
    occurred_at: timeOf(i),
    request_id: randomUUID(),
    token_id: pick(TOKENS, i),
    system_name: '不动产登记系统',
    consumer_org_id: pick(ORGS, i),
    grant_id: pick(GRANTS, i * 7),
    provider_org_id: pick(ORGS, i * 3 + 1),
    resource_code: pick(RESOURCES, i * 11),
    operation: i % 5 === 0 ? 'verify' : 'lookup',
    purpose: '不动产登记审核',
    end_user: `3301021990${String(1000000 + (i % 999999)).slice(1)}X`,
    case_ref: `BDC-2026-${String(i % 1_000_000).padStart(6, '0')}`,
    emergency_id: null,
    status: 200,
    error_code: null,
    row_count: 1,
    fields: '["id_card_no","person_name","household_address"]',
    response_digest: sha256Hex(String(i)),
    duration_ms: 1.5,
    client_ip: '10.1.2.3',
  };
}

type AuditRow = Omit<AuditEventTable, 'id' | 'ledger_pending'> & {
  actor_id: string;
  org_id: string;
  target: string;
  ledger_pending: number;
};

function auditEvent(services: Services, i: number): AuditRow {
  const code = pick(RESOURCES, i * 13);
  const details = services.ledger.personalData.scrub({
    input: {
      code,
      contactName: pick(NAMES, i),
      contactPhone: `138${String(10_000_000 + (i % 89_999_999))}`,
      note: '按年度更新共享属性与更新周期',
      updateCycle: 'monthly',
    },
  });
  return {
    occurred_at: timeOf(i),
    request_id: randomUUID(),
    actor_type: 'user',
    actor_id: pick(USERS, i),
    actor_name: pick(NAMES, i * 3),
    org_id: pick(ORGS, i * 5),
    action: pick(ACTIONS, i),
    target: `resource:${code}@${1 + (i % 4)}`,
    outcome: 'success',
    details: JSON.stringify(details),
    ledger_pending: services.ledger.auditPendingFlag,
  };
}

const AUDIT_COLUMNS = [...AUDIT_LEDGER_FIELDS, 'ledger_pending'] as const;

async function writeAudit(services: Services, from: number, to: number): Promise<void> {
  const rows: AuditRow[] = [];
  for (let i = from; i < to; i++) rows.push(auditEvent(services, i));
  const raw = services.db.raw;
  if (raw.engine === 'sqlite') {
    const sqlite = raw.sqlite;
    const insertAudit = sqlite.prepare(
      `insert into audit_events (${AUDIT_COLUMNS.join(', ')}) values (${AUDIT_COLUMNS.map(() => '?').join(', ')})`,
    );
    await services.db.kysely.connection().execute(() => {
      sqlite.transaction(() => {
        for (const row of rows) insertAudit.run(AUDIT_COLUMNS.map((c) => row[c]));
      })();
      return Promise.resolve();
    });
    return;
  }
  await services.db.kysely.transaction().execute(async (trx) => {
    for (let start = 0; start < rows.length; start += 1000) {
      await trx
        .insertInto('audit_events')
        .values(rows.slice(start, start + 1000))
        .execute();
    }
  });
}

/**
 * Writes `entries` pending ledger events (alternating runs of 1,000 audit events and 1,000 data
 * accesses), with their source rows. Returns the events written per second.
 */
export async function buildLog(
  services: Services,
  entries: number,
  progress: (done: number) => void,
): Promise<number> {
  const started = performance.now();
  const accessLog = services.sharing.accessLog;
  for (let chunk = 0; chunk < entries; chunk += CHUNK) {
    const end = Math.min(entries, chunk + CHUNK);
    for (let run = chunk; run < end; run += RUN) {
      const runEnd = Math.min(end, run + RUN);
      if ((run / RUN) % 2 === 0) {
        await accessLog.flush(); // keeps event ids in order of i across the two writers
        await writeAudit(services, run, runEnd);
      } else {
        for (let i = run; i < runEnd; i++) accessLog.append(accessRecord(i));
      }
    }
    await accessLog.flush();
    progress(end);
  }
  return entries / ((performance.now() - started) / 1000);
}
