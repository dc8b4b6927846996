import { Type } from '@sinclair/typebox';
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import type { Actor } from '../../core/actor.ts';
import { AppError } from '../../core/errors.ts';
import { fileResult, FileResult, RawResultSchema, type RawResult } from '../../core/files.ts';
import { hasRole, isAuditor, isGovernmentActor, isSystem } from '../../core/policy.ts';
import { Input, Timestamp } from '../../core/schemas.ts';
import type { Database } from '../../db/schema.ts';
import { leafBytes } from './events.ts';
import { leafHash, proveConsistency, verifyInclusion } from './merkle.ts';
import {
  NoteError,
  parseCheckpointText,
  parseNote,
  parseVerifierKey,
  verifyCosignature,
} from './note.ts';
import { buildBundle, inclusionProof, latestCheckpoint, proofText, servedNote } from './proofs.ts';
import { databaseReader, leafAt, leafOf, pendingAudit, treeSize } from './store.ts';

/**
 * The ledger's HTTP interface (issue 6; docs/API-ledger.md). The public part (checkpoint, verifier
 * key, entries, proofs) needs no login and reveals no event content; full events are behind
 * entitlement: auditors see all, an authority administrator its region's organisations, a department
 * administrator its own (R6.2, R5.9 "transparent, auditable, traceable").
 */

function text(body: string | Uint8Array, contentType = 'text/plain; charset=utf-8'): RawResult {
  return { raw: { contentType, body, headers: { 'cache-control': 'no-store' } } };
}

function badRange(reason: string, zh: string, en: string): AppError {
  return new AppError('BAD_REQUEST', { zh, en }, undefined, { reason });
}

const checkpoint = defineAction({
  name: 'ledger.checkpoint',
  description:
    'The latest signed checkpoint (C2SP tlog-checkpoint note) with witness cosignatures.',
  tag: 'ledger',
  input: Input({}),
  output: RawResultSchema,
  mutating: false,
  http: { method: 'GET', path: '/ledger/checkpoint', raw: { contentTypes: ['text/plain'] } },
  policy: () => true,
  handler: async (ctx) => {
    const latest = await latestCheckpoint(ctx.db);
    if (!latest) {
      throw new AppError(
        'UNAVAILABLE',
        { zh: '存证日志尚未签发检查点', en: 'The ledger has not signed a checkpoint yet' },
        undefined,
        { reason: 'LEDGER_NO_CHECKPOINT' },
      );
    }
    return text(servedNote(latest));
  },
});

const verifierKey = defineAction({
  name: 'ledger.verifierKey',
  description: "The log's current verifier key in the signed-note format name+keyid+key.",
  tag: 'ledger',
  input: Input({}),
  output: RawResultSchema,
  mutating: false,
  http: { method: 'GET', path: '/ledger/verifier-key', raw: { contentTypes: ['text/plain'] } },
  policy: () => true,
  handler: (ctx) => Promise.resolve(text(ctx.services.ledger.signer.verifierKey)),
});

const verifierKeys = defineAction({
  name: 'ledger.verifierKeys',
  description: 'Every verifier key that ever signed checkpoints (rotations), one per line.',
  tag: 'ledger',
  input: Input({}),
  output: RawResultSchema,
  mutating: false,
  http: { method: 'GET', path: '/ledger/verifier-keys', raw: { contentTypes: ['text/plain'] } },
  policy: () => true,
  handler: async (ctx) => {
    const keys = await ctx.db
      .selectFrom('ledger_keys')
      .select('verifier_key')
      .orderBy('first_used_at')
      .execute();
    return text(keys.map((k) => `${k.verifier_key}\n`).join(''));
  },
});

const NonNegative = Type.Integer({ minimum: 0 });

const entry = defineAction({
  name: 'ledger.entry',
  description: 'The raw leaf bytes of one entry (0-based index).',
  tag: 'ledger',
  input: Input({ index: NonNegative }),
  output: RawResultSchema,
  mutating: false,
  http: {
    method: 'GET',
    path: '/ledger/entries/:index',
    raw: { contentTypes: ['application/octet-stream'] },
  },
  policy: () => true,
  handler: async (ctx, input) => {
    const size = await treeSize(ctx.db);
    const leaf = input.index < size ? await leafAt(ctx.db, input.index) : null;
    if (!leaf) {
      throw badRange(
        'LEDGER_INDEX_OUT_OF_RANGE',
        `条目序号超出日志范围（当前共 ${size} 条）`,
        `Entry index beyond the log (it has ${size} entries)`,
      );
    }
    return text(leaf, 'application/octet-stream');
  },
});

