import { Type, type TObject } from '@sinclair/typebox';
import { serialize as serializeCookie, type SerializeOptions } from 'cookie';
import type { FastifyInstance, FastifyReply, FastifySchema } from 'fastify';
import type { AnyAction } from '../core/action.ts';
import { AppError } from '../core/errors.ts';
import { contentDisposition, fileBytes, isFileResult, isRawResult } from '../core/files.ts';
import { runAction } from '../core/run-action.ts';
import type { Services } from '../core/services.ts';
import { SESSION_TTL_MS, Me } from '../modules/auth/actions.ts';
import { Account, PORTAL_COOKIE } from '../modules/open/accounts.ts';

const SESSION_COOKIE = 'govdx_session';

/**
 * Set-Cookie with the `cookie` package, without @fastify/cookie: its two hooks parsed cookies and
 * looked for cookies to set on every request, and only these presenters set them (authenticate() in
 * server.ts parses them where it reads them).
 */
function setCookie(
  reply: FastifyReply,
  name: string,
  value: string,
  options: SerializeOptions,
): void {
  void reply.header('set-cookie', serializeCookie(name, value, options));
}

function clearCookie(reply: FastifyReply, name: string): void {
  setCookie(reply, name, '', { path: '/', expires: new Date(0), maxAge: 0 });
}

/**
 * Transport-specific presentation of a few actions' results (cookies), kept out of the actions so
 * that the CLI and jobs see the same action without HTTP concerns.
 */
const PRESENTERS: Record<
  string,
  { schema?: TObject; present: (output: never, reply: FastifyReply, services: Services) => unknown }
> = {
  'auth.login': {
    schema: Me,
    present: (output: { me: unknown; sessionToken: string }, reply, services) => {
      setCookie(reply, SESSION_COOKIE, output.sessionToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: services.config.cookieSecure,
        maxAge: SESSION_TTL_MS / 1000,
      });
      return output.me;
    },
  },
  'auth.logout': {
    present: (output: unknown, reply) => {
      clearCookie(reply, SESSION_COOKIE);
      return output;
    },
  },
  // The open portal's session (issue 7): its own cookie, so that a public account never holds a
  // console session.
  'open.session.login': {
    schema: Type.Object({ account: Account, csrfToken: Type.String() }),
    present: (
      output: { account: unknown; csrfToken: string; sessionToken: string },
      reply,
      services,
    ) => {
      setCookie(reply, PORTAL_COOKIE, output.sessionToken, {
        path: '/',
        httpOnly: true,
        // Lax, not strict: a visitor following a link to a dataset page arrives signed in.
        sameSite: 'lax',
        secure: services.config.cookieSecure,
        maxAge: SESSION_TTL_MS / 1000,
      });
      return { account: output.account, csrfToken: output.csrfToken };
    },
  },
  'open.session.logout': {
    present: (output: unknown, reply) => {
      clearCookie(reply, PORTAL_COOKIE);
      return output;
    },
  },
};

function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1] ?? '');
}

/** One Fastify route per action with an `http` binding; request and response schemas from the action. */
export function registerActionRoutes(
  app: FastifyInstance,
  services: Services,
  actions: readonly AnyAction[],
): void {
  const uploads = actions.filter((action) => action.http?.upload && !action.http.upload.stream);
  const streams = actions.filter((action) => action.http?.upload?.stream);
  for (const action of actions) {
    if (action.http && !action.http.upload) registerRoute(app, services, action);
  }
  if (streams.length > 0) {
    // Streamed uploads: every media type reaches the handler as the unread request stream.
    void app.register((scope, _options, done) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, payload, parsed) => parsed(null, payload));
      scope.addHook('preParsing', async (request, _reply, payload) => {
        if (request.actor.type === 'anonymous') throw new AppError('UNAUTHENTICATED');
        return payload;
      });
      for (const action of streams) registerRoute(scope, services, action);
      done();
    });
  }
  if (uploads.length === 0) return;
  // File uploads arrive as raw bodies; their parsers live in their own scope, so that JSON routes
  // keep answering other media types with 415.
  void app.register((scope, _options, done) => {
    const types = new Set(uploads.flatMap((action) => action.http?.upload?.contentTypes ?? []));
    for (const type of types) {
      if (scope.hasContentTypeParser(type)) continue;
      scope.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, parsed) =>
        parsed(null, body),
      );
    }
    // Uploads are for signed-in callers: an anonymous body is refused before it is read.
    scope.addHook('preParsing', async (request, _reply, payload) => {
      if (request.actor.type === 'anonymous') throw new AppError('UNAUTHENTICATED');
      return payload;
    });
    for (const action of uploads) registerRoute(scope, services, action);
    done();
  });
}

const BINARY = { type: 'string', format: 'binary' } as const;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** An output kept by the read cache (core/read-cache.ts), which freezes what it keeps. */
function isCachedOutput(output: unknown): output is object {
  return typeof output === 'object' && output !== null && Object.isFrozen(output);
}

