import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  AppError,
  DEFAULT_MESSAGES,
  languageOf,
  type ErrorCode,
  type LocalizedText,
} from '../core/errors.ts';
import { fieldErrorsFromSchema } from '../core/schema-errors.ts';

/** The one place where errors become HTTP responses: `{"error":{code,message,fields,requestId}}`. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as Partial<FastifyError> & {
    validation?: unknown[];
    validationContext?: string;
  };
  if (Array.isArray(fastifyError.validation)) {
    return new AppError(
      'VALIDATION',
      undefined,
      fieldErrorsFromSchema(fastifyError.validation as never),
    );
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BAD_REQUEST');
    default:
      break;
  }
  if (fastifyError.statusCode === 429) return new AppError('RATE_LIMITED');
  if (fastifyError.statusCode === 400 || error instanceof SyntaxError) {
    return new AppError('BAD_REQUEST', {
      zh: 'JSON 格式错误，无法解析请求体',
      en: 'Malformed JSON: the request body cannot be parsed',
    });
  }
  if (fastifyError.statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE');
  return new AppError('INTERNAL');
}

export function errorBody(
  error: AppError,
  request: FastifyRequest,
): {
  error: {
    code: ErrorCode;
    reason?: string;
    message: string;
    fields?: Record<string, string>;
    data?: Record<string, unknown>;
    requestId: string;
  };
} {
  const language = languageOf(request.headers['accept-language']);
  const pick = (localized: LocalizedText) => localized[language];
  return {
    error: {
      code: error.code,
      ...(error.detail?.reason ? { reason: error.detail.reason } : {}),
      message: pick(error.localized ?? DEFAULT_MESSAGES[error.code]),
      ...(error.fields
        ? {
            fields: Object.fromEntries(
              Object.entries(error.fields).map(([field, message]) => [field, pick(message)]),
            ),
          }
        : {}),
      ...(error.detail?.data ? { data: error.detail.data } : {}),
      requestId: request.id,
    },
  };
}

export function handleError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const appError = toAppError(error);
  if (appError.code === 'INTERNAL') {
    // Details go to the log only; the client gets the request id to quote.
    request.log.error({ err: error }, 'unhandled error');
  }
  if (appError.detail?.retryAfterSeconds)
    void reply.header('retry-after', String(appError.detail.retryAfterSeconds));
  return reply.status(appError.status).send(errorBody(appError, request));
}
