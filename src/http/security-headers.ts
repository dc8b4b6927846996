import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Security headers computed once with `helmet` at start-up. @fastify/helmet builds the helmet middleware
 * again on every request, which cost a quarter of the throughput of a keyed read (bench/http.ts); our
 * headers do not vary per request (no CSP nonces), so they are collected once and set as a constant map.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  } as unknown as ServerResponse;
  let called = false;
  helmet(options)({} as IncomingMessage, response, () => {
    called = true;
  });
  if (!called) throw new Error('helmet did not complete synchronously');
  return headers;
}
