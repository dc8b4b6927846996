import { randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { ACTIONS } from '../actions.ts';
import { ANONYMOUS, type Actor } from '../core/actor.ts';
import { AppError } from '../core/errors.ts';
import type { Services } from '../core/services.ts';
import { pendingMigrations } from '../db/migrate.ts';
import { REPO_ROOT } from '../paths.ts';
import { TOKEN_PREFIX } from '../modules/tokens/actions.ts';
import { registerActionRoutes } from './action-routes.ts';
import { errorBody, handleError } from './errors.ts';
import { securityHeaders } from './security-headers.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

export const SESSION_COOKIE = 'govdx_session';
export const API_PREFIX = '/api/v1';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CONSOLE_DIR = path.join(REPO_ROOT, 'dist/console');

export interface ServerOptions {
  /** Serve the built console from this folder (default dist/console, when built). */
  consoleDir?: string;
}

/**
 * Builds the HTTP server: infrastructure plugins first (security headers, rate limit, cookies,
 * OpenAPI), then authentication, then one route per action (the fastify/demo layout).
 */
export async function buildServer(
  services: Services,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    loggerInstance: services.logger,
    bodyLimit: config.bodyLimit,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    trustProxy: false,
    ajv: {
      customOptions: {
        coerceTypes: 'array',
        useDefaults: true,
        removeAdditional: false,
        allErrors: true,
      },
    },
  });
  // Fastify forbids object defaults on decorators; the API hook sets it on every request.
  app.decorateRequest('actor', null as never);
  // Fastify's JSON parser (with its prototype-poisoning protection), except that an empty body with a
  // JSON content type is taken as no body rather than a syntax error (clients send it on DELETE).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, text, done);
  });
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));

  const staticHeaders = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Ant Design and Swagger UI inject styles at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: config.cookieSecure,
  });
  app.addHook('onRequest', (request, reply, done) => {
    void reply.headers(staticHeaders).header('x-request-id', request.id);
    done();
  });
  if (config.corsOrigins.length > 0)
    await app.register(cors, { origin: config.corsOrigins, credentials: true });
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    errorResponseBuilder: () => new AppError('RATE_LIMITED'),
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'govdx API',
        version: '1',
        description:
          'Government data catalog, sharing and open-data platform. Every operation is a named action; ' +
          'operationId is the action name. Department systems authenticate with `Authorization: Bearer gdx_...`; ' +
          'the console uses a session cookie plus the `x-csrf-token` header.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'API token of a department system',
          },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await services.db.dialect.ping(services.db.kysely as never);
      const pending = await pendingMigrations(services.db);
      if (pending.length > 0)
        return reply.status(503).send({ status: 'migrations pending', pending });
      return { status: 'ready', database: services.db.dialect.engine };
    } catch (error) {
      services.logger.warn({ err: error }, 'readiness check failed');
      return reply.status(503).send({ status: 'database unreachable' });
    }
  });

  await app.register(
    (api, _options, done) => {
      api.addHook('onRequest', async (request) => {
        request.actor = await authenticate(services, request);
      });
      registerActionRoutes(api, services, ACTIONS);
      api.setNotFoundHandler((request, reply) =>
        reply.status(404).send(errorBody(new AppError('NOT_FOUND'), request)),
      );
      done();
    },
    { prefix: API_PREFIX },
  );

  const consoleDir = options.consoleDir ?? CONSOLE_DIR;
  const consoleBuilt = existsSync(path.join(consoleDir, 'index.html'));
  if (consoleBuilt) {
    await app.register(fastifyStatic, {
      root: consoleDir,
      prefix: '/console/',
      index: 'index.html',
      wildcard: false,
    });
  }
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/console/'));
  app.setNotFoundHandler((request, reply) => {
    // The console is a single-page app: its deep links all load index.html.
    if (
      consoleBuilt &&
      request.method === 'GET' &&
      request.url.startsWith('/console') &&
      !request.url.startsWith('/console/assets/')
    ) {
      return reply.type('text/html').sendFile('index.html', consoleDir);
    }
    return reply.status(404).send(errorBody(new AppError('NOT_FOUND'), request));
  });
  // Fastify types the instance by its pino Logger; callers only need the base logger interface.
  return app as unknown as FastifyInstance;
}

async function authenticate(services: Services, request: FastifyRequest): Promise<Actor> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const secret = match?.[1];
    const actor = secret?.startsWith(TOKEN_PREFIX)
      ? await services.credentials.actorForApiToken(secret)
      : null;
    // A presented but invalid credential is an error, never a silent fall-back to anonymous.
    if (!actor)
      throw new AppError('UNAUTHENTICATED', {
        zh: 'API 令牌无效、已过期或已吊销',
        en: 'API token invalid, expired or revoked',
      });
    return actor;
  }
  const cookieToken = request.cookies[SESSION_COOKIE];
  if (!cookieToken) return ANONYMOUS;
  const actor = await services.credentials.actorForSession(cookieToken);
  if (!actor) return ANONYMOUS;
  if (!SAFE_METHODS.has(request.method) && actor.type === 'user' && actor.session) {
    const sent = request.headers['x-csrf-token'];
    const expected = Buffer.from(actor.session.csrfToken);
    if (
      typeof sent !== 'string' ||
      sent.length !== expected.length ||
      !timingSafeEqual(Buffer.from(sent), expected)
    ) {
      throw new AppError('FORBIDDEN', {
        zh: 'CSRF 校验失败，请刷新页面后重试',
        en: 'CSRF check failed; reload the page',
      });
    }
  }
  return actor;
}