async function checkSize(ctx: ActionContext, size: number, name: string): Promise<void> {
  const current = await treeSize(ctx.db);
  if (size < 1 || size > current) {
    throw badRange(
      'LEDGER_SIZE_OUT_OF_RANGE',
      `${name} 须在 1 到当前日志大小 ${current} 之间`,
      `${name} must be between 1 and the current tree size ${current}`,
    );
  }
}

const inclusion = defineAction({
  name: 'ledger.proof.inclusion',
  description:
    'Inclusion proof of entry index in the tree of size size (base64 hashes, one a line).',
  tag: 'ledger',
  input: Input({ index: NonNegative, size: NonNegative }),
  output: RawResultSchema,
  mutating: false,
  http: { method: 'GET', path: '/ledger/proofs/inclusion', raw: { contentTypes: ['text/plain'] } },
  policy: () => true,
  handler: async (ctx, input) => {
    await checkSize(ctx, input.size, 'size');
    if (input.index >= input.size) {
      throw badRange(
        'LEDGER_INDEX_OUT_OF_RANGE',
        'index 须小于 size',
        'index must be smaller than size',
      );
    }
    return text(proofText(await inclusionProof(ctx.db, input.index, input.size)));
  },
});

const consistency = defineAction({
  name: 'ledger.proof.consistency',
  description: 'Consistency proof between tree sizes old and new (base64 hashes, one a line).',
  tag: 'ledger',
  input: Input({ old: NonNegative, new: NonNegative }),
  output: RawResultSchema,
  mutating: false,
  http: {
    method: 'GET',
    path: '/ledger/proofs/consistency',
    raw: { contentTypes: ['text/plain'] },
  },
  policy: () => true,
  handler: async (ctx, input) => {
    if (input.old > input.new) {
      throw badRange('LEDGER_OLD_AFTER_NEW', 'old 不能大于 new', 'old must not exceed new');
    }
    await checkSize(ctx, input.new, 'new');
    await checkSize(ctx, input.old, 'old');
    return text(proofText(await proveConsistency(input.old, input.new, databaseReader(ctx.db))));
  },
});

const cosignatureAdd = defineAction({
  name: 'ledger.cosignature.add',
  description:
    'A registered witness submits a checkpoint note carrying its cosignature (C2SP tlog-cosignature).',
  tag: 'ledger',
  input: Input({ checkpoint: Type.String({ minLength: 1, maxLength: 20_000 }) }),
  output: Type.Object({ treeSize: Type.Integer(), accepted: Type.Array(Type.String()) }),
  mutating: true,
  http: { method: 'POST', path: '/ledger/cosignatures' },
  // The signature is the credential: only lines by registered witness keys are accepted.
  policy: () => true,
  handler: async (ctx, input) => {
    let note;
    let size: number;
    try {
      note = parseNote(input.checkpoint);
      size = parseCheckpointText(note.text).size;
    } catch (error) {
      throw cosignatureError(error instanceof NoteError ? error.message : 'not a checkpoint');
    }
    const stored = await ctx.db
      .selectFrom('ledger_checkpoints')
      .select('note')
      .where('tree_size', '=', size)
      .executeTakeFirst();
    if (!stored || parseNote(stored.note).text !== note.text)
      throw cosignatureError('this checkpoint was not signed by the log');
    const witnesses = await ctx.db
      .selectFrom('ledger_witnesses')
      .select(['name', 'verifier_key'])
      .where('removed_at', 'is', null)
      .execute();
    const accepted: string[] = [];
    for (const witness of witnesses) {
      const verifier = parseVerifierKey(witness.verifier_key);
      const line = note.signatures.find(
        (s) => s.name === verifier.name && s.keyId === verifier.keyId,
      );
      if (!line) continue;
      const time = verifyCosignature(note.text, line, verifier);
      if (time === null) throw cosignatureError(`the cosignature of ${witness.name} is invalid`);
      await ctx.db
        .insertInto('ledger_cosignatures')
        .values({
          tree_size: size,
          witness_name: witness.name,
          key_id: verifier.keyId,
          cosigned_at: time,
          line: line.line,
          received_at: ctx.now.toISOString(),
        })
        .onConflict((conflict) => conflict.columns(['tree_size', 'witness_name']).doNothing())
        .execute();
      accepted.push(witness.name);
    }
    if (accepted.length === 0) throw cosignatureError('no cosignature by a registered witness');
    ctx.audit.target = `ledger:${size}`;
    ctx.audit.details = { witnesses: accepted };
    return { treeSize: size, accepted };
  },
});

