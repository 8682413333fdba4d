/** The hospital discharge (udskrivning, sources 000, 001, 003, 004) as one module. */
import { hospitalDischargeCaseType } from '../../../workflows/hospital-discharge/case-type.js';
import type { CaseTypeModule } from '../case-type.js';
import { hospitalDischargeReaction } from './medcom.js';
import { HospitalDischargeDetails, hospitalDischargeOpenSchema, HospitalDischargeStatus } from './contracts.js';
import { assertMayOpenHospitalDischarge, openHospitalDischargeCase } from './intake.js';
import { CARE_PLAN_READERS, HOSPITAL_DISCHARGE_READERS, HOSPITAL_DISCHARGE_SLUG, hospitalDischargeRoutes, TASK_READERS } from './routes.js';

export const hospitalDischarge = {
  ...hospitalDischargeCaseType,
  slug: HOSPITAL_DISCHARGE_SLUG,
  readers: HOSPITAL_DISCHARGE_READERS,
  bedDayKind: 'somatic',
  obligationKinds: ['vulnerability_assessment', 'provider_phone_call', 'follow_up_visit', 'help_follow_up'],
  status: HospitalDischargeStatus,
  details: HospitalDischargeDetails,
  readRoutes: {
    [`GET /cases/:id/${HOSPITAL_DISCHARGE_SLUG}/care-plan`]: { scope: 'case', roles: CARE_PLAN_READERS, citizen: 'age_or_age_band' },
    [`GET /${HOSPITAL_DISCHARGE_SLUG}/tasks`]: { scope: 'list', roles: TASK_READERS, citizen: 'none' },
  },
  intake: {
    body: hospitalDischargeOpenSchema,
    instants: (b) => ({ receivedAt: b.receivedAt, admittedAt: b.admittedAt }),
    authorise: (request) => assertMayOpenHospitalDischarge(request.user!),
    open: (deps, o) => openHospitalDischargeCase(deps, o.caseId, o.citizenId, o.body, o.keyed, o.requestHash),
  },
  hospitalEvents: hospitalDischargeReaction,
  routes: hospitalDischargeRoutes,
} as const satisfies CaseTypeModule;
