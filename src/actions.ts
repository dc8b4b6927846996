import type { AnyAction } from './core/action.ts';
import { aggregationActions } from './modules/aggregation/validate.ts';
import { ingestActions } from './modules/aggregation/ingest/actions.ts';
import { qualityActions } from './modules/aggregation/quality.ts';
import { auditActions } from './modules/audit/actions.ts';
import { ledgerActions } from './modules/ledger/actions.ts';
import { authActions } from './modules/auth/actions.ts';
import { calendarActions } from './modules/calendar/actions.ts';
import { catalogActions } from './modules/catalog/actions.ts';
import { exchangeActions } from './modules/catalog/exchange.ts';
import { orgActions } from './modules/orgs/actions.ts';
import { openActions } from './modules/open/index.ts';
import { problemActions } from './modules/problems/actions.ts';
import { regionActions } from './modules/regions/actions.ts';
import { dataApiActions } from './modules/sharing/data-api.ts';
import { disputeActions } from './modules/sharing/disputes.ts';
import { emergencyActions } from './modules/sharing/emergencies.ts';
import { grantActions } from './modules/sharing/grants.ts';
import { requestActions } from './modules/sharing/requests.ts';
import { scenarioActions } from './modules/sharing/scenarios.ts';
import { usageActions } from './modules/sharing/usage.ts';
import { tokenActions } from './modules/tokens/actions.ts';
import { userActions } from './modules/users/actions.ts';

/** Every action of the platform. A new capability adds its module's list here, and nowhere else. */
export const ACTIONS: readonly AnyAction[] = [
  ...authActions,
  ...regionActions,
  ...orgActions,
  ...userActions,
  ...tokenActions,
  ...calendarActions,
  ...auditActions,
  ...catalogActions,
  ...exchangeActions,
  ...aggregationActions,
  ...ingestActions,
  ...qualityActions,
  ...problemActions,
  ...grantActions,
  ...dataApiActions,
  ...requestActions,
  ...disputeActions,
  ...scenarioActions,
  ...emergencyActions,
  ...usageActions,
  ...ledgerActions,
  ...openActions,
];

const BY_NAME = new Map(ACTIONS.map((action) => [action.name, action]));

export function getAction(name: string): AnyAction {
  const action = BY_NAME.get(name);
  if (!action) throw new Error(`unknown action ${name}`);
  return action;
}
