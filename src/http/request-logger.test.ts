import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import pino, { type Logger } from 'pino';
import { requestLoggerFactory } from './request-logger.ts';

/** A pino logger writing into an array of parsed records. */
function capturingLogger(level: string): { logger: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, stream), records };
}

/** pino writes through its stream asynchronously: let it flush. */
const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('request logger (lazy per-request child)', () => {
  it('writes the same records as a pino child, with the request id', async () => {
    const lazy = capturingLogger('info');
    const plain = capturingLogger('info');
    requestLoggerFactory(lazy.logger, { reqId: 'r-1' }, {}).info({ rows: 3 }, 'loaded');
    plain.logger.child({ reqId: 'r-1' }).info({ rows: 3 }, 'loaded');
    requestLoggerFactory(lazy.logger, { reqId: 'r-2' }, {}).error(new Error('boom'));
    plain.logger.child({ reqId: 'r-2' }).error(new Error('boom'));
    await flushed();
    const withoutTimes = (records: Record<string, unknown>[]) =>
      records.map(({ time: _time, pid: _pid, ...rest }) => ({
        ...rest,
        // Stack traces differ by the line that logged them.
        ...(rest.err ? { err: { ...rest.err, stack: undefined } } : {}),
      }));
    assert.equal(lazy.records.length, 2);
    assert.deepEqual(withoutTimes(lazy.records), withoutTimes(plain.records));
    assert.equal(lazy.records[0]?.reqId, 'r-1');
    assert.equal(lazy.records[1]?.level, 50);
  });

  it('makes no child for levels the logger does not write', async () => {
    const { logger, records } = capturingLogger('warn');
    let children = 0;
    const child = logger.child.bind(logger);
    logger.child = ((...args: Parameters<Logger['child']>) => {
      children += 1;
      return child(...args);
    }) as Logger['child'];
    const requestLogger = requestLoggerFactory(logger, { reqId: 'r-3' }, {});
    requestLogger.info('incoming request');
    requestLogger.debug('details');
    assert.equal(children, 0);
    assert.equal(requestLogger.level, 'warn');
    requestLogger.warn('slow');
    requestLogger.warn('slower');
    assert.equal(children, 1, 'one child, made on the first record written');
    await flushed();
    assert.deepEqual(
      records.map((record) => [record.msg, record.reqId]),
      [
        ['slow', 'r-3'],
        ['slower', 'r-3'],
      ],
    );
  });

  it("gives a route's own level a real child", () => {
    const { logger } = capturingLogger('info');
    const requestLogger = requestLoggerFactory(logger, { reqId: 'r-4' }, { level: 'error' });
    assert.equal(requestLogger.level, 'error');
  });

  it("logs Fastify's request records under the request's id", async () => {
    const { logger, records } = capturingLogger('info');
    const app = Fastify({
      loggerInstance: logger,
      childLoggerFactory: requestLoggerFactory,
      requestIdHeader: 'x-request-id',
    });
    app.get('/ping', (request) => {
      request.log.info('handling');
      return { ok: true };
    });
    const response = await app.inject({
      url: '/ping',
      headers: { 'x-request-id': 'req-abc' },
    });
    await app.close();
    await flushed();
    assert.equal(response.statusCode, 200);
    const perRequest = records.filter((record) => record.reqId !== undefined);
    assert.deepEqual(
      perRequest.map((record) => record.msg),
      ['incoming request', 'handling', 'request completed'],
    );
    assert.ok(perRequest.every((record) => record.reqId === 'req-abc'));
  });
});
