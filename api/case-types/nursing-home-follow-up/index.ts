/**
 * The nursing-home follow-up (opfølgning efter indflytning i plejebolig, 003) as one module: opened
 * by `POST /nursing-home-follow-ups` (the move registered) or by a temporary stay that ended with
 * the nursing-home place found (a child case) — never through `POST /cases`.
 */
import { nursingHomeFollowUpCaseType } from '../../../workflows/nursing-home-follow-up/case-type.js';
import type { CaseTypeModule } from '../case-type.js';
import { NursingHomeFollowUpDetails, NursingHomeFollowUpStatus } from './contracts.js';
import { NURSING_HOME_FOLLOW_UP_READERS, NURSING_HOME_FOLLOW_UP_SLUG, nursingHomeFollowUpRoutes } from './routes.js';

export const nursingHomeFollowUp = {
  ...nursingHomeFollowUpCaseType,
  slug: NURSING_HOME_FOLLOW_UP_SLUG,
  readers: NURSING_HOME_FOLLOW_UP_READERS,
  bedDayKind: 'somatic',
  obligationKinds: ['nursing_home_decision'],
  status: NursingHomeFollowUpStatus,
  details: NursingHomeFollowUpDetails,
  readRoutes: {},
  routes: nursingHomeFollowUpRoutes,
} as const satisfies CaseTypeModule;
