import type { AnyAction } from '../../core/action.ts';
import { accountActions } from './accounts.ts';
import { agreementActions } from './agreements.ts';
import { applicationActions } from './applications.ts';
import { ckanActions } from './ckan.ts';
import { datasetActions } from './datasets.ts';
import { openCatalogDcat } from './dcat-feed.ts';
import { feedbackActions } from './feedback.ts';
import { meActions } from './me.ts';
import { requestActions } from './requests.ts';
import { showcaseActions } from './showcase.ts';

/** Every action of the open portal (issue 7), in the order OpenAPI lists them. */
export const openActions: readonly AnyAction[] = [
  ...accountActions,
  ...datasetActions,
  openCatalogDcat,
  ...ckanActions,
  ...agreementActions,
  ...applicationActions,
  ...requestActions,
  ...feedbackActions,
  ...showcaseActions,
  ...meActions,
];