function cosignatureError(en: string): AppError {
  return new AppError(
    'BAD_REQUEST',
    { zh: `联署签名无效：${en}`, en: `Invalid cosignature: ${en}` },
    undefined,
    { reason: 'LEDGER_COSIGNATURE_INVALID' },
  );
}

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const status = defineAction({
  name: 'ledger.status',
  description: 'The ledger at a glance: size, pending events, latest checkpoint, keys, witnesses.',
  tag: 'ledger',
  input: Input({}),
  output: Type.Object({
    origin: Type.String(),
    treeSize: Type.Integer(),
    pending: Type.Integer(),
    checkpoint: Type.Union([
      Type.Null(),
      Type.Object({
        treeSize: Type.Integer(),
        rootHash: Type.String(),
        createdAt: Timestamp,
        note: Type.String(),
        cosignatures: Type.Array(
          Type.Object({ witness: Type.String(), keyId: Type.String(), cosignedAt: Timestamp }),
        ),
      }),
    ]),
    keys: Type.Array(
      Type.Object({
        keyId: Type.String(),
        verifierKey: Type.String(),
        firstUsedAt: Timestamp,
        retiredAt: Nullable(Timestamp),
      }),
    ),
    witnesses: Type.Array(
      Type.Object({
        name: Type.String(),
        verifierKey: Type.String(),
        addedAt: Timestamp,
        lastCosignedSize: Type.Union([Type.Integer(), Type.Null()]),
        lastCosignedAt: Nullable(Timestamp),
      }),
    ),
  }),
  mutating: false,
  http: { method: 'GET', path: '/ledger/status' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx) => {
    const [size, pendingEvents, waitingAudit, latest, keys, witnesses] = await Promise.all([
      treeSize(ctx.db),
      ctx.db
        .selectFrom('ledger_events')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('leaf_index', 'is', null)
        .executeTakeFirstOrThrow(),
      pendingAudit(ctx.services.db, ctx.db)
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow(),
      latestCheckpoint(ctx.db),
      ctx.db.selectFrom('ledger_keys').selectAll().orderBy('first_used_at').execute(),
      ctx.db
        .selectFrom('ledger_witnesses')
        .leftJoin(
          (eb) =>
            eb
              .selectFrom('ledger_cosignatures')
              .select((inner) => [
                'witness_name',
                inner.fn.max('tree_size').as('last_size'),
                inner.fn.max('cosigned_at').as('last_at'),
              ])
              .groupBy('witness_name')
              .as('c'),
          (join) => join.onRef('c.witness_name', '=', 'ledger_witnesses.name'),
        )
        .select([
          'ledger_witnesses.name',
          'ledger_witnesses.verifier_key',
          'ledger_witnesses.added_at',
          'c.last_size',
          'c.last_at',
        ])
        .where('ledger_witnesses.removed_at', 'is', null)
        .orderBy('ledger_witnesses.name')
        .execute(),
    ]);
    return {
      origin: ctx.services.ledger.origin,
      treeSize: size,
      pending: Number(pendingEvents.count) + Number(waitingAudit.count),
      checkpoint: latest && {
        treeSize: latest.treeSize,
        rootHash: latest.rootHash.toString('base64'),
        createdAt: latest.createdAt,
        note: servedNote(latest),
        cosignatures: latest.cosignatures.map((c) => ({
          witness: c.witness,
          keyId: c.keyId,
          cosignedAt: new Date(c.cosignedAt * 1000).toISOString(),
        })),
      },
      keys: keys.map((k) => ({
        keyId: k.key_id,
        verifierKey: k.verifier_key,
        firstUsedAt: k.first_used_at,
        retiredAt: k.retired_at,
      })),
      witnesses: witnesses.map((w) => ({
        name: w.name,
        verifierKey: w.verifier_key,
        addedAt: w.added_at,
        lastCosignedSize: w.last_size === null ? null : Number(w.last_size),
        lastCosignedAt:
          w.last_at === null ? null : new Date(Number(w.last_at) * 1000).toISOString(),
      })),
    };
  },
});

