import { Type } from '@sinclair/typebox';
import { defineAction } from '../../core/action.ts';
import { isGovernmentActor } from '../../core/policy.ts';
import { Input } from '../../core/schemas.ts';
import {
  validateValue,
  VALIDATOR_KINDS,
  type ValidationContext,
} from '../../core/validators/index.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { chinaToday } from '../calendar/calendar.ts';
import { changesActions } from './changes.ts';

/**
 * Pre-check for data administrators (issue 4): the validators ingestion applies (GB 11643 citizen ID,
 * GB 32100 credit code, mobile, GB/T 2260 region code, date), on values they paste or upload, before
 * they aggregate a file (R3.3: the provider answers for accuracy).
 */
export async function validationContext(
  db: Kysely<Database>,
  now: Date,
): Promise<ValidationContext> {
  const regions = await db.selectFrom('regions').select('code').execute();
  return { today: chinaToday(now), extraRegions: new Set(regions.map((region) => region.code)) };
}

const validate = defineAction({
  name: 'aggregation.validate',
  description:
    'Check values with an ingestion validator (id-card, credit-code, mobile, region-code, date).',
  tag: 'aggregation',
  input: Input({
    kind: Type.Union(VALIDATOR_KINDS.map((kind) => Type.Literal(kind))),
    values: Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 10000 }),
  }),
  output: Type.Object({
    kind: Type.String(),
    validCount: Type.Integer(),
    invalidCount: Type.Integer(),
    results: Type.Array(
      Type.Object({
        value: Type.String(),
        valid: Type.Boolean(),
        reason: Type.Optional(Type.Object({ zh: Type.String(), en: Type.String() })),
      }),
    ),
  }),
  mutating: false,
  http: { method: 'POST', path: '/validate' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx, input) => {
    const context = await validationContext(ctx.db, ctx.now);
    const results = input.values.map((raw) => {
      const value = raw.trim();
      const reason = validateValue(input.kind, value, context);
      return reason ? { value, valid: false, reason } : { value, valid: true };
    });
    const validCount = results.filter((result) => result.valid).length;
    return { kind: input.kind, validCount, invalidCount: results.length - validCount, results };
  },
});

export const aggregationActions = [validate, ...changesActions];
