import { sql, type Kysely } from 'kysely';
import type { Actor } from '../../core/actor.ts';
import { appendAuditEvent } from '../../core/audit.ts';
import { AppError, text } from '../../core/errors.ts';
import type { Services } from '../../core/services.ts';
import type { LedgerWriter } from '../ledger/events.ts';
import type { Database, OpenApplicationTable, OpenChannel } from '../../db/schema.ts';
import { chinaToday } from '../calendar/calendar.ts';
import type { DataItemDto, ResourceContentDto } from '../catalog/model.ts';
import { versionsQuery } from '../catalog/store.ts';
import { isTabular } from '../aggregation/data-table.ts';

/**
 * What of a dataset the public may see and take (R5.1, R5.4, R5.5). One place decides, for every
 * door: the portal's pages and downloads, the open data API, the CKAN Action API and the DCAT files.
 */
export interface OpenDataset {
  resourceId: string;
  code: string;
  version: number;
  name: string;
  orgId: string;
  orgCode: string;
  orgName: string;
  regionPath: string;
  openClass: 'unconditional' | 'conditional';
  content: ResourceContentDto;
  publishedAt: string;
  /** The typed table holding the rows, when the dataset is tabular and has been created. */
  table: string | null;
  rowCount: number | null;
  /** When its data last changed (a batch), else when it was published. */
  lastUpdatedAt: string;
}

/**
 * The live version of an open dataset, or undefined for one that is unknown, unpublished or not
 * open (class none): callers answer 404 alike, so that nothing says a closed dataset exists.
 */
export async function findOpenDataset(
  db: Kysely<Database>,
  code: string,
): Promise<OpenDataset | undefined> {
  return (await findOpenDatasets(db, [code]))[0];
}

/** The open datasets among `codes`, in the order given: one statement for a page of results. */
export async function findOpenDatasets(
  db: Kysely<Database>,
  codes: string[],
): Promise<OpenDataset[]> {
  if (codes.length === 0) return [];
  const rows = await versionsQuery(db)
    .leftJoin('resource_data_tables', 'resource_data_tables.resource_id', 'resources.id')
    .select([
      'resource_data_tables.table_name',
      'resource_data_tables.row_count',
      'resource_data_tables.updated_at as data_updated_at',
    ])
    .whereRef('resource_versions.version', '=', 'resources.live_version')
    .where('resources.code', 'in', codes)
    .where('resource_versions.open_class', '!=', 'none')
    .where('resource_versions.published_at', 'is not', null)
    .execute();
  const byCode = new Map(rows.map((row) => [row.code, row]));
  return codes.flatMap((code) => {
    const live = byCode.get(code);
    if (!live?.published_at) return [];
    const content = JSON.parse(live.content) as ResourceContentDto;
    return [
      {
        resourceId: live.resource_id,
        code: live.code,
        version: live.version,
        name: live.name,
        orgId: live.org_id,
        orgCode: live.org_code,
        orgName: live.org_name,
        regionPath: live.region_path,
        openClass: live.open_class as OpenDataset['openClass'],
        content,
        publishedAt: live.published_at,
        table: isTabular(content) ? (live.table_name ?? null) : null,
        rowCount: live.row_count === null ? null : Number(live.row_count),
        lastUpdatedAt:
          live.data_updated_at && live.data_updated_at > live.published_at
            ? live.data_updated_at
            : live.published_at,
      },
    ];
  });
}

/**
 * The data items the public sees: personal and sensitive items are never opened, nor items the
 * catalog masks for sharing (R5.1: opening follows a security review; open data is not masked data).
 */
export function openItems(content: ResourceContentDto): DataItemDto[] {
  return content.items.filter((item) => item.sensitivity === 'none' && item.masking === 'none');
}

export type AccessReason =
  | 'unconditional'
  | 'approved'
  | 'login_required'
  | 'verification_required'
  | 'apply'
  | 'pending'
  | 'refused'
  | 'expired';

export interface AccessDecision {
  canDownload: boolean;
  reason: AccessReason;
  application?: { code: string; status: string; validTo: string | null };
}

/**
 * Whether the actor may take the dataset's data (R5.4 unconditional: anyone, anonymous included;
 * R5.5 conditional: a public account with an approved application inside its period). Government
 * staff browse the open portal like the public: their own access to data goes through grants.
 */
export async function accessTo(
  db: Kysely<Database>,
  actor: Actor,
  dataset: OpenDataset,
  now: Date,
): Promise<AccessDecision> {
  if (dataset.openClass === 'unconditional') return { canDownload: true, reason: 'unconditional' };
  if (actor.type !== 'public') return { canDownload: false, reason: 'login_required' };
  const latest = await db
    .selectFrom('open_applications')
    .selectAll()
    .where('account_id', '=', actor.id)
    .where('resource_id', '=', dataset.resourceId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest || latest.status === 'withdrawn')
    return { canDownload: false, reason: actor.verified ? 'apply' : 'verification_required' };
  const application = { code: latest.code, status: latest.status, validTo: latest.valid_to };
  const reason = applicationState(latest, chinaToday(now));
  return { canDownload: reason === 'approved', reason, application };
}

