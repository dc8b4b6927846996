import type { ErrorObject } from 'ajv';
import { text, type LocalizedText } from './errors.ts';

/** Turns JSON Schema (Ajv) errors into per-field messages in both languages. */
export function fieldErrorsFromSchema(
  errors: readonly ErrorObject[],
): Record<string, LocalizedText> {
  const fields: Record<string, LocalizedText> = {};
  // Ajv reports each failed branch of an anyOf (a TypeBox union: `Union([Literal('a'), ...])`) before
  // the anyOf itself; the branches are held back and described together, as the values allowed.
  let branches: ErrorObject[] = [];
  for (const error of errors) {
    if (/\/(anyOf|oneOf)\/\d+\//.test(error.schemaPath)) {
      branches.push(error);
      continue;
    }
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
    let message: LocalizedText;
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      const own = branches.filter((branch) => branch.instancePath === error.instancePath);
      branches = branches.filter((branch) => !branch.instancePath.startsWith(error.instancePath));
      message = describeAlternatives(own);
    } else {
      message = describe(error, params);
    }
    fields[key] ??= message;
  }
  return fields;
}

/** The values a union allows (its constants, enums and `null`), or that none of its forms matched. */
function describeAlternatives(branches: readonly ErrorObject[]): LocalizedText {
  const allowed: string[] = [];
  for (const branch of branches) {
    const params = branch.params as Record<string, unknown>;
    if (branch.keyword === 'const') allowed.push(String(params.allowedValue));
    else if (branch.keyword === 'enum')
      allowed.push(...(params.allowedValues as unknown[]).map(String));
    else if (branch.keyword === 'type' && params.type === 'null') allowed.push('null');
  }
  const values = [...new Set(allowed)];
  return values.length > 0
    ? text(`应为以下之一：${values.join('、')}`, `must be one of ${values.join(', ')}`)
    : text('不符合任何一种允许的格式', 'matches none of the allowed forms');
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
    case 'const':
      return text(`应为 ${String(params.allowedValue)}`, `must be ${String(params.allowedValue)}`);
    case 'minItems':
      return text(
        `至少 ${String(params.limit)} 项`,
        `must have at least ${String(params.limit)} items`,
      );
    case 'maxItems':
      return text(
        `最多 ${String(params.limit)} 项`,
        `must have at most ${String(params.limit)} items`,
      );
    case 'uniqueItems':
      return text('不能有重复项', 'must not contain duplicates');
    case 'exclusiveMinimum':
      return text(`应大于 ${String(params.limit)}`, `must be > ${String(params.limit)}`);
    case 'exclusiveMaximum':
      return text(`应小于 ${String(params.limit)}`, `must be < ${String(params.limit)}`);
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
