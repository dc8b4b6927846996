import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { languageOf } from '../core/errors.ts';
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

  it('answers in the language the client prefers, by quality value', () => {
    const cases: [string | undefined, 'zh' | 'en'][] = [
      [undefined, 'zh'],
      ['en', 'en'],
      ['en-US,en;q=0.9', 'en'],
      ['zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
      // The first tag is not always the preferred one.
      ['zh;q=0.5,en;q=0.9', 'en'],
      ['fr, en;q=0.1', 'en'],
      ['fr', 'zh'],
      ['*', 'zh'],
      ['EN-gb', 'en'],
    ];
    for (const [header, expected] of cases) assert.equal(languageOf(header), expected, header);
    assert.equal(
      errorBody(toAppError({ statusCode: 429 }), request('de;q=1, en;q=0.5, zh;q=0.2')).error
        .message,
      'Too many requests; try again later',
    );
  });
});
