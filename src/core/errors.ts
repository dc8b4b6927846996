import Negotiator from 'negotiator';
/**
 * The one closed set of errors the platform answers with. Each code maps to one HTTP status, here and
 * nowhere else; messages come in Chinese and English and the HTTP layer picks one by Accept-Language.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface LocalizedText {
  zh: string;
  en: string;
}

export const DEFAULT_MESSAGES: Record<ErrorCode, LocalizedText> = {
  BAD_REQUEST: { zh: '请求格式错误', en: 'Malformed request' },
  VALIDATION: { zh: '输入内容有误，请检查标出的字段', en: 'Invalid input; see the fields' },
  UNAUTHENTICATED: { zh: '请先登录', en: 'Authentication required' },
  FORBIDDEN: { zh: '无权执行此操作', en: 'You are not allowed to do this' },
  NOT_FOUND: { zh: '未找到或无权访问', en: 'Not found or no access' },
  CONFLICT: { zh: '与现有数据冲突', en: 'Conflicts with existing data' },
  PAYLOAD_TOO_LARGE: { zh: '请求内容过大', en: 'Request body too large' },
  RATE_LIMITED: { zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  INTERNAL: { zh: '服务器内部错误', en: 'Internal server error' },
  UNAVAILABLE: { zh: '服务暂不可用', en: 'Service unavailable' },
};

/**
 * Beyond the closed code: a stable, finer reason a client may branch on (`INGEST_HEADER_MISMATCH`),
 * and data that helps it act (the id of the failed batch).
 */
export interface ErrorDetail {
  reason?: string;
  data?: Record<string, unknown>;
  /** With RATE_LIMITED: whole seconds until the caller may try again (the `Retry-After` header). */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  readonly status: number;
  readonly localized: LocalizedText;

  constructor(
    readonly code: ErrorCode,
    message?: LocalizedText,
    readonly fields?: Record<string, LocalizedText>,
    readonly detail?: ErrorDetail,
  ) {
    const localized = message ?? DEFAULT_MESSAGES[code];
    super(localized.en);
    this.localized = localized;
    this.status = ERROR_STATUS[code];
  }
}

export function text(zh: string, en: string): LocalizedText {
  return { zh, en };
}

export const notFound = (message?: LocalizedText): AppError => new AppError('NOT_FOUND', message);
export const forbidden = (message?: LocalizedText): AppError => new AppError('FORBIDDEN', message);
export const conflict = (message: LocalizedText): AppError => new AppError('CONFLICT', message);

/** A validation error for one or more named fields. */
export function invalidFields(fields: Record<string, LocalizedText>): AppError {
  return new AppError('VALIDATION', undefined, fields);
}

export type Language = 'zh' | 'en';

const LANGUAGES: Language[] = ['zh', 'en'];

/**
 * The language of a message by the client's `Accept-Language`, quality values included
 * (`zh;q=0.5, en` is English): Chinese unless the client prefers English, or names neither (the
 * console sends `en` after the switch).
 */
export function languageOf(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'zh';
  const preferred = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language(
    LANGUAGES,
  );
  return preferred === 'en' ? 'en' : 'zh';
}
