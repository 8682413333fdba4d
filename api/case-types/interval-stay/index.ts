/**
 * A booked interval stay (intervalophold, 003) as one module: opened by the booking
 * (`POST /interval-bookings`), never through `POST /cases`.
 */
import { intervalStayCaseType } from '../../../workflows/interval-stay/case-type.js';
import type { CaseTypeModule } from '../case-type.js';
import { IntervalStayDetails, IntervalStayStatus } from './contracts.js';
import { INTERVAL_STAY_READERS, INTERVAL_STAY_SLUG, intervalStayRoutes } from './routes.js';

export const intervalStay = {
  ...intervalStayCaseType,
  slug: INTERVAL_STAY_SLUG,
  readers: INTERVAL_STAY_READERS,
  bedDayKind: 'somatic',
  obligationKinds: ['interval_arrival', 'interval_end'],
  status: IntervalStayStatus,
  details: IntervalStayDetails,
  readRoutes: {},
  routes: intervalStayRoutes,
} as const satisfies CaseTypeModule;
