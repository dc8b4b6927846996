import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Where an input came from, which decides whether its types are coerced:
 * - `text`: query strings, path parameters, headers, command-line options. Everything arrives as a
 *   string, so numbers and booleans are coerced (and a lone value where an array belongs becomes one).
 * - `json`: request bodies and the JSON argument of `govdx action`. JSON carries its own types, so a
 *   string where a number belongs (`"name": 123`, `"limit": "5"`) is a VALIDATION error, not quietly
 *   converted (issue 2: ill-typed fields are refused with field errors).
 */
export type InputSource = 'text' | 'json';

const OPTIONS = { useDefaults: true, removeAdditional: false, allErrors: true } as const;
const AJV: Record<InputSource, Ajv> = {
  text: new Ajv({ ...OPTIONS, coerceTypes: 'array' }),
  json: new Ajv(OPTIONS),
};
for (const ajv of Object.values(AJV)) (addFormats as unknown as (ajv: Ajv) => void)(ajv);

const compiled: Record<InputSource, WeakMap<object, ValidateFunction>> = {
  text: new WeakMap(),
  json: new WeakMap(),
};

/**
 * The validator of a schema for inputs from `source`, compiled once per schema. Fastify's routes
 * (`http/server.ts`) and `runAction` both validate with it, so HTTP and the CLI accept the same input.
 */
export function inputValidator(schema: object, source: InputSource): ValidateFunction {
  let validate = compiled[source].get(schema);
  if (!validate) {
    validate = AJV[source].compile(schema);
    compiled[source].set(schema, validate);
  }
  return validate;
}

/** Ajv's one-line account of schema errors, for developers' messages (tests, logs). */
export function schemaErrorsText(errors: ErrorObject[] | null | undefined): string {
  return AJV.json.errorsText(errors);
}
