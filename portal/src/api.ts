/**
 * The one fetch wrapper of the open data portal. Every request goes to `/api/v1`, carries the
 * portal cookie (same-origin), the UI language (`Accept-Language`) and `x-govdx-portal: 1` (so that
 * the portal session wins over a console session held by the same browser); state-changing
 * requests also carry the CSRF token from the login answer or `GET /open/me`.
 *
 * Errors are the console's `ApiError`, so that the console's `errorText` and `applyFieldErrors`
 * (`console/src/errors.ts`) work unchanged.
 */
import { ApiError, parseError } from '../../console/src/api';
import type { ErrorCode } from '../../console/src/api';

export { ApiError };
export type { ErrorCode };

export const API_BASE = '/api/v1';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface ClientState {
  csrfToken: string | null;
  language: string;
  onUnauthenticated: (() => void) | null;
}

const state: ClientState = {
  csrfToken: null,
  language: 'zh-CN',
  onUnauthenticated: null,
};

export function setCsrfToken(token: string | null): void {
  state.csrfToken = token;
}

export function setApiLanguage(language: string): void {
  state.language = language;
}

/** Called when a request comes back 401 (the portal session expired or was ended elsewhere). */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  state.onUnauthenticated = handler;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  /** Query-string parameters; empty, null and undefined values are omitted. */
  query?: Query;
  body?: unknown;
  /** Do not call the global "session ended" handler on 401 (login, the initial /open/me). */
  skipAuthRedirect?: boolean;
  signal?: AbortSignal;
}

export function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

export async function request<T>(
  method: Method,
  path: string,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': state.language,
    'x-govdx-portal': '1',
  };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrfToken) headers['x-csrf-token'] = state.csrfToken;

  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? null : JSON.stringify(opts.body),
      signal: opts.signal ?? null,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : String(e));
  }

  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = null;
    }
  }

  if (!res.ok) {
    const error = parseError(res.status, body);
    if (res.status === 401 && !opts.skipAuthRedirect) state.onUnauthenticated?.();
    throw error;
  }
  return body as T;
}

export const api = {
  get: <T>(path: string, opts?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
    request<T>('POST', path, { ...opts, body: body ?? {} }),
  del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
};

/** A list answer that may come bare (`T[]`) or wrapped (`{items: T[]}`). */
export function listOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  if (isRecord(body) && Array.isArray(body.items)) return body.items as T[];
  return [];
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'NOT_FOUND';
}

export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'UNAUTHENTICATED';
}
