/**
 * Complaints (klagesager, 003 "Behandling af klagesager"; retssikkerhedsloven §§ 66–67) as one
 * module: opened by `POST /complaints` (visitation registers it), never through `POST /cases`.
 */
import { complaintCaseType } from '../../../workflows/complaint/case-type.js';
import type { CaseTypeModule } from '../case-type.js';
import { ComplaintDetails, ComplaintStatus } from './contracts.js';
import { COMPLAINT_READERS, COMPLAINT_SLUG, complaintRoutes } from './routes.js';

export const complaint = {
  ...complaintCaseType,
  slug: COMPLAINT_SLUG,
  readers: COMPLAINT_READERS,
  bedDayKind: 'somatic',
  obligationKinds: ['complaint_reconsideration'],
  status: ComplaintStatus,
  details: ComplaintDetails,
  readRoutes: {},
  routes: complaintRoutes,
} as const satisfies CaseTypeModule;
