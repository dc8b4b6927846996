import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { ApiError } from './api';

/** Human-readable text for any error thrown by the API wrapper. */
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'NETWORK') return t('errors.network');
    if (error.requestId && error.code === 'INTERNAL') {
      return t('errors.withRequestId', { message: error.message, requestId: error.requestId });
    }
    return error.message || t('errors.unknown');
  }
  return t('errors.unknown');
}

export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'FORBIDDEN';
}

/**
 * Copies the server's per-field messages (`error.fields`) onto the antd form. Field names may be
 * dotted paths such as `settings.shareReplyDays`. Returns true when at least one field matched a
 * form item, so that callers can avoid showing the same message twice.
 */
export function applyFieldErrors(form: FormInstance, error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  const entries = Object.entries(error.fields);
  if (entries.length === 0) return false;
  const known = new Set(
    form
      .getFieldsError()
      .map((f) => f.name.join('.'))
      .filter((name) => name !== ''),
  );
  const matched = entries.filter(([name]) => known.has(name));
  // The server names list fields `resources.0.items`; antd keeps list indexes as numbers.
  form.setFields(
    matched.map(([name, message]) => ({
      name: name.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
      errors: [message],
    })),
  );
  return matched.length > 0;
}
