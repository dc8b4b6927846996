import type { Kysely } from 'kysely';
import type { Actor } from '../../core/actor.ts';
import { invalidFields, text, type LocalizedText } from '../../core/errors.ts';
import { ACTING_ROLES } from '../../core/policy.ts';
import type { Database } from '../../db/schema.ts';
import { findOrgByCode } from './actions.ts';

/**
 * The organisation a caller acts for (reports a problem, files a share request ...): its token's;
 * a user's one acting organisation, or the one of its organisations it names; for the CLI, the one
 * it names. `field` is the input that names it, for the error.
 */
export async function actingOrg(
  db: Kysely<Database>,
  actor: Actor,
  orgCode: string | undefined,
  field: string,
  messages: { choose: LocalizedText; missing: LocalizedText } = {
    choose: text('请选择以本人所属的哪个机构的名义办理', 'name which of your organisations acts'),
    missing: text('请填写机构代码', 'give the organisation code'),
  },
): Promise<{ id: string; code: string }> {
  if (actor.type === 'token') return { id: actor.orgId, code: actor.orgCode };
  if (actor.type === 'user') {
    const orgs = new Map(
      actor.memberships
        .filter((m) => ACTING_ROLES.includes(m.role))
        .map((m) => [m.orgCode, { id: m.orgId, code: m.orgCode }]),
    );
    if (orgCode) {
      const org = orgs.get(orgCode);
      if (org) return org;
    } else if (orgs.size === 1) {
      return [...orgs.values()][0] as { id: string; code: string };
    }
    throw invalidFields({ [field]: messages.choose });
  }
  const org = orgCode ? await findOrgByCode(db, orgCode) : undefined;
  if (!org) throw invalidFields({ [field]: messages.missing });
  return { id: org.id, code: org.code };
}
