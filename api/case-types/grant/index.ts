/**
 * The grant to a provider (bevilling) as one module: opened by the needs assessor (`POST /grants`)
 * or as the child of a hospital discharge's "more help at home" and a stay's "home with help";
 * never through `POST /cases`.
 */
import { grantCaseType } from '../../../workflows/grant/case-type.js';
import type { CaseTypeModule } from '../case-type.js';
import { GrantDetails, GrantStatus } from './contracts.js';
import { GRANT_READERS, GRANT_SLUG, grantRoutes, mayReadGrant } from './routes.js';

export const grant = {
  ...grantCaseType,
  slug: GRANT_SLUG,
  readers: GRANT_READERS,
  bedDayKind: 'somatic',
  // it also opens `provider_phone_call`: the hand-over rule's kind (domain/handover.ts), listed with the hospital discharge that first had it
  obligationKinds: ['grant_expiry', 'grant_reassessment'],
  status: GrantStatus,
  details: GrantDetails,
  mayRead: mayReadGrant,
  readRoutes: {
    'GET /cases/:id/grant': { scope: 'case', roles: ['needs_assessor', 'visitation_team_lead', 'supervisor', 'provider'], citizen: 'none' },
  },
  routes: grantRoutes,
} as const satisfies CaseTypeModule;
