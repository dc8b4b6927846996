import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../../config/env.ts';
import { AppError, text } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { LedgerWriter } from '../ledger/events.ts';
import { clientAddressKey, SlidingWindowLimiter } from '../../core/rate-limit.ts';
import { writeOpenAccess, type OpenAccessRecord } from './access.ts';

export const OPEN_API_PREFIX = '/api/v1/open/';

/**
 * Rate limits of the open portal, its API, the CKAN API and the DCAT files (R5.4: anonymous use is
 * allowed at a lower rate than keyed use). Government callers are under the platform-wide limit
 * only; the public is counted per API key, per signed-in account, or else per address.
 */
export class OpenRateLimiter {
  private readonly windows = new SlidingWindowLimiter();

  constructor(private readonly config: Pick<Config, 'openRateAnonymous' | 'openRateKeyed'>) {}

  check(request: FastifyRequest): void {
    const actor = request.actor;
    let key: string;
    let limit: number;
    if (actor.type === 'public') {
      key = actor.keyId ? `key:${actor.keyId}` : `account:${actor.id}`;
      limit = this.config.openRateKeyed;
    } else if (actor.type === 'anonymous') {
      key = `ip:${clientAddressKey(request.ip)}`;
      limit = this.config.openRateAnonymous;
    } else {
      return;
    }
    if (!this.windows.take(key, limit))
      throw new AppError(
        'RATE_LIMITED',
        actor.type === 'anonymous'
          ? text(
              `匿名访问每分钟最多 ${limit} 次；登录或使用 API 密钥可获得更高额度`,
              `anonymous use is limited to ${limit} requests a minute; sign in or use an API key for more`,
            )
          : text(
              `每分钟最多 ${limit} 次请求，请稍后再试`,
              `at most ${limit} requests a minute; try again shortly`,
            ),
        undefined,
        {
          reason: 'OPEN_RATE_LIMITED',
          retryAfterSeconds: this.windows.retryAfterSeconds(key, limit),
        },
      );
  }
}

const FLUSH_INTERVAL_MS = 200;
const FLUSH_BATCH = 500;

/**
 * The open portal's takes (R5.9), written in batches every 200 ms like the sharing access log
 * (invariant 17): a durable commit per API call would cost more than the call. A crash loses at
 * most that much; readers of the log (statistics, the personal centre, the ledger sequencer) flush
 * first.
 */
export class OpenAccessLog {
  private pending: OpenAccessRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly ledger: LedgerWriter,
    private readonly logger: Logger,
  ) {}

  append(record: OpenAccessRecord): void {
    this.pending.push(record);
    if (this.pending.length >= FLUSH_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Writes everything appended so far; resolves once it is in the database. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await writeOpenAccess(this.db.kysely, this.ledger, batch);
      } catch (error) {
        this.logger.error({ err: error, records: batch.length }, 'open access records lost');
      }
    });
    return this.flushing;
  }
}

export interface OpenRuntime {
  limiter: OpenRateLimiter;
  accessLog: OpenAccessLog;
}

export function createOpenRuntime(
  config: Config,
  db: Db,
  ledger: LedgerWriter,
  logger: Logger,
): OpenRuntime {
  return { limiter: new OpenRateLimiter(config), accessLog: new OpenAccessLog(db, ledger, logger) };
}
