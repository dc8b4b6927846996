import { randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import cors from '@fastify/cors';
import { parse as parseCookies } from 'cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { ACTIONS } from '../actions.ts';
import { ANONYMOUS, type Actor } from '../core/actor.ts';
import { AppError } from '../core/errors.ts';
import { clientAddressKey, SlidingWindowLimiter } from '../core/rate-limit.ts';
import { inputValidator } from '../core/validation.ts';
import type { Services } from '../core/services.ts';
import { pendingMigrations } from '../db/migrate.ts';
import { REPO_ROOT } from '../paths.ts';
import { OPEN_KEY_PREFIX, PORTAL_COOKIE } from '../modules/open/accounts.ts';
import { registerCkanRoutes } from '../modules/open/ckan.ts';
import { registerDcatRoutes } from '../modules/open/dcat-feed.ts';
import { OPEN_API_PREFIX } from '../modules/open/runtime.ts';
import { TOKEN_PREFIX } from '../modules/tokens/actions.ts';
import { registerActionRoutes } from './action-routes.ts';
import { errorBody, handleError } from './errors.ts';
import { requestLoggerFactory } from './request-logger.ts';
import { apiSecurityHeaders, isApiPath, securityHeaders } from './security-headers.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

export const SESSION_COOKIE = 'govdx_session';
export const API_PREFIX = '/api/v1';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CONSOLE_DIR = path.join(REPO_ROOT, 'dist/console');
export const PORTAL_DIR = path.join(REPO_ROOT, 'dist/portal');

export interface ServerOptions {
  /** Serve the built console from this folder (default dist/console, when built). */
  consoleDir?: string;
  /** Serve the built public portal at `/` from this folder (default dist/portal, when built). */
  portalDir?: string;
}

/** Open-portal URLs a browser follows as plain links, without the portal's header. */
const PORTAL_LINKS = /^\/api\/v1\/open\/(datasets\/[^/]+\/download|showcase\/[^/]+\/image)(\?|$)/;

/** The portal's pages (single-page app routes); anything else unknown is a 404. */
const PORTAL_ROUTES = /^\/(datasets|orgs|showcase|stats|login|register|me)(\/|$|\?)/;

/**
 * Builds the HTTP server: the envelope first (security headers, request id, CORS, rate limit), then
 * OpenAPI, then authentication, then one route per action (the fastify/demo layout).
 */
export async function buildServer(
  services: Services,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    loggerInstance: services.logger,
    childLoggerFactory: requestLoggerFactory,
    bodyLimit: config.bodyLimit,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    trustProxy: false,
  });
  // A JSON body keeps its own types; query strings, path parameters and headers are text and have
  // theirs coerced (core/validation.ts).
  app.setValidatorCompiler(({ schema, httpPart }) =>
    inputValidator(schema, httpPart === 'body' ? 'json' : 'text'),
  );
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

  const documentHeaders = securityHeaders({
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
  const apiHeaders = apiSecurityHeaders(config.cookieSecure);
  app.addHook('onRequest', (request, reply, done) => {
    void reply
      .headers(isApiPath(request.url) ? apiHeaders : documentHeaders)
      .header('x-request-id', request.id);
    done();
  });
  if (config.corsOrigins.length > 0)
    await app.register(cors, { origin: config.corsOrigins, credentials: true });
  // The platform-wide rate limit per client address, after CORS (a browser may read the 429) and before
  // anything else, authentication included, is spent on the request.
  const perClient = new SlidingWindowLimiter();
  const perMinute = config.rateLimitPerMinute;
  app.addHook('onRequest', (request, reply, done) => {
    const client = clientAddressKey(request.ip);
    if (perClient.take(client, perMinute)) {
      done();
      return;
    }
    const retryAfterSeconds = perClient.retryAfterSeconds(client, perMinute);
    // The x-ratelimit-* headers go with a 429 only: on every answer they would cost more than the limit.
    void reply.headers({
      'x-ratelimit-limit': String(perMinute),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(retryAfterSeconds),
    });
    done(new AppError('RATE_LIMITED', undefined, undefined, { retryAfterSeconds }));
  });
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
      const authenticated = (request: FastifyRequest, actor: Actor) => {
        request.actor = actor;
        // The open portal's own rate limits: anonymous lower than keyed (R5.4).
        if (request.url.startsWith(OPEN_API_PREFIX)) services.open.limiter.check(request);
      };
      // A department system's token the credential cache already holds is settled without a promise
      // or a turn of the microtask queue: the common case of the API (bench/http.ts).
      api.addHook('onRequest', (request, _reply, done) => {
        try {
          const known = cachedTokenActor(services, request);
          if (known) {
            authenticated(request, known);
            done();
            return;
          }
        } catch (error) {
          done(error as Error);
          return;
        }
        authenticate(services, request)
          .then((actor) => authenticated(request, actor))
          .then(() => done(), done);
      });
      registerActionRoutes(api, services, ACTIONS);
      api.setNotFoundHandler((request, reply) =>
        reply.status(404).send(errorBody(new AppError('NOT_FOUND'), request)),
      );
      done();
    },
    { prefix: API_PREFIX },
  );
  // The CKAN Action API and the paged DCAT catalog (issue 7), for the tools that harvest portals.
  await app.register((scope, _options, done) => {
    scope.addHook('onRequest', async (request) => {
      request.actor = await authenticate(services, request);
      services.open.limiter.check(request);
    });
    registerCkanRoutes(scope, services);
    registerDcatRoutes(scope, services);
    done();
  });

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
  const portalDir = options.portalDir ?? PORTAL_DIR;
  const portalBuilt = existsSync(path.join(portalDir, 'index.html'));
  if (portalBuilt) {
    await app.register(fastifyStatic, {
      root: portalDir,
      prefix: '/',
      index: 'index.html',
      wildcard: false,
      decorateReply: !consoleBuilt,
    });
  } else {
    app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/console/'));
  }
  app.setNotFoundHandler((request, reply) => {
    if (portalBuilt && request.method === 'GET' && PORTAL_ROUTES.test(request.url)) {
      return reply.type('text/html').sendFile('index.html', portalDir);
    }
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

/**
 * The actor of a request that presents a department system's `Bearer gdx_...` token which the
 * credential cache holds, or undefined: authenticate() decides everything else, a revoked or unknown
 * token included.
 */
function cachedTokenActor(services: Services, request: FastifyRequest): Actor | undefined {
  const authorization = request.headers.authorization;
  if (authorization === undefined || !authorization.startsWith(BEARER_TOKEN)) return undefined;
  const secret = authorization.slice(BEARER_PREFIX_LENGTH);
  if (!CACHEABLE_SECRET.test(secret)) return undefined;
  return services.credentials.cachedActorForApiToken(secret) ?? undefined;
}
const BEARER_TOKEN = `Bearer ${TOKEN_PREFIX}`;
const BEARER_PREFIX_LENGTH = 'Bearer '.length;
/** A secret as authenticate() reads it: no whitespace, nothing before or after. */
const CACHEABLE_SECRET = /^\S+$/;

/**
 * The caller of an API request. Credentials, in order: an `Authorization` header (a department
 * system's `Bearer gdx_...` token, or a public account's `gdxo_...` API key, which CKAN clients may
 * also send bare or as `X-CKAN-API-Key`), then a session cookie: the console's, or the portal's
 * (issue 7). A browser may hold both; the portal says which it means with `x-govdx-portal: 1`.
 */
export async function authenticate(services: Services, request: FastifyRequest): Promise<Actor> {
  const ckanKey = request.headers['x-ckan-api-key'];
  const authorization =
    request.headers.authorization ?? (typeof ckanKey === 'string' ? ckanKey : undefined);
  if (authorization !== undefined) {
    const secret = /^(?:Bearer\s+)?(\S+)$/i.exec(authorization.trim())?.[1];
    const actor = secret?.startsWith(OPEN_KEY_PREFIX)
      ? await services.credentials.actorForOpenKey(secret)
      : secret?.startsWith(TOKEN_PREFIX)
        ? await services.credentials.actorForApiToken(secret)
        : null;
    // A presented but invalid credential is an error, never a silent fall-back to anonymous.
    if (!actor)
      throw new AppError('UNAUTHENTICATED', {
        zh: 'API 令牌或密钥无效、已过期或已吊销',
        en: 'API token or key invalid, expired or revoked',
      });
    return actor;
  }
  // Cookies are parsed here, where they are read, and only for a request without an Authorization
  // header (not by a hook on every request; action-routes.ts sets them).
  const cookies = request.headers.cookie ? parseCookies(request.headers.cookie) : {};
  const consoleCookie = cookies[SESSION_COOKIE];
  const portalCookie = cookies[PORTAL_COOKIE];
  const fromConsole = async () =>
    consoleCookie ? services.credentials.actorForSession(consoleCookie) : null;
  const fromPortal = async () =>
    portalCookie ? services.credentials.actorForPortalSession(portalCookie) : null;
  let actor: Actor | null;
  if (request.headers['x-govdx-portal'] === '1') actor = await fromPortal();
  // Plain links (a download, a showcase image) cannot send the header: the portal's session first.
  else if (request.method === 'GET' && PORTAL_LINKS.test(request.url))
    actor = (await fromPortal()) ?? (await fromConsole());
  else actor = (await fromConsole()) ?? (await fromPortal());
  if (!actor) return ANONYMOUS;
  if (
    !SAFE_METHODS.has(request.method) &&
    (actor.type === 'user' || actor.type === 'public') &&
    actor.session
  ) {
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
