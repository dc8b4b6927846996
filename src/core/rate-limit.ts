import { isIPv6 } from 'node:net';
import { Address6 } from 'ip-address';

/**
 * Calls per minute per key over a sliding one-minute window: the one limiter behind every rate limit
 * of the platform, the platform-wide limit per client address (`http/server.ts`, issue 2), a grant's
 * limit (`modules/sharing/gate.ts`, issue 5) and the open portal's anonymous and keyed limits
 * (`modules/open/runtime.ts`, R5.4).
 *
 * The window is estimated from two fixed minutes (the approximation Cloudflare describes for its
 * rate limiting): the calls of the current minute plus those of the previous minute weighted by the part of it still inside the
 * window. The counts live in two maps that rotate at each minute, so memory holds only the keys seen
 * in the last two minutes, however many addresses have called over the server's life. In-process:
 * with several server processes each enforces the limit on its own share of the traffic.
 */
export class SlidingWindowLimiter {
  private minute = Number.NEGATIVE_INFINITY;
  private current = new Map<string, number>();
  private previous = new Map<string, number>();

  /** True when one more call of `key` fits `perMinute`; the call is then counted. */
  take(key: string, perMinute: number, now = Date.now()): boolean {
    this.rotate(now);
    const count = this.current.get(key) ?? 0;
    if (count + (this.previous.get(key) ?? 0) * this.previousWeight(now) >= perMinute) return false;
    this.current.set(key, count + 1);
    return true;
  }

  /**
   * Whole seconds (at least 1) until `key` may call again after a refusal: the moment the previous
   * minute's weighted calls have slid out far enough, in this minute or in the next.
   */
  retryAfterSeconds(key: string, perMinute: number, now = Date.now()): number {
    this.rotate(now);
    const count = this.current.get(key) ?? 0;
    const previous = this.previous.get(key) ?? 0;
    // Within this minute the weight w = 1 - elapsed/60 s falls until count + previous * w < perMinute;
    // once this minute's own calls reach the limit, the next minute starts with them as its previous.
    const fitsAt =
      count < perMinute
        ? this.minute + MINUTE_MS * (1 - (perMinute - count) / previous)
        : this.minute + MINUTE_MS + MINUTE_MS * (1 - perMinute / count);
    // The first whole second strictly after that moment (at the moment itself the sum still equals the limit).
    return Math.max(1, Math.floor((fitsAt - now) / 1000) + 1);
  }

  /** How many keys the limiter holds counts for (both minutes). */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  private previousWeight(now: number): number {
    return 1 - (now - this.minute) / MINUTE_MS;
  }

  private rotate(now: number): void {
    const minute = now - (now % MINUTE_MS);
    if (minute === this.minute) return;
    // A clock set back starts afresh rather than counting a past minute as the current one.
    this.previous = minute - this.minute === MINUTE_MS ? this.current : new Map<string, number>();
    this.current = new Map();
    this.minute = minute;
  }
}

const MINUTE_MS = 60_000;

/**
 * The rate-limit key of a client address: an IPv4 address as it is (an IPv4-mapped IPv6 address as its
 * IPv4 form), an IPv6 address as its /64 network, since one subscriber usually holds a whole /64 and
 * could otherwise take a fresh address for every call.
 */
export function clientAddressKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const address = new Address6(ip);
  if (address.isMapped4()) return address.to4().correctForm();
  return `${new Address6(`${ip}/64`).startAddress().correctForm()}/64`;
}
