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

/**
 * The headers of API answers (JSON, CSV, files), after OWASP's REST Security Cheat Sheet: nothing may
 * frame, sniff or run them. Helmet's document headers (DNS prefetch, download options, COOP, origin
 * agent cluster ...) only mean something for pages a browser renders; on every API answer they cost
 * about a fifth of a bare route's throughput (bench/http.ts), so documents keep them and the API does
 * not carry them.
 */
export function apiSecurityHeaders(strictTransportSecurity: boolean): Record<string, string> {
  return {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    ...(strictTransportSecurity
      ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }
      : {}),
  };
}

/** API answers: everything under /api/ but the interactive docs (HTML), and the health probes. */
export function isApiPath(url: string): boolean {
  return (
    (url.startsWith('/api/') && !url.startsWith('/api/docs')) ||
    url === '/healthz' ||
    url === '/readyz'
  );
}