function applicationState(row: OpenApplicationTable, today: string): AccessReason {
  if (row.status === 'pending') return 'pending';
  if (row.status === 'refused') return 'refused';
  if (row.status === 'approved') {
    if (row.valid_to !== null && row.valid_to < today) return 'expired';
    if (row.period_from > today) return 'pending';
    return 'approved';
  }
  return 'apply';
}

/** Throws the stable refusal of a data request the actor may not make. */
export async function requireAccess(
  db: Kysely<Database>,
  actor: Actor,
  dataset: OpenDataset,
  now: Date,
): Promise<AccessDecision> {
  const decision = await accessTo(db, actor, dataset, now);
  if (decision.canDownload) return decision;
  if (decision.reason === 'login_required')
    throw new AppError(
      'UNAUTHENTICATED',
      text(
        '有条件开放数据须登录并经批准后方可获取',
        'conditionally open data needs a signed-in account with an approved application',
      ),
      undefined,
      { reason: 'OPEN_ACCESS_REQUIRED' },
    );
  throw new AppError(
    'FORBIDDEN',
    text(
      '有条件开放数据须申请并经开放部门批准，且在批准的期限内方可获取',
      'conditionally open data needs an approved application within its period',
    ),
    undefined,
    { reason: 'OPEN_ACCESS_REQUIRED', data: { access: decision.reason } },
  );
}

export interface OpenAccessRecord {
  actor: Actor;
  dataset: OpenDataset;
  channel: OpenChannel;
  format: string | null;
  rows: number;
  requestId: string;
  at: Date;
  /** The download stopped before its end (the client went away). */
  incomplete?: boolean;
}

/**
 * Records one open download or API call (R5.9): who (account, key, or anonymous), what, how many
 * rows and when. Appended to the open access log, which writes it with its audit event (so its
 * ledger entry) and the day's usage count in one transaction, in batches (`OpenAccessLog`).
 */
export function recordOpenAccess(services: Services, record: OpenAccessRecord): void {
  services.open.accessLog.append(record);
}

/**
 * Writes a batch of takes in one transaction: each one's `open_access_log` row and audit event (so
 * its ledger entry), and the daily usage counters summed per dataset and day.
 */
export async function writeOpenAccess(
  db: Kysely<Database>,
  ledger: LedgerWriter,
  records: OpenAccessRecord[],
): Promise<void> {
  const usage = new Map<
    string,
    { resourceId: string; orgId: string; day: string; downloads: number; apiCalls: number }
  >();
  await db.transaction().execute(async (trx) => {
    for (const record of records) {
      const { actor, dataset } = record;
      const accountId = actor.type === 'public' ? actor.id : null;
      const keyId = actor.type === 'public' ? (actor.keyId ?? null) : null;
      await trx
        .insertInto('open_access_log')
        .values({
          occurred_at: record.at.toISOString(),
          account_id: accountId,
          key_id: keyId,
          resource_id: dataset.resourceId,
          resource_code: dataset.code,
          org_id: dataset.orgId,
          channel: record.channel,
          format: record.format,
          row_count: record.rows,
          request_id: record.requestId,
        })
        .execute();
      await appendAuditEvent(trx, ledger, {
        actor,
        requestId: record.requestId,
        action: `open.data.${record.channel}`,
        target: `resource:${dataset.code}`,
        orgId: dataset.orgId,
        outcome: 'success',
        details: {
          format: record.format,
          rows: record.rows,
          openClass: dataset.openClass,
          keyId,
          ...(record.incomplete ? { incomplete: true } : {}),
        },
        occurredAt: record.at,
      });
      if (record.channel === 'preview') continue;
      const day = chinaToday(record.at);
      const key = `${dataset.resourceId}/${day}`;
      const counts = usage.get(key) ?? {
        resourceId: dataset.resourceId,
        orgId: dataset.orgId,
        day,
        downloads: 0,
        apiCalls: 0,
      };
      if (record.channel === 'download') counts.downloads++;
      else counts.apiCalls++;
      usage.set(key, counts);
    }
    for (const counts of usage.values()) {
      await trx
        .insertInto('open_usage_daily')
        .values({
          resource_id: counts.resourceId,
          day: counts.day,
          org_id: counts.orgId,
          downloads: counts.downloads,
          api_calls: counts.apiCalls,
        })
        .onConflict((oc) =>
          oc.columns(['resource_id', 'day']).doUpdateSet({
            downloads: sql`open_usage_daily.downloads + ${counts.downloads}`,
            api_calls: sql`open_usage_daily.api_calls + ${counts.apiCalls}`,
          }),
        )
        .execute();
    }
  });
}
