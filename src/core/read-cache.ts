import type { AnyAction } from './action.ts';

/** How long a cached reference-data read is served: the same window as cached credentials. */
export const READ_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 5_000;

/**
 * The `cache` of the organisation and region directory's reads (R1.1, R1.2): department systems read
 * it on every call, and it changes rarely.
 */
export const REFERENCE_DATA_CACHE = { ttlMs: READ_CACHE_TTL_MS } as const;

const MISS: unique symbol = Symbol('miss');

interface Entry {
  output: unknown;
  expiresAt: number;
}

/**
 * Outputs of the read actions that declare `cache` (reference data: the organisation and region
 * directory, read on every request of some department systems), kept for a few seconds so that such a
 * read costs no database round trip.
 *
 * Correctness rests on three rules, enforced by runAction:
 * - a cached action's output depends on its input only, never on the actor (its policy still runs on
 *   every call, cached or not);
 * - every mutating or long-running action that commits in this process empties the cache, so that a
 *   change made here is visible to the next read; a change made by another process (the CLI) is
 *   visible within READ_CACHE_TTL_MS, as for credentials (modules/auth/credential-cache.ts);
 * - a read that was in flight while a change committed does not store what it read (the generation
 *   check), since on PostgreSQL it may have read the row before the change.
 *
 * Cached outputs are frozen: a caller that changed one would change it for every later caller.
 */
export class ActionReadCache {
  private readonly entries = new Map<string, Entry>();
  private currentGeneration = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  static readonly MISS = MISS;

  /** The cache key of one call: the action and its validated input. */
  static key(action: AnyAction, input: unknown): string {
    return `${action.name}\u0000${JSON.stringify(input)}`;
  }

  get generation(): number {
    return this.currentGeneration;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The output kept under `key`, or ActionReadCache.MISS. */
  get(key: string): unknown {
    const entry = this.entries.get(key);
    if (!entry) return MISS;
    if (entry.expiresAt <= this.clock()) {
      this.entries.delete(key);
      return MISS;
    }
    return entry.output;
  }

  /**
   * Keeps `output` for `ttlMs`, unless a change committed since `generation` was read (before the
   * handler ran). Returns the output as stored (frozen).
   */
  set<T>(key: string, output: T, ttlMs: number, generation: number): T {
    if (generation !== this.currentGeneration) return output;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const frozen = deepFreeze(output);
    this.entries.set(key, { output: frozen, expiresAt: this.clock() + ttlMs });
    return frozen;
  }

  /** Forgets everything: a change committed in this process. */
  invalidate(): void {
    this.currentGeneration += 1;
    this.entries.clear();
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