/** Who may read full events at all; rows are then scoped by `scopeEvents`. */
const mayReadEvents = (actor: Actor): boolean =>
  isSystem(actor) || hasRole(actor, 'auditor', 'authority_admin', 'dept_admin');

type EventQuery = SelectQueryBuilder<
  Database & {
    o: Database['orgs'];
    r: Database['regions'];
    o2: Database['orgs'];
    r2: Database['regions'];
  },
  'ledger_events' | 'o' | 'r' | 'o2' | 'r2',
  object
>;

function eventsQuery(ctx: ActionContext) {
  return ctx.db
    .selectFrom('ledger_events')
    .leftJoin('orgs as o', 'o.id', 'ledger_events.org_id')
    .leftJoin('regions as r', 'r.code', 'o.region_code')
    .leftJoin('orgs as o2', 'o2.id', 'ledger_events.other_org_id')
    .leftJoin('regions as r2', 'r2.code', 'o2.region_code');
}

/** Row scoping in SQL, so that a page is never emptied by filtering after the limit. */
function scopeEvents<Q extends EventQuery>(query: Q, actor: Actor): Q {
  if (isSystem(actor) || isAuditor(actor) || actor.type !== 'user') return query;
  const adminPaths = actor.memberships
    .filter((m) => m.orgKind === 'authority' && m.role === 'authority_admin')
    .map((m) => m.regionPath);
  const deptOrgIds = actor.memberships.filter((m) => m.role === 'dept_admin').map((m) => m.orgId);
  return query.where(
    (
      eb: ExpressionBuilder<
        Database & { r: Database['regions']; r2: Database['regions'] },
        'ledger_events' | 'r' | 'r2'
      >,
    ) =>
      eb.or([
        ...adminPaths.flatMap((path) => [
          eb('r.path', 'like', `${path}%`),
          eb('r2.path', 'like', `${path}%`),
        ]),
        ...(deptOrgIds.length
          ? [
              eb('ledger_events.org_id', 'in', deptOrgIds),
              eb('ledger_events.other_org_id', 'in', deptOrgIds),
            ]
          : []),
        sql<boolean>`1 = 0`,
      ]),
  ) as Q;
}

const EventItem = Type.Object({
  id: Type.Integer(),
  leafIndex: Type.Union([Type.Integer(), Type.Null()]),
  kind: Type.Union([Type.Literal('audit'), Type.Literal('access')]),
  type: Type.String(),
  occurredAt: Timestamp,
  target: Nullable(Type.String()),
  orgCode: Nullable(Type.String()),
  orgName: Nullable(Type.String()),
  otherOrgCode: Nullable(Type.String()),
  otherOrgName: Nullable(Type.String()),
  actorName: Nullable(Type.String()),
  outcome: Type.String(),
  digest: Type.String(),
});

const EVENT_COLUMNS = [
  'ledger_events.id',
  'ledger_events.leaf_index',
  'ledger_events.kind',
  'ledger_events.event_type',
  'ledger_events.occurred_at',
  'ledger_events.target',
  'ledger_events.digest',
  'ledger_events.body',
  'o.code as org_code',
  'o.name as org_name',
  'o2.code as other_org_code',
  'o2.name as other_org_name',
] as const;

interface EventRow {
  id: number;
  leaf_index: number | null;
  kind: 'audit' | 'access';
  event_type: string;
  occurred_at: string;
  target: string | null;
  digest: string;
  body: string;
  org_code: string | null;
  org_name: string | null;
  other_org_code: string | null;
  other_org_name: string | null;
}

