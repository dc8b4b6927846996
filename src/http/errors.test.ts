import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { errorBody, toAppError } from './errors.ts';

const request = (acceptLanguage?: string) =>
  ({
    id: 'req-1',
    headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {},
  }) as unknown as FastifyRequest;

describe('error mapping', () => {
  it('never leaks the internals of an unexpected error', () => {
    const error = toAppError(new Error('connect ECONNREFUSED postgres://admin:hunter2@db'));
    assert.equal(error.code, 'INTERNAL');
    assert.equal(error.status, 500);
    const body = JSON.stringify(errorBody(error, request()));
    assert.doesNotMatch(body, /hunter2|ECONNREFUSED|postgres/);
    assert.deepEqual(errorBody(error, request('en')), {
      error: { code: 'INTERNAL', message: 'Internal server error', requestId: 'req-1' },
    });
  });

  it('maps framework errors to the closed set', () => {
    assert.equal(
      toAppError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }).code,
      'PAYLOAD_TOO_LARGE',
    );
    assert.equal(
      toAppError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }).code,
      'BAD_REQUEST',
    );
    assert.equal(toAppError({ statusCode: 429 }).code, 'RATE_LIMITED');
    const validation = toAppError({
      validation: [
        {
          instancePath: '/name',
          keyword: 'minLength',
          params: { limit: 1 },
          schemaPath: '',
          message: '',
        },
      ],
    });
    assert.equal(validation.code, 'VALIDATION');
    assert.equal(errorBody(validation, request()).error.fields?.name, '至少 1 个字符');
  });
});
