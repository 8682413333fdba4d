/**
 * The nursing-home follow-up (opfølgning efter indflytning i plejebolig, 003 "Plejeboliger"): when
 * a citizen moves into a nursing home without an individual decision the unit can plan from, the
 * needs assessor ensures one about 3–6 weeks after moving in. A case of its own — opened when the
 * move is registered (`POST /nursing-home-follow-ups`) or by the temporary stay that ended with the
 * nursing-home place found — because the stay it may come from has ended by then.
 *
 *   awaiting_decision ──(decision recorded | closed: decision made at moving in, died, moved out)──▶ closed
 *
 * Its one obligation, `individual-decision` (kind `nursing_home_decision`), is the needs
 * assessor's: at risk from 00:00 of week 3 after the moving-in day, due by the end of week 6,
 * escalating overnight to the visitation team lead; the decision meets it (late after the
 * escalation) and the case closes.
 */
import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { formatLocal } from '../../domain/calendar.js';
import { CaseCore } from '../shared/case-core.js';
import { caseOpenedUpdate } from '../shared/messages.js';
import { nursingHomeFollowUpCaseType } from './case-type.js';
import {
  closeNursingHomeFollowUpUpdate,
  nursingHomeDecisionUpdate,
  nursingHomeFollowUpStatusQuery,
  type FollowUpCloseReason,
  type NursingHomeFollowUpInput,
  type NursingHomeFollowUpStatus,
} from './messages.js';
import { DECISION_KEY, followUpDates } from './state.js';

export type { NursingHomeFollowUpInput, NursingHomeFollowUpStatus } from './messages.js';

export async function nursingHomeFollowUpWorkflow(input: NursingHomeFollowUpInput): Promise<NursingHomeFollowUpStatus> {
  const openedAt = Date.now();
  const dates = followUpDates(input.movedInDay, input.rules);
  let outcome: NursingHomeFollowUpStatus['outcome'];
  let decidedAt: number | undefined;
  let opened = false;
  let closed = false;
  const step = () => (outcome === undefined ? 'awaiting_decision' : 'closed');
  const core: CaseCore = new CaseCore({
    caseId: input.caseId,
    caseType: nursingHomeFollowUpCaseType.name,
    rules: input.rules,
    view: () => ({
      step: step(),
      details: { movedInDay: input.movedInDay, decisionDueDay: dates.dueDay, ...(input.origin ? { originCaseNumber: input.origin.caseNumber } : {}) },
      actingRole: 'needs_assessor',
    }),
    opening: { type: nursingHomeFollowUpCaseType.name, citizenId: input.citizenId, workflowId: workflowInfo().workflowId, openedAt },
  });
  const status = (): NursingHomeFollowUpStatus => ({
    caseId: input.caseId,
    caseNumber: workflowInfo().workflowId,
    step: step(),
    movedInDay: input.movedInDay,
    atRiskDay: dates.atRiskDay,
    decisionDueDay: dates.dueDay,
    ...(input.origin ? { origin: input.origin } : {}),
    ...(decidedAt !== undefined ? { decidedAt: formatLocal(decidedAt) } : {}),
    ...(outcome !== undefined ? { outcome } : {}),
    ...core.view(),
  });
  const refuseWhenClosed = () => {
    if (outcome !== undefined) throw new Error(`the follow-up is closed (${outcome})`);
  };
  setHandler(nursingHomeFollowUpStatusQuery, status);
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => opened);
    return { caseId: input.caseId, caseNumber: workflowInfo().workflowId };
  });
  setHandler(
    nursingHomeDecisionUpdate,
    async () => {
      const at = Date.now();
      const ob = core.meet(DECISION_KEY, at);
      decidedAt = at;
      outcome = 'decision_recorded';
      await condition(() => closed);
      return { key: DECISION_KEY, late: ob?.state === 'met_late', at };
    },
    { validator: (_a: {}) => refuseWhenClosed() },
  );
  setHandler(
    closeNursingHomeFollowUpUpdate,
    async ({ reason }: { reason: FollowUpCloseReason }) => {
      core.cancel(DECISION_KEY);
      outcome = reason;
      await condition(() => closed);
      return status();
    },
    { validator: (_a: { reason: FollowUpCloseReason }) => refuseWhenClosed() },
  );
  core.open({ key: DECISION_KEY, kind: 'nursing_home_decision', dueDay: dates.dueDay, atRiskAt: dates.atRiskAt, now: openedAt, params: { movedInDay: input.movedInDay } });
  await core.sync();
  opened = true;
  await core.runUntil(() => outcome !== undefined, 'individual decision');
  await core.end(outcome!);
  closed = true;
  await condition(allHandlersFinished);
  return status();
}
