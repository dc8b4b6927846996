import { Type, type TObject } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AnyAction } from '../core/action.ts';
import { runAction } from '../core/run-action.ts';
import type { Services } from '../core/services.ts';
import { SESSION_TTL_MS, Me } from '../modules/auth/actions.ts';

const SESSION_COOKIE = 'govdx_session';

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
      void reply.setCookie(SESSION_COOKIE, output.sessionToken, {
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
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
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
  for (const action of actions) {
    if (!action.http) continue;
    const { method, path } = action.http;
    const status = action.http.status ?? 200;
    const params = pathParams(path);
    const rest = Type.Omit(action.input, params, { additionalProperties: false });
    const hasRest = Object.keys(rest.properties).length > 0;
    const carriesBody = method === 'POST' || method === 'PATCH' || method === 'PUT';
    const presenter = PRESENTERS[action.name];
    app.route({
      method,
      url: path,
      schema: {
        operationId: action.name,
        summary: action.name,
        description: action.description,
        tags: [action.tag],
        ...(params.length
          ? { params: Type.Pick(action.input, params, { additionalProperties: false }) }
          : {}),
        ...(hasRest ? (carriesBody ? { body: rest } : { querystring: rest }) : {}),
        response: { [status]: presenter?.schema ?? action.output },
      },
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
        const input = {
          ...(hasRest ? ((carriesBody ? request.body : request.query) as object) : {}),
          ...(request.params as object),
        };
        const output = await runAction(services, action, input, {
          actor: request.actor,
          requestId: request.id,
          clientIp: request.ip,
          validateInput: false,
        });
        void reply.status(status);
        return presenter ? presenter.present(output as never, reply, services) : output;
      },
    });
  }
}
