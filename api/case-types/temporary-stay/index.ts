/** The temporary 24-hour stay (midlertidigt døgnophold) with its waiting list as one module. */
import { z } from 'zod';
import { temporaryStayCaseType } from '../../../workflows/temporary-stay/case-type.js';
import { temporaryStayRoutes } from '../../routes/temporary-stay.js';
import type { CaseTypeModule } from '../case-type.js';

const STAY_READERS = ['needs_assessor', 'housing_team_lead', 'supervisor'] as const;

export const temporaryStay = {
  ...temporaryStayCaseType,
  slug: 'temporary-stay',
  readers: { needs_assessor: 'cpr', housing_team_lead: 'cpr', discharge_coordinator: 'age_band', visitation_team_lead: 'age_band', supervisor: 'age_band' },
  bedDayKind: 'somatic',
  obligationKinds: ['offer_reply', 'stay_reassessment', 'priority_review'],
  status: z.looseObject({}),
  details: z.looseObject({}),
  readRoutes: {
    'GET /temporary-stays/:id': { scope: 'case', roles: STAY_READERS, citizen: 'none' },
    'GET /waiting-list': { scope: 'list', roles: STAY_READERS, citizen: 'none' },
    'GET /places': { scope: 'list', roles: STAY_READERS, citizen: 'none' },
  },
  routes: temporaryStayRoutes,
} as const satisfies CaseTypeModule;
