import type { ErrorObject } from 'ajv';
import { text, type LocalizedText } from './errors.ts';

/** Turns JSON Schema (Ajv) errors into per-field messages in both languages. */
export function fieldErrorsFromSchema(
  errors: readonly ErrorObject[],
): Record<string, LocalizedText> {
  const fields: Record<string, LocalizedText> = {};
  for (const error of errors) {
    const params = error.params as Record<string, unknown>;
    const base = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
    // Missing and unknown properties are named by their full path, like every other field error.
    const child =
      error.keyword === 'required'
        ? String(params.missingProperty)
        : error.keyword === 'additionalProperties'
          ? String(params.additionalProperty)
          : null;
    const field = child === null ? base : base ? `${base}.${child}` : child;
    const key = field === '' ? '_' : field;
    if (fields[key]) continue;
    fields[key] = describe(error, params);
  }
  return fields;
}

function describe(error: ErrorObject, params: Record<string, unknown>): LocalizedText {
  switch (error.keyword) {
    case 'required':
      return text('必填', 'is required');
    case 'additionalProperties':
      return text('不允许的字段', 'is not an allowed field');
    case 'type':
      return text(`类型应为 ${String(params.type)}`, `must be ${String(params.type)}`);
    case 'minLength':
      return text(
        `至少 ${String(params.limit)} 个字符`,
        `must have at least ${String(params.limit)} characters`,
      );
    case 'maxLength':
      return text(
        `最多 ${String(params.limit)} 个字符`,
        `must have at most ${String(params.limit)} characters`,
      );
    case 'minimum':
      return text(`不能小于 ${String(params.limit)}`, `must be >= ${String(params.limit)}`);
    case 'maximum':
      return text(`不能大于 ${String(params.limit)}`, `must be <= ${String(params.limit)}`);
    case 'enum':
      return text(
        `应为以下之一：${(params.allowedValues as unknown[]).join('、')}`,
        `must be one of ${(params.allowedValues as unknown[]).join(', ')}`,
      );
    case 'pattern':
      return text('格式不正确', 'has the wrong format');
    case 'format':
      return text(`格式应为 ${String(params.format)}`, `must be a valid ${String(params.format)}`);
    default:
      return text(
        `不符合要求（${error.message ?? error.keyword}）`,
        error.message ?? error.keyword,
      );
  }
}