function presentEvent(row: EventRow) {
  const body = JSON.parse(row.body) as {
    actor?: { name?: string };
    outcome?: string;
    system?: string | null;
    status?: number;
  };
  return {
    id: Number(row.id),
    leafIndex: row.leaf_index === null ? null : Number(row.leaf_index),
    kind: row.kind,
    type: row.event_type,
    occurredAt: row.occurred_at,
    target: row.target,
    orgCode: row.org_code,
    orgName: row.org_name,
    otherOrgCode: row.other_org_code,
    otherOrgName: row.other_org_name,
    actorName: row.kind === 'audit' ? (body.actor?.name ?? null) : (body.system ?? null),
    outcome: row.kind === 'audit' ? String(body.outcome ?? '') : String(body.status ?? ''),
    digest: row.digest,
  };
}

const eventList = defineAction({
  name: 'ledger.event.list',
  description: 'Search ledger events, newest first (cursor: the last id seen).',
  tag: 'ledger',
  input: Input({
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    kind: Type.Optional(Type.Union([Type.Literal('audit'), Type.Literal('access')])),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    orgCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    from: Type.Optional(Type.String({ format: 'date' })),
    to: Type.Optional(Type.String({ format: 'date' })),
  }),
  output: Type.Object({
    items: Type.Array(EventItem),
    nextBefore: Type.Union([Type.Integer(), Type.Null()]),
  }),
  mutating: false,
  http: { method: 'GET', path: '/ledger/events' },
  policy: (ctx) => mayReadEvents(ctx.actor),
  handler: async (ctx, input) => {
    let query = scopeEvents(eventsQuery(ctx), ctx.actor).select(EVENT_COLUMNS);
    if (input.before) query = query.where('ledger_events.id', '<', input.before);
    if (input.kind) query = query.where('ledger_events.kind', '=', input.kind);
    if (input.type) {
      query = input.type.endsWith('.')
        ? query.where('ledger_events.event_type', 'like', `${input.type}%`)
        : query.where('ledger_events.event_type', '=', input.type);
    }
    if (input.target) query = query.where('ledger_events.target', '=', input.target);
    if (input.orgCode) {
      const code = input.orgCode;
      query = query.where((eb) => eb.or([eb('o.code', '=', code), eb('o2.code', '=', code)]));
    }
    if (input.from) query = query.where('ledger_events.occurred_at', '>=', input.from);
    if (input.to) query = query.where('ledger_events.occurred_at', '<', `${input.to}T99`);
    const rows = (await query
      .orderBy('ledger_events.id', 'desc')
      .limit(input.limit + 1)
      .execute()) as EventRow[];
    const page = rows.slice(0, input.limit);
    return {
      items: page.map(presentEvent),
      nextBefore: rows.length > input.limit ? Number(page[page.length - 1]?.id) : null,
    };
  },
});

async function entitledEvent(ctx: ActionContext, id: number): Promise<EventRow> {
  const row: EventRow | undefined = await scopeEvents(eventsQuery(ctx), ctx.actor)
    .select(EVENT_COLUMNS)
    .where('ledger_events.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND');
  return row;
}

const eventGet = defineAction({
  name: 'ledger.event.get',
  description: 'One ledger event: the full event, its leaf and its inclusion proof.',
  tag: 'ledger',
  input: Input({ id: Type.Integer({ minimum: 1 }) }),
  output: Type.Intersect([
    EventItem,
    Type.Object({
      body: Type.Unknown(),
      bodyText: Type.String(),
      leaf: Nullable(Type.String()),
      leafHash: Nullable(Type.String()),
      proof: Type.Union([
        Type.Null(),
        Type.Object({
          treeSize: Type.Integer(),
          rootHash: Type.String(),
          inclusion: Type.Array(Type.String()),
          verified: Type.Boolean(),
        }),
      ]),
    }),
  ]),
  mutating: false,
  http: { method: 'GET', path: '/ledger/events/:id' },
  policy: (ctx) => mayReadEvents(ctx.actor),
  handler: async (ctx, input) => {
    const row = await entitledEvent(ctx, input.id);
    const item = presentEvent(row);
    const base = { ...item, body: JSON.parse(row.body) as unknown, bodyText: row.body };
    if (row.leaf_index === null) return { ...base, leaf: null, leafHash: null, proof: null };
    const leaf = leafBytes(leafOf(row));
    const hash = leafHash(leaf);
    const latest = await latestCheckpoint(ctx.db);
    const index = Number(row.leaf_index);
    let proof = null;
    if (latest && latest.treeSize > index) {
      const hashes = await inclusionProof(ctx.db, index, latest.treeSize);
      proof = {
        treeSize: latest.treeSize,
        rootHash: latest.rootHash.toString('base64'),
        inclusion: hashes.map((h) => h.toString('base64')),
        verified: verifyInclusion(hash, index, latest.treeSize, hashes, latest.rootHash),
      };
    }
    return { ...base, leaf: leaf.toString(), leafHash: hash.toString('hex'), proof };
  },
});

