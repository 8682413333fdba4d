/** The hospital discharge (udskrivning) as one module. */
import { z } from 'zod';
import { hospitalDischargeCaseType } from '../../../workflows/hospital-discharge/case-type.js';
import { assertMayOpenHospitalDischarge, hospitalDischargeOpenSchema, hospitalDischargeRoutes, openHospitalDischargeCase } from '../../routes/hospital-discharge.js';
import type { CaseTypeModule } from '../case-type.js';

export const hospitalDischarge = {
  ...hospitalDischargeCaseType,
  slug: 'hospital-discharge',
  readers: { needs_assessor: 'cpr', discharge_coordinator: 'cpr', visitation_team_lead: 'age_band', supervisor: 'age_band' },
  bedDayKind: 'somatic',
  obligationKinds: ['vulnerability_assessment', 'provider_phone_call', 'follow_up_visit', 'help_follow_up'],
  status: z.looseObject({}),
  details: z.looseObject({}),
  readRoutes: {
    'GET /cases/:id/hospital-discharge/care-plan': { scope: 'case', roles: ['needs_assessor', 'discharge_coordinator'], citizen: 'age_or_age_band' },
    'GET /hospital-discharge/tasks': { scope: 'list', roles: ['needs_assessor', 'discharge_coordinator', 'supervisor'], citizen: 'none' },
  },
  intake: {
    body: hospitalDischargeOpenSchema,
    instants: (b) => ({ receivedAt: b.receivedAt, admittedAt: b.admittedAt }),
    authorise: (request) => assertMayOpenHospitalDischarge(request.user!),
    open: (deps, o) => openHospitalDischargeCase(deps, o.caseId, o.citizenId, o.body, o.keyed),
  },
  routes: hospitalDischargeRoutes,
} as const satisfies CaseTypeModule;
