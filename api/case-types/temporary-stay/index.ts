/** The temporary 24-hour stay (midlertidigt døgnophold, source 003) with its waiting list as one module. */
import { temporaryStayCaseType } from '../../../workflows/temporary-stay/case-type.js';
import type { CaseTypeModule } from '../case-type.js';
import { temporaryStayReaction } from './medcom.js';
import { TemporaryStayDetails, TemporaryStayStatus } from './contracts.js';
import { STAY_READERS, TEMPORARY_STAY_SLUG, temporaryStayRoutes } from './routes.js';

/**
 * The case type opens through its own route (`POST /temporary-stays`, the application), not
 * through `POST /cases`: it has no `intake`.
 */
export const temporaryStay = {
  ...temporaryStayCaseType,
  slug: TEMPORARY_STAY_SLUG,
  readers: { needs_assessor: 'cpr', housing_team_lead: 'cpr', discharge_coordinator: 'age_band', visitation_team_lead: 'age_band', supervisor: 'age_band' },
  bedDayKind: 'somatic',
  obligationKinds: ['offer_reply', 'stay_reassessment', 'priority_review'],
  status: TemporaryStayStatus,
  details: TemporaryStayDetails,
  readRoutes: {
    'GET /temporary-stays/:id': { scope: 'case', roles: STAY_READERS, citizen: 'none' },
    'GET /waiting-list': { scope: 'list', roles: STAY_READERS, citizen: 'none' },
    'GET /places': { scope: 'list', roles: STAY_READERS, citizen: 'none' },
  },
  hospitalEvents: temporaryStayReaction,
  routes: temporaryStayRoutes,
} as const satisfies CaseTypeModule;
