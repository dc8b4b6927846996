import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defineAction } from '../../core/action.ts';
import { RawResultSchema, type RawResult } from '../../core/files.ts';
import { runAction } from '../../core/run-action.ts';
import type { Services } from '../../core/services.ts';
import { Input } from '../../core/schemas.ts';
import { errorBody, toAppError } from '../../http/errors.ts';
import type { PageView } from '../catalog/dcat.ts';
import { dcatDocument, liveEntries, resolveRegion } from '../catalog/exchange.ts';

/**
 * The open catalog as DCAT-AP 3 for harvesters (issue 7, from the catalog issue's export):
 * `/catalog.jsonld` and `/catalog.ttl`, 100 datasets a page (`?page=N`), each page linking the
 * others with Hydra's PartialCollectionView. Only the open catalog: closed entries never appear.
 */
export const DCAT_PAGE_SIZE = 100;

const MEDIA = {
  jsonld: 'application/ld+json; charset=utf-8',
  ttl: 'text/turtle; charset=utf-8',
} as const;

export const openCatalogDcat = defineAction({
  name: 'open.catalog.dcat',
  description:
    'The open catalog as DCAT-AP 3 (JSON-LD or Turtle), paged for harvesters (served at /catalog.jsonld and /catalog.ttl).',
  tag: 'open-data',
  input: Input({
    format: Type.Union([Type.Literal('jsonld'), Type.Literal('ttl')]),
    page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  }),
  output: RawResultSchema,
  mutating: false,
  policy: () => true,
  handler: async (ctx, input): Promise<RawResult> => {
    const region = await resolveRegion(ctx, undefined);
    if (!region) throw new Error('no region: the platform has not been set up');
    const total = await ctx.db
      .selectFrom('resources')
      .innerJoin('resource_versions', (join) =>
        join
          .onRef('resource_versions.resource_id', '=', 'resources.id')
          .onRef('resource_versions.version', '=', 'resources.live_version'),
      )
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('resource_versions.status', '=', 'published')
      .where('resource_versions.open_class', '!=', 'none')
      .executeTakeFirstOrThrow();
    const totalItems = Number(total.count);
    const lastPage = Math.max(1, Math.ceil(totalItems / DCAT_PAGE_SIZE));
    const entries = await liveEntries(ctx, 'open', region, undefined, {
      limit: DCAT_PAGE_SIZE,
      offset: (input.page - 1) * DCAT_PAGE_SIZE,
    });
    const url = (page: number) =>
      `${ctx.services.config.publicUrl}/catalog.${input.format}?page=${page}`;
    const view: PageView = {
      page: url(input.page),
      first: url(1),
      last: url(lastPage),
      ...(input.page < lastPage ? { next: url(input.page + 1) } : {}),
      ...(input.page > 1 ? { previous: url(input.page - 1) } : {}),
      totalItems,
      itemsPerPage: DCAT_PAGE_SIZE,
    };
    const body = await dcatDocument(
      ctx,
      input.format === 'jsonld' ? 'dcat-jsonld' : 'dcat-ttl',
      region,
      entries,
      view,
    );
    const links = [
      `<${view.first}>; rel="first"`,
      `<${view.last}>; rel="last"`,
      ...(view.next ? [`<${view.next}>; rel="next"`] : []),
      ...(view.previous ? [`<${view.previous}>; rel="prev"`] : []),
    ];
    return {
      raw: {
        contentType: MEDIA[input.format],
        body,
        headers: { link: links.join(', '), 'cache-control': 'public, max-age=60' },
      },
    };
  },
});

export function registerDcatRoutes(app: FastifyInstance, services: Services): void {
  for (const format of ['jsonld', 'ttl'] as const) {
    app.get(
      `/catalog.${format}`,
      { schema: { hide: true } },
      async (request: FastifyRequest, reply: FastifyReply) => {
        try {
          const { page } = request.query as { page?: string };
          const result = (await runAction(
            services,
            openCatalogDcat,
            { format, ...(page === undefined ? {} : { page }) },
            { actor: request.actor, requestId: request.id, clientIp: request.ip },
          )) as RawResult;
          return reply
            .headers(result.raw.headers)
            .type(result.raw.contentType)
            .send(result.raw.body);
        } catch (error) {
          const appError = toAppError(error);
          if (appError.code === 'INTERNAL') request.log.error({ err: error }, 'DCAT feed failed');
          return reply.status(appError.status).send(errorBody(appError, request));
        }
      },
    );
  }
}