const eventBundle = defineAction({
  name: 'ledger.event.bundle',
  description: 'A proof bundle of one event for offline verification (govdx ledger check-bundle).',
  tag: 'ledger',
  input: Input({ id: Type.Integer({ minimum: 1 }) }),
  output: FileResult,
  mutating: false,
  recordsAccess: true,
  http: { method: 'GET', path: '/ledger/events/:id/bundle', produces: ['application/json'] },
  policy: (ctx) => mayReadEvents(ctx.actor),
  handler: async (ctx, input) => {
    await entitledEvent(ctx, input.id);
    const result = await buildBundle(ctx.db, input.id, ctx.services.ledger.origin);
    if (!result) throw new AppError('NOT_FOUND');
    if (result.state !== 'ready') {
      throw new AppError(
        'CONFLICT',
        {
          zh: '该事件尚未写入已签发的检查点，请稍后再试',
          en: 'The event is not yet covered by a signed checkpoint; try again shortly',
        },
        undefined,
        { reason: 'LEDGER_EVENT_PENDING' },
      );
    }
    return fileResult(
      `govdx-ledger-${input.id}.json`,
      'application/json',
      Buffer.from(`${JSON.stringify(result.bundle, null, 2)}\n`),
    );
  },
});

const trace = defineAction({
  name: 'ledger.trace',
  description:
    'Trace a resource: who accessed it (purpose, grant) and every change of its catalog entry.',
  tag: 'ledger',
  input: Input({ resource: Type.String({ minLength: 1, maxLength: 64 }) }),
  output: Type.Object({
    accesses: Type.Array(
      Type.Object({
        eventId: Type.Integer(),
        leafIndex: Type.Union([Type.Integer(), Type.Null()]),
        occurredAt: Timestamp,
        consumerOrgCode: Nullable(Type.String()),
        consumerOrgName: Nullable(Type.String()),
        system: Nullable(Type.String()),
        operation: Type.String(),
        purpose: Nullable(Type.String()),
        grantId: Nullable(Type.String()),
        status: Type.Integer(),
        rowCount: Type.Integer(),
      }),
    ),
    changes: Type.Array(
      Type.Object({
        eventId: Type.Integer(),
        leafIndex: Type.Union([Type.Integer(), Type.Null()]),
        occurredAt: Timestamp,
        type: Type.String(),
        actorName: Type.String(),
        outcome: Type.String(),
        target: Nullable(Type.String()),
      }),
    ),
    treeSize: Type.Integer(),
  }),
  mutating: false,
  http: { method: 'GET', path: '/ledger/trace' },
  policy: (ctx) => mayReadEvents(ctx.actor),
  handler: async (ctx, input) => {
    const rows = (kind: 'audit' | 'access') =>
      scopeEvents(eventsQuery(ctx), ctx.actor)
        .select(EVENT_COLUMNS)
        .where('ledger_events.target', '=', input.resource)
        .where('ledger_events.kind', '=', kind)
        .orderBy('ledger_events.id', 'desc')
        .limit(500)
        .execute() as Promise<EventRow[]>;
    const [accessRows, changeRows, latest] = await Promise.all([
      rows('access'),
      rows('audit'),
      latestCheckpoint(ctx.db),
    ]);
    return {
      accesses: accessRows.map((row) => {
        const body = JSON.parse(row.body) as {
          system: string | null;
          operation: string;
          purpose: string | null;
          grantId: string | null;
          status: number;
          rowCount: number;
        };
        return {
          eventId: Number(row.id),
          leafIndex: row.leaf_index === null ? null : Number(row.leaf_index),
          occurredAt: row.occurred_at,
          consumerOrgCode: row.org_code,
          consumerOrgName: row.org_name,
          system: body.system,
          operation: body.operation,
          purpose: body.purpose,
          grantId: body.grantId,
          status: body.status,
          rowCount: body.rowCount,
        };
      }),
      changes: changeRows.map((row) => {
        const body = JSON.parse(row.body) as {
          actor: { name: string };
          outcome: string;
          target: string | null;
        };
        return {
          eventId: Number(row.id),
          leafIndex: row.leaf_index === null ? null : Number(row.leaf_index),
          occurredAt: row.occurred_at,
          type: row.event_type,
          actorName: body.actor.name,
          outcome: body.outcome,
          target: body.target,
        };
      }),
      treeSize: latest?.treeSize ?? 0,
    };
  },
});

