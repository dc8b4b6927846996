/**
 * The one fetch wrapper of the console. Every request goes to `/api/v1`, carries the session
 * cookie (same-origin), the UI language (`Accept-Language`) and, for state-changing methods, the
 * CSRF token obtained from `/auth/login` or `/auth/me`.
 */

export const API_BASE = '/api/v1';

export type ErrorCode =
  | 'VALIDATION'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL'
  | 'NETWORK';

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly fields: Record<string, string>;
  readonly requestId: string | null;
  /** A stable reason finer than the code (e.g. `INGEST_HEADER_MISMATCH`), when the server sent one. */
  readonly reason: string | null;
  /** Structured details the server attached to the error (`error.data`). */
  readonly data: Record<string, unknown>;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    fields: Record<string, string> = {},
    requestId: string | null = null,
    reason: string | null = null,
    data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.requestId = requestId;
    this.reason = reason;
    this.data = data;
  }
}

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

/** Called when an authenticated request comes back 401 (session expired or revoked). */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  state.onUnauthenticated = handler;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toStringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [key, val] of Object.entries(value)) {
    if (typeof val === 'string') out[key] = val;
  }
  return out;
}

const KNOWN_CODES = new Set<string>([
  'VALIDATION',
  'BAD_REQUEST',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'CONFLICT',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
]);

function codeFromStatus(status: number): ErrorCode {
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 422) return 'VALIDATION';
  if (status === 429) return 'RATE_LIMITED';
  return 'INTERNAL';
}

/** The platform's error envelope `{error:{code,message,fields,requestId,reason,data}}` as an ApiError. */
export function parseError(status: number, body: unknown): ApiError {
  const err = isRecord(body) ? body.error : undefined;
  if (isRecord(err)) {
    const rawCode = typeof err.code === 'string' ? err.code : '';
    const code = KNOWN_CODES.has(rawCode) ? (rawCode as ErrorCode) : codeFromStatus(status);
    const message = typeof err.message === 'string' ? err.message : `HTTP ${String(status)}`;
    const requestId = typeof err.requestId === 'string' ? err.requestId : null;
    const reason = typeof err.reason === 'string' ? err.reason : null;
    const data = isRecord(err.data) ? err.data : {};
    return new ApiError(status, code, message, toStringRecord(err.fields), requestId, reason, data);
  }
  return new ApiError(status, codeFromStatus(status), `HTTP ${String(status)}`);
}

export interface RequestOptions {
  /** Query-string parameters; empty, null and undefined values are omitted. */
  query?: Record<string, string | number | null | undefined>;
  body?: unknown;
  /** Do not trigger the global "session expired" handler on 401 (login, initial /auth/me). */
  skipAuthRedirect?: boolean;
  signal?: AbortSignal;
}

function buildUrl(path: string, query: RequestOptions['query']): string {
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
  const url = buildUrl(path, opts.query);

  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': state.language,
  };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrfToken) headers['x-csrf-token'] = state.csrfToken;

  let res: Response;
  try {
    res = await fetch(url, {
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

async function failure(res: Response, skipAuthRedirect?: boolean): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = JSON.parse(await res.text()) as unknown;
  } catch {
    body = null;
  }
  if (res.status === 401 && !skipAuthRedirect) state.onUnauthenticated?.();
  return parseError(res.status, body);
}

/** The file name of a `Content-Disposition` header (RFC 6266, with RFC 5987 `filename*`). */
export function dispositionFileName(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header);
  const value = plain?.[2] ?? plain?.[1];
  return value ? value.trim() : null;
}

export interface DownloadedFile {
  blob: Blob;
  /** From `Content-Disposition`, when the server sent one. */
  fileName: string | null;
}

/** GET of a file (template, export): the body as a Blob; errors as for `request`. */
export async function downloadRequest(
  path: string,
  query?: RequestOptions['query'],
): Promise<DownloadedFile> {
  let res: Response;
  try {
    res = await fetch(buildUrl(path, query), {
      method: 'GET',
      headers: { 'Accept-Language': state.language },
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) throw await failure(res);
  return {
    blob: await res.blob(),
    fileName: dispositionFileName(res.headers.get('Content-Disposition')),
  };
}

/** POST of a raw file body (e.g. an .xlsx upload) with the CSRF header; JSON answer. */
export async function uploadRequest<T>(
  path: string,
  body: Blob,
  contentType: string,
  query?: RequestOptions['query'],
): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': state.language,
    'Content-Type': contentType,
  };
  if (state.csrfToken) headers['x-csrf-token'] = state.csrfToken;
  let res: Response;
  try {
    res = await fetch(buildUrl(path, query), {
      method: 'POST',
      headers,
      credentials: 'same-origin',
      body,
    });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) throw await failure(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

export interface UploadProgressOptions {
  /** Bytes sent so far, of `total` (the file's size). */
  onProgress?: (loaded: number, total: number) => void;
  /** Every byte has been sent; the server is still working on the answer. */
  onSent?: () => void;
  signal?: AbortSignal;
}

/**
 * POST of a file as the raw request body with upload progress (XMLHttpRequest: fetch reports none).
 * The Blob or File is streamed by the browser, never read into memory. JSON answer; errors as for
 * `request`; an abort rejects with a DOMException named AbortError.
 */
export function uploadWithProgress<T>(
  path: string,
  body: Blob,
  contentType: string,
  query?: RequestOptions['query'],
  options: UploadProgressOptions = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const { signal } = options;
    if (signal?.aborted) {
      reject(new DOMException('The upload was aborted', 'AbortError'));
      return;
    }
    const onAbort = () => {
      xhr.abort();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.open('POST', buildUrl(path, query));
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', state.language);
    xhr.setRequestHeader('Content-Type', contentType);
    if (state.csrfToken) xhr.setRequestHeader('x-csrf-token', state.csrfToken);
    xhr.upload.onprogress = (event) => {
      options.onProgress?.(event.loaded, event.lengthComputable ? event.total : body.size);
    };
    xhr.upload.onload = () => {
      options.onSent?.();
    };
    xhr.onload = () => {
      done();
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? (JSON.parse(xhr.responseText) as unknown) : null;
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(parsed as T);
        return;
      }
      if (xhr.status === 401) state.onUnauthenticated?.();
      reject(parseError(xhr.status, parsed));
    };
    xhr.onerror = () => {
      done();
      reject(new ApiError(0, 'NETWORK', 'network error'));
    };
    xhr.onabort = () => {
      done();
      reject(new DOMException('The upload was aborted', 'AbortError'));
    };
    xhr.send(body);
  });
}

export const api = {
  get: <T>(path: string, opts?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
    request<T>('POST', path, { ...opts, body: body ?? {} }),
  put: <T>(path: string, body: unknown, opts?: RequestOptions) =>
    request<T>('PUT', path, { ...opts, body }),
  patch: <T>(path: string, body: unknown, opts?: RequestOptions) =>
    request<T>('PATCH', path, { ...opts, body }),
  del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
};