function registerRoute(app: FastifyInstance, services: Services, action: AnyAction): void {
  if (!action.http) return;
  const { method, path, upload, produces, raw } = action.http;
  const headerInputs = Object.entries(action.http.headers ?? {});
  const status = action.http.status ?? 200;
  const params = pathParams(path);
  // An uploaded file is the body; the other inputs come from the query string.
  const rest = Type.Omit(
    action.input,
    [...params, ...headerInputs.map(([property]) => property), ...(upload ? ['file'] : [])],
    { additionalProperties: false },
  );
  const hasRest = Object.keys(rest.properties).length > 0;
  const carriesBody = !upload && (method === 'POST' || method === 'PATCH' || method === 'PUT');
  const presenter = PRESENTERS[action.name];
  const response = produces
    ? {
        description: 'the file',
        content: Object.fromEntries(produces.map((type) => [type, { schema: BINARY }])),
      }
    : raw
      ? {
          description: action.description,
          ...(raw.headers
            ? {
                headers: Object.fromEntries(
                  Object.entries(raw.headers).map(([name, description]) => [
                    name,
                    { description, schema: { type: 'string' } },
                  ]),
                ),
              }
            : {}),
          content: Object.fromEntries(
            raw.contentTypes.map((type) => [type, { schema: raw.schema ?? BINARY }]),
          ),
        }
      : (presenter?.schema ?? action.output);
  const headersSchema = headerInputs.length
    ? {
        headers: Type.Object(
          Object.fromEntries(
            headerInputs.map(([property, header]) => [
              header,
              Type.Optional(action.input.properties[property] ?? Type.String()),
            ]),
          ),
        ),
      }
    : {};
  const schema: FastifySchema = {
    operationId: action.name,
    summary: action.name,
    description: action.description,
    tags: [action.tag],
    ...(params.length
      ? { params: Type.Pick(action.input, params, { additionalProperties: false }) }
      : {}),
    ...(hasRest ? (carriesBody ? { body: rest } : { querystring: rest }) : {}),
    ...headersSchema,
    ...(upload
      ? {
          body: {
            description: `the file, at most ${upload.maxBytes} bytes`,
            content: Object.fromEntries(
              upload.contentTypes.map((type) => [type, { schema: BINARY }]),
            ),
          },
        }
      : {}),
    response: { [status]: response },
  };
  // Per route: the bytes follow this route's response schema.
  const serializedOutputs = new WeakMap<object, Buffer>();
  app.route({
    method,
    url: path,
    schema,
    ...(upload
      ? {
          bodyLimit: upload.maxBytes,
          // The body is bytes, not JSON: the schemas above describe the route for OpenAPI, and runAction
          // validates the assembled input (query, path parameters and file) against the action's schema.
          validatorCompiler: () => () => true,
        }
      : {}),
    ...(action.http.bodyLimit ? { bodyLimit: action.http.bodyLimit } : {}),
    // A POST whose fields are all optional may come without a body; validate it as {}.
    ...(carriesBody && hasRest
      ? {
          preValidation: (request: { body: unknown }, _reply: unknown, done: () => void) => {
            request.body ??= {};
            done();
          },
        }
      : {}),
    handler: async (request, reply) => {
      const streamed = upload?.stream === true;
      if (upload && (streamed ? !request.body : !Buffer.isBuffer(request.body))) {
        throw new AppError('BAD_REQUEST', {
          zh: `请以请求体上传文件，Content-Type 为 ${upload.contentTypes.join(' 或 ')}`,
          en: `send the file as the request body with Content-Type ${upload.contentTypes.join(' or ')}`,
        });
      }
      const input: Record<string, unknown> = {
        ...(hasRest ? ((carriesBody ? request.body : request.query) as object) : {}),
        ...(request.params as object),
        ...(upload ? { file: request.body } : {}),
      };
      for (const [property, header] of headerInputs) {
        const value = request.headers[header];
        if (typeof value === 'string') input[property] = value;
      }
      // An upload action may ask for the body's media type (to tell CSV from XLSX).
      if (upload && 'contentType' in action.input.properties && input.contentType === undefined) {
        const contentType = request.headers['content-type'];
        if (contentType) input.contentType = contentType;
      }
      const output = await runAction(services, action, input, {
        actor: request.actor,
        requestId: request.id,
        clientIp: request.ip,
        validateInput: Boolean(upload),
      });
      if (isRawResult(output)) {
        void reply.status(output.raw.status ?? status);
        void reply.header('content-type', output.raw.contentType);
        for (const [name, value] of Object.entries(output.raw.headers))
          void reply.header(name, value);
        return output.raw.body;
      }
      void reply.status(status);
      if (action.cache && isCachedOutput(output)) {
        // A read-cache hit is the same frozen object for its whole TTL: its JSON is serialized (by this
        // route's response schema) once, not on every request.
        let bytes = serializedOutputs.get(output);
        if (!bytes) {
          bytes = Buffer.from(reply.serialize(output) as string);
          serializedOutputs.set(output, bytes);
        }
        void reply.header('content-type', JSON_CONTENT_TYPE);
        return bytes;
      }
      if (isFileResult(output)) {
        const { name, contentType, bytes } = output.file;
        void reply.header('content-type', contentType);
        void reply.header('content-disposition', contentDisposition(name));
        return fileBytes(bytes);
      }
      return presenter ? presenter.present(output as never, reply, services) : output;
    },
  });
}