const mayManageWitnesses = (actor: Actor): boolean =>
  isSystem(actor) || hasRole(actor, 'authority_admin');

const witnessAdd = defineAction({
  name: 'ledger.witness.add',
  description: 'Register a witness by its cosignature verifier key (name+keyid+base64(0x04||key)).',
  tag: 'ledger',
  input: Input({ verifierKey: Type.String({ minLength: 1, maxLength: 500 }) }),
  output: Type.Object({ name: Type.String(), keyId: Type.String() }),
  mutating: true,
  http: { method: 'POST', path: '/ledger/witnesses', status: 201 },
  policy: (ctx) => mayManageWitnesses(ctx.actor),
  handler: async (ctx, input) => {
    let verifier;
    try {
      verifier = parseVerifierKey(input.verifierKey);
    } catch (error) {
      throw new AppError(
        'VALIDATION',
        undefined,
        { verifierKey: { zh: '不是有效的见证方公钥', en: (error as Error).message } },
        { reason: 'LEDGER_BAD_VERIFIER_KEY' },
      );
    }
    if (verifier.alg !== 4) {
      throw new AppError(
        'VALIDATION',
        undefined,
        {
          verifierKey: {
            zh: '见证方公钥须为 cosignature/v1 类型（0x04）',
            en: 'a witness key must be a cosignature/v1 key (type 0x04)',
          },
        },
        { reason: 'LEDGER_BAD_VERIFIER_KEY' },
      );
    }
    const existing = await ctx.db
      .selectFrom('ledger_witnesses')
      .select('name')
      .where('name', '=', verifier.name)
      .executeTakeFirst();
    const values = {
      verifier_key: verifier.verifierKey,
      added_by: ctx.actor.type === 'user' ? ctx.actor.username : ctx.actor.type,
      added_at: ctx.now.toISOString(),
      removed_at: null,
    };
    if (existing) {
      await ctx.db
        .updateTable('ledger_witnesses')
        .set(values)
        .where('name', '=', verifier.name)
        .execute();
    } else {
      await ctx.db
        .insertInto('ledger_witnesses')
        .values({ name: verifier.name, ...values })
        .execute();
    }
    ctx.audit.target = `witness:${verifier.name}`;
    return { name: verifier.name, keyId: verifier.keyId };
  },
});

const witnessRemove = defineAction({
  name: 'ledger.witness.remove',
  description: 'Stop accepting the cosignatures of a witness (those received stay).',
  tag: 'ledger',
  input: Input({ name: Type.String({ minLength: 1, maxLength: 200 }) }),
  output: Type.Object({ name: Type.String() }),
  mutating: true,
  http: { method: 'DELETE', path: '/ledger/witnesses/:name' },
  policy: (ctx) => mayManageWitnesses(ctx.actor),
  handler: async (ctx, input) => {
    const result = await ctx.db
      .updateTable('ledger_witnesses')
      .set({ removed_at: ctx.now.toISOString() })
      .where('name', '=', input.name)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new AppError('NOT_FOUND');
    ctx.audit.target = `witness:${input.name}`;
    return { name: input.name };
  },
});

export const ledgerActions = [
  checkpoint,
  verifierKey,
  verifierKeys,
  entry,
  inclusion,
  consistency,
  cosignatureAdd,
  status,
  eventList,
  eventGet,
  eventBundle,
  trace,
  witnessAdd,
  witnessRemove,
];
