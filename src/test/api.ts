import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Engine } from '../db/dialect.ts';
import { DEMO_PASSWORD, loadDemo } from '../demo/demo.ts';
import { buildServer } from '../http/server.ts';
import { createTestPlatform, type TestPlatform } from './engines.ts';

/** The real app on one engine with the demo jurisdiction, called in-process (fastify/demo test/helper). */
export interface TestApp {
  app: FastifyInstance;
  platform: TestPlatform;
  close(): Promise<void>;
}

export async function createTestApp(
  engine: Engine,
  env: NodeJS.ProcessEnv = {},
  demo: Parameters<typeof loadDemo>[1] = {},
): Promise<TestApp> {
  const platform = await createTestPlatform(engine, env);
  await loadDemo(platform.services, demo);
  const app = await buildServer(platform.services);
  await app.ready();
  return {
    app,
    platform,
    close: async () => {
      await app.close();
      await platform.destroy();
    },
  };
}

/** A signed-in console client: carries the session cookie and the CSRF header. */
export interface Session {
  cookie: string;
  csrfToken: string;
  request(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse>;
}

export async function login(
  app: FastifyInstance,
  username: string,
  password = DEMO_PASSWORD,
): Promise<Session> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  assert.equal(response.statusCode, 200, `login of ${username} failed: ${response.body}`);
  const setCookie = response.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0] ?? '';
  assert.match(cookie, /^govdx_session=/);
  const { csrfToken } = response.json<{ csrfToken: string }>();
  return {
    cookie,
    csrfToken,
    request: (method, url, payload) =>
      app.inject({
        method,
        url,
        headers: { cookie, 'x-csrf-token': csrfToken },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      }),
  };
}

/** A signed-in public account on the open portal (issue 7): the portal cookie and CSRF header. */
export async function publicLogin(
  app: FastifyInstance,
  username: string,
  password = DEMO_PASSWORD,
): Promise<Session> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/open/session',
    headers: { 'x-govdx-portal': '1' },
    payload: { username, password },
  });
  assert.equal(response.statusCode, 200, `portal login of ${username} failed: ${response.body}`);
  const setCookie = response.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0] ?? '';
  assert.match(cookie, /^govdx_portal=/);
  const { csrfToken } = response.json<{ csrfToken: string }>();
  return {
    cookie,
    csrfToken,
    request: (method, url, payload) =>
      app.inject({
        method,
        url,
        headers: { cookie, 'x-csrf-token': csrfToken, 'x-govdx-portal': '1' },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      }),
  };
}
