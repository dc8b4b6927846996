import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { fieldErrorsFromSchema } from './schema-errors.ts';
import { inputValidator } from './validation.ts';

const Schema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    kind: Type.Optional(Type.Union([Type.Literal('department'), Type.Literal('utility')])),
    parent: Type.Optional(Type.Union([Type.Literal('root'), Type.Null()])),
    tags: Type.Optional(Type.Array(Type.String(), { minItems: 1, uniqueItems: true })),
    shape: Type.Optional(
      Type.Union([
        Type.Object({ x: Type.Number() }, { additionalProperties: false }),
        Type.String({ pattern: '^[a-z]+$' }),
      ]),
    ),
  },
  { additionalProperties: false },
);

/** The field errors (Chinese, English) of validating `input` from `source`, or null when valid. */
function errorsOf(input: unknown, source: 'text' | 'json') {
  const validate = inputValidator(Schema, source);
  if (validate(structuredClone(input))) return null;
  const fields = fieldErrorsFromSchema(validate.errors ?? []);
  return Object.fromEntries(Object.entries(fields).map(([field, text]) => [field, text.en]));
}

describe('input validation', () => {
  it('coerces text inputs but refuses ill-typed JSON', () => {
    const text = { name: 'x', limit: '5', tags: 'a' };
    const validate = inputValidator(Schema, 'text');
    assert.equal(validate(text), true);
    assert.deepEqual(text, { name: 'x', limit: 5, tags: ['a'] });
    assert.deepEqual(errorsOf({ name: 123, limit: '5', tags: 'a' }, 'json'), {
      name: 'must be string',
      limit: 'must be integer',
      tags: 'must be array',
    });
    assert.equal(errorsOf({ name: 'x', limit: 5, tags: ['a'] }, 'json'), null);
  });

  it('explains a union by the values it allows, and other keywords in words', () => {
    assert.deepEqual(errorsOf({ name: 'x', kind: 'bank', parent: 'leaf' }, 'json'), {
      kind: 'must be one of department, utility',
      parent: 'must be one of root, null',
    });
    assert.deepEqual(errorsOf({ name: '', tags: [] }, 'json'), {
      name: 'must have at least 1 characters',
      tags: 'must have at least 1 items',
    });
    assert.deepEqual(errorsOf({ name: 'x', tags: ['a', 'a'] }, 'json'), {
      tags: 'must not contain duplicates',
    });
    // A union of shapes that are not values is named as such, not by Ajv's English.
    assert.deepEqual(errorsOf({ name: 'x', shape: { y: 1 } }, 'json'), {
      shape: 'matches none of the allowed forms',
    });
    const validate = inputValidator(Schema, 'json');
    validate({ name: 'x', kind: 'bank' });
    assert.equal(
      fieldErrorsFromSchema(validate.errors ?? []).kind?.zh,
      '应为以下之一：department、utility',
    );
  });
});
