import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Actor } from './actor.ts';
import type { Services } from './services.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface HttpBinding {
  method: HttpMethod;
  path: string;
  status?: number;
  /**
   * The action takes a file (its `file` input, see core/files.ts) as the raw request body of one of
   * these media types, at most `maxBytes` long (larger: 413); its other inputs come from the query.
   */
  upload?: {
    contentTypes: string[];
    maxBytes: number;
    /**
     * The `file` input is the request body as a stream (a Node Readable), never held whole in
     * memory; the handler enforces its own size limit.
     */
    stream?: boolean;
  };
  /** The action returns a FileResult (core/files.ts) of one of these media types, sent as the body. */
  produces?: string[];
  /**
   * The action returns a RawResult (core/files.ts): a body it serialized itself and headers. `schema`
   * documents a JSON body in OpenAPI; the action's `output` is then RawResultSchema.
   */
  raw?: { contentTypes: string[]; schema?: TSchema; headers?: Record<string, string> };
  /**
   * A JSON body limit of its own, above the platform's `GOVDX_BODY_LIMIT` (an image sent as a data
   * URL in the showcase form).
   */
  bodyLimit?: number;
  /** Request headers passed to the action as inputs: input property -> header name (lower case). */
  headers?: Record<string, string>;
}

/** What an action's handler and policy see. `db` is the transaction for mutating actions. */
export interface ActionContext {
  db: Kysely<Database>;
  actor: Actor;
  requestId: string;
  /** Client address when the call came over HTTP (login throttling). */
  clientIp: string | null;
  now: Date;
  services: Services;
  /** Filled in by the handler: what the audit event names as target and organisation. */
  audit: {
    target: string | null;
    orgId?: string | null;
    details?: Record<string, unknown>;
    /**
     * Set by a handler that ran and changed nothing (a periodic sweep with nothing due): no event is
     * written, so that the log records changes rather than a timer's ticks.
     */
    unchanged?: boolean;
  };
}

/**
 * An authorization policy: true allows, anything else denies (deny by default). Policies may read the
 * database through ctx.db to find the target's organisation or region.
 */
export type Policy<I> = (ctx: ActionContext, input: I) => boolean | Promise<boolean>;

export interface ActionDefinition<I extends TObject, O extends TSchema, P = undefined> {
  /** Dotted name, `noun.verb`: `org.create`, `token.revoke`. */
  name: string;
  /** One sentence for OpenAPI, the CLI and the coding-standards test. */
  description: string;
  /** OpenAPI tag (the module). */
  tag: string;
  input: I;
  output: O;
  /** Mutating actions run in a transaction and write an audit event in it. */
  mutating: boolean;
  /**
   * A read that hands out data (a download, rejected values, an access report): it is recorded like
   * a change, with an audit event and so a ledger entry after it succeeds (R5.9 "download" logs,
   * R6.2). The handler may name the target in `ctx.audit.target`; else the input's `code`.
   */
  recordsAccess?: boolean;
  /**
   * A read of reference data whose output depends on the input only (not on the actor): its output is
   * kept for `ttlMs` and served without running the handler; every change committed in this process
   * empties the cache (core/read-cache.ts). The policy still runs on every call. Not allowed with
   * `recordsAccess` or on mutating actions (actions.test.ts).
   */
  cache?: { ttlMs: number };
  policy: Policy<Static<I>>;
  /** Where HTTP reaches it; path parameters (`:code`) are input properties. */
  http?: HttpBinding;
  /**
   * Slow work that needs no database (password hashing) done before the transaction opens, so that
   * SQLite's single writer is not held while it runs.
   */
  prepare?: (input: Static<I>, services: Services) => Promise<P>;
  handler: (ctx: ActionContext, input: Static<I>, prepared: P) => Promise<Static<O>>;
  /**
   * Work too long for one transaction (ingesting a multi-GB file): the handler gets the root
   * connection, opens its own transactions and appends its success audit event inside the one that
   * commits the change; runAction still authorizes first and records failures.
   */
  longRunning?: boolean;
  /** Runs after a failed mutating action rolled back, to persist what must outlive the failure. */
  onFailure?: (ctx: ActionContext, input: Static<I>, error: unknown) => Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAction = ActionDefinition<TObject, TSchema, any>;

export function defineAction<I extends TObject, O extends TSchema, P = undefined>(
  definition: ActionDefinition<I, O, P>,
): AnyAction {
  return definition as unknown as AnyAction;
}
