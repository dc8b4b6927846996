import { randomUUID } from 'node:crypto';
import type { AnyAction, ActionContext } from './action.ts';
import type { Actor } from './actor.ts';
import { appendAuditEvent } from './audit.ts';
import { AppError } from './errors.ts';
import { ActionReadCache } from './read-cache.ts';
import { fieldErrorsFromSchema } from './schema-errors.ts';
import type { Services } from './services.ts';
import { inputValidator, schemaErrorsText, type InputSource } from './validation.ts';

export interface RunOptions {
  actor: Actor;
  requestId?: string;
  clientIp?: string | null;
  /** False when the caller (Fastify) already validated the input against the same schema. */
  validateInput?: boolean;
  /** Where the input came from: `text` (the default) has its types coerced, `json` not (validation.ts). */
  inputSource?: InputSource;
  /** Validate the output too (tests turn this on to catch handlers that break their schema). */
  validateOutput?: boolean;
}

/** Checks input against an action's schema and returns it with defaults applied. */
export function validateActionInput(
  action: AnyAction,
  input: unknown,
  source: InputSource = 'text',
): Record<string, unknown> {
  // A streamed file (Readable) cannot be cloned; it is passed through as it is.
  const { file, ...rest } = (input ?? {}) as Record<string, unknown>;
  const streamed = isStream(file);
  const copy = structuredClone(streamed ? rest : (input ?? {})) as Record<string, unknown>;
  if (streamed) copy.file = file;
  const validate = inputValidator(action.input, source);
  if (!validate(copy))
    throw new AppError('VALIDATION', undefined, fieldErrorsFromSchema(validate.errors ?? []));
  return copy;
}

function isStream(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { pipe?: unknown }).pipe === 'function'
  );
}

function deny(actor: Actor): AppError {
  return new AppError(actor.type === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
}

/**
 * The one way to perform an operation: validate, authorize (deny by default), run, audit. HTTP routes,
 * the CLI, jobs and tests all come through here (docs/ARCHITECTURE.md, invariant 1).
 */
export async function runAction(
  services: Services,
  action: AnyAction,
  rawInput: unknown,
  options: RunOptions,
): Promise<unknown> {
  const input =
    options.validateInput === false
      ? (rawInput as Record<string, unknown>)
      : validateActionInput(action, rawInput, options.inputSource);
  const ctx: ActionContext = {
    db: services.db.kysely,
    actor: options.actor,
    requestId: options.requestId ?? randomUUID(),
    clientIp: options.clientIp ?? null,
    now: new Date(),
    services,
    audit: { target: null },
  };
  let output: unknown;
  if (action.longRunning) {
    if ((await action.policy(ctx, input)) !== true) {
      const error = deny(ctx.actor);
      await recordFailure(ctx, action, input, error);
      throw error;
    }
    try {
      output = await action.handler(ctx, input, undefined);
    } catch (error) {
      await recordFailure(ctx, action, input, error);
      throw error;
    } finally {
      // It may have committed some of its transactions even when it failed.
      services.readCache.invalidate();
    }
  } else if (!action.mutating) {
    // Most read policies answer at once; awaiting only a promise saves a reference-data read one turn
    // of the microtask queue (bench/http.ts).
    const allowed = action.policy(ctx, input);
    if ((allowed instanceof Promise ? await allowed : allowed) !== true) {
      const error = deny(ctx.actor);
      if (action.recordsAccess) await recordFailure(ctx, action, input, error);
      throw error;
    }
    if (action.cache) {
      const key = ActionReadCache.key(action, input);
      const hit = services.readCache.get(key);
      output =
        hit !== ActionReadCache.MISS
          ? hit
          : await readThrough(ctx, action, input, key, action.cache.ttlMs);
    } else {
      output = await action.handler(ctx, input, undefined);
      if (action.recordsAccess) await recordAccess(ctx, action, input);
    }
  } else {
    try {
      const prepared: unknown = action.prepare ? await action.prepare(input, services) : undefined;
      output = await services.db.kysely.transaction().execute(async (trx) => {
        const trxCtx: ActionContext = { ...ctx, db: trx };
        if ((await action.policy(trxCtx, input)) !== true) throw deny(ctx.actor);
        const result = await action.handler(trxCtx, input, prepared);
        ctx.audit = trxCtx.audit;
        if (trxCtx.audit.unchanged === true) return result;
        await appendAuditEvent(trx, ctx.services.ledger, {
          actor: ctx.actor,
          requestId: ctx.requestId,
          action: action.name,
          target: trxCtx.audit.target,
          orgId: trxCtx.audit.orgId,
          outcome: 'success',
          details: { input, ...trxCtx.audit.details },
          occurredAt: ctx.now,
        });
        return result;
      });
      if (ctx.audit.unchanged !== true) services.readCache.invalidate();
    } catch (error) {
      await recordFailure(ctx, action, input, error);
      if (action.onFailure) {
        await action.onFailure(ctx, input, error);
        services.readCache.invalidate();
      }
      throw error;
    }
  }
  if (options.validateOutput) {
    const validate = inputValidator(action.output, 'json');
    if (!validate(structuredClone(output))) {
      throw new Error(
        `${action.name} returned output outside its schema: ${schemaErrorsText(validate.errors)}`,
      );
    }
  }
  return output;
}

/**
 * A reference-data read the read cache (core/read-cache.ts) does not hold: run and keep it, unless a
 * change committed while it ran (the generation check). The policy has already run.
 */
async function readThrough(
  ctx: ActionContext,
  action: AnyAction,
  input: Record<string, unknown>,
  key: string,
  ttlMs: number,
): Promise<unknown> {
  const cache = ctx.services.readCache;
  const generation = cache.generation;
  const output = await action.handler(ctx, input, undefined);
  return cache.set(key, output, ttlMs, generation);
}

/** The audit event (and ledger entry) of a read that handed out data (`recordsAccess`). */
async function recordAccess(
  ctx: ActionContext,
  action: AnyAction,
  input: Record<string, unknown>,
): Promise<void> {
  await appendAuditEvent(ctx.services.db.kysely, ctx.services.ledger, {
    actor: ctx.actor,
    requestId: ctx.requestId,
    action: action.name,
    target: ctx.audit.target ?? (typeof input.code === 'string' ? `resource:${input.code}` : null),
    orgId: ctx.audit.orgId,
    outcome: 'success',
    details: { input, ...ctx.audit.details },
    occurredAt: ctx.now,
  });
}

/**
 * A refused or failed mutating action still leaves a trace (R6.6 supervision), written after the
 * rollback. Anonymous failures are not recorded here, so that unauthenticated traffic cannot fill the
 * log; login records its own failures.
 */
async function recordFailure(
  ctx: ActionContext,
  action: AnyAction,
  input: unknown,
  error: unknown,
): Promise<void> {
  if (ctx.actor.type === 'anonymous') return;
  const code = error instanceof AppError ? error.code : 'INTERNAL';
  try {
    await appendAuditEvent(ctx.services.db.kysely, ctx.services.ledger, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: action.name,
      target: ctx.audit.target,
      outcome: code === 'FORBIDDEN' ? 'denied' : 'failed',
      details: { input, error: code },
      occurredAt: ctx.now,
    });
  } catch (auditError) {
    ctx.services.logger.error({ err: auditError }, 'could not record failed action');
  }
}
