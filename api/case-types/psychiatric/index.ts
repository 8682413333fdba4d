/** The psychiatric ready-for-discharge case (færdigmelding, source 002) as one module. */
import type { z } from 'zod';
import type { Db } from '../../../db/client.js';
import { isUuid } from '../../../domain/ids.js';
import { externalProviderName, wardIdFor, wardName } from '../../../db/queries/psychiatric.js';
import { psychiatricCaseType } from '../../../workflows/psychiatric/case-type.js';
import { psychiatricCaseWorkflow } from '../../../workflows/psychiatric/workflow.js';
import type { ApiDeps } from '../../context.js';
import { startCase } from '../../decisions.js';
import { conflict } from '../../errors.js';
import type { CitizenView } from '../../need-to-know.js';
import type { CaseTypeModule } from '../case-type.js';
import { psychiatricReaction } from './medcom.js';
import { OpenPsychiatricCase, PsychiatricDetails, PsychiatricStatus } from './contracts.js';
import { PSYCHIATRIC_READERS, PSYCHIATRIC_SLUG, psychiatricRoutes, RECORD_READERS } from './routes.js';

/**
 * One open psychiatric case per citizen (002: the case runs from the first notice of an admission
 * to the discharge; one færdigmelding per admission). A second notice of a kind the open case
 * already has is the same notice again: re-pointed to the open case (200, recorded there in its
 * audit, no second case, no second bed-day period or 12-week clock). The other kind is news for
 * the open case (a færdigmelding starts its bed-days): refused with 409 naming the case and the
 * route that records it, so it is neither dropped nor opened twice.
 */
function oneOpen(notice: string) {
  return (open: { caseId: string; caseNumber: string; details: Record<string, unknown> }) => {
    const notices = Array.isArray(open.details.notices) ? open.details.notices : [open.details.notice];
    if (notices.includes(notice)) return;
    throw conflict(
      `the citizen already has an open psychiatric case (${open.caseNumber}) without a ${notice}: send it to POST /cases/${open.caseId}/${PSYCHIATRIC_SLUG}/notices`,
    );
  };
}

/** Opens the case: the ward goes to the workflow as its registry id, never its name (a name can reveal a diagnosis). */
async function open(deps: ApiDeps, o: { caseId: string; citizenId: string; body: z.output<typeof OpenPsychiatricCase>; requestHash?: string }) {
  const { caseId, citizenId, body } = o;
  return startCase(deps, {
    caseId,
    citizenId,
    ...(o.requestHash ? { requestHash: o.requestHash } : {}),
    oneOpen: oneOpen(body.notice),
    caseType: psychiatricCaseType,
    workflow: psychiatricCaseWorkflow,
    args: [
      {
        caseId,
        citizenId,
        notice: body.notice,
        receivedAt: Date.parse(body.receivedAt),
        readyAt: body.readyAt ? Date.parse(body.readyAt) : undefined,
        ward: await wardIdFor(deps.database.db, body.ward),
        rules: deps.rules,
      },
    ],
    summary: 'Psychiatric ready-for-discharge case (færdigmelding)',
  });
}

/** `details.ward` (and an external placement's provider) is a registry id: readers who see the CPR also see the name. */
async function showDetails(db: Db, details: unknown, view: CitizenView): Promise<unknown> {
  const d = details as Record<string, unknown> | null;
  if (!d || typeof d.ward !== 'string') return details;
  // a case opened before the ward registry holds the ward's name itself: only for those who see the CPR
  if (!isUuid(d.ward)) return view === 'cpr' ? details : Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'ward'));
  const { ward, ...rest } = d;
  const placement = rest.placement as { kind?: string; providerId?: string | null } | null | undefined;
  if (view === 'cpr' && placement?.kind === 'external' && placement.providerId) {
    rest.placement = { ...placement, provider: (await externalProviderName(db, placement.providerId)) ?? null };
  }
  return { ...rest, wardId: ward, ...(view === 'cpr' ? { ward: (await wardName(db, ward)) ?? null } : {}) };
}

/** A placement decided before the provider registry carries the provider's name: only for those who see the CPR. */
function showStatus(status: unknown, view: CitizenView): unknown {
  const placement = (status as { placement?: { provider?: string } } | null)?.placement;
  if (view === 'cpr' || !placement?.provider) return status;
  const { provider: _provider, ...rest } = placement;
  return { ...(status as object), placement: rest };
}

export const psychiatric = {
  ...psychiatricCaseType,
  slug: PSYCHIATRIC_SLUG,
  readers: PSYCHIATRIC_READERS,
  bedDayKind: 'psychiatric',
  obligationKinds: ['psychiatric_case_deadline', 'psychiatric_status_meeting', 'psychiatric_chief_level'],
  status: PsychiatricStatus,
  details: PsychiatricDetails,
  showDetails,
  showStatus,
  readRoutes: {
    [`GET /cases/:id/${PSYCHIATRIC_SLUG}/records`]: { scope: 'case', roles: RECORD_READERS, citizen: 'none' },
  },
  intake: {
    body: OpenPsychiatricCase,
    instants: (b) => ({ receivedAt: b.receivedAt, readyAt: b.readyAt }),
    open,
  },
  hospitalEvents: psychiatricReaction,
  routes: psychiatricRoutes,
} as const satisfies CaseTypeModule;
