/**
 * Case 1 — hospital discharge (udskrivning), sources 000, 001, 003 and 004.
 *
 * The hospital's care plan (plejeforløbsplan) opens the case, routed to SUF (65+) or SOF (under
 * 65) by the API from the citizen's age that day; the workflow only receives the routing result.
 *
 *  1. Local visitation assesses vulnerability — obligation `vulnerability-assessment`, due by the
 *     end of the next working day (Danish public holidays and weekends excluded).
 *  2. Not vulnerable → the plan is accepted and the decision handed to the provider.
 *     Vulnerable → discharge coordination: the coordinator records the conference at the
 *     hospital, then the holistic assessment (helhedsvurdering) and one decision:
 *       - temporary 24-hour stay → a temporary-stay case starts (child workflow, priority
 *         indlagt færdigbehandlet; its workflow id is its own case number);
 *       - more help at home (minutes per week) → handed to the provider; local visitation's
 *         follow-up of the help (`help-follow-up`) is due after discharge;
 *       - home with the existing help → handed to the provider.
 *  3. The hospital reports færdigbehandlet (bed-day counting starts), the actual discharge,
 *     a readmission or a death. A discharge home opens `follow-up-visit`; the case closes when
 *     the follow-ups are recorded. A discharge to a temporary stay closes the case (the
 *     temporary-stay case carries on). Readmission and death close the case, cancel every open
 *     obligation and take the citizen off the temporary-stay list.
 *  4. 003's 14:30 rule: a decision handed to the provider after 14:30 that must start the same
 *     day also raises a "phone the provider" task: obligation `phone-<handover key>`, met when
 *     the task is marked done.
 *
 * Every deadline is an obligation of the case core; the core's clock (`runUntil`) is the only
 * timer and its mirror the only writer of the case row, the obligations and the escalations.
 * The rules themselves are pure functions in state.ts.
 *
 * No CPR number, care-plan content or free text ever enters this workflow: the API stores them
 * in the database keyed by the case id.
 */
import {
  allHandlersFinished,
  type ChildWorkflowHandle,
  condition,
  defineSignal,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { formatLocal, type LocalDate } from '../../domain/calendar.js';
import type { ActorRole, StayPurpose } from '../../domain/rules.js';
import { CaseCore, defaultMessage, run } from '../shared/case-core.js';
import { reserveCaseNumber } from '../shared/case-number.js';
import { caseOpenedUpdate } from '../shared/messages.js';
import { CaseTypeKey } from '../shared/search-attributes.js';
import {
  assessVulnerabilityUpdate,
  decideUpdate,
  diedUpdate,
  dischargedUpdate,
  faerdigbehandletUpdate,
  followUpVisitUpdate,
  helpFollowUpUpdate,
  hospitalDischargeStatusQuery,
  phoneTaskDoneUpdate,
  readmittedUpdate,
  recordConferenceUpdate,
  rerouteUpdate,
  temporaryStayRepointedSignal,
  temporaryStayStartedSignal,
  type Administration,
  type CoordinatorDecision,
  type HospitalDischargeCaseInput,
  type HospitalDischargeOutcome,
  type HospitalDischargeStatus,
} from './messages.js';
import {
  actingRoleOf,
  ASSESSMENT,
  assessed,
  bedDaysEnded,
  bedDaysRunning,
  checkAssessment,
  checkConference,
  checkDeath,
  checkDecision,
  checkDischarge,
  checkFaerdigbehandlet,
  checkFollowUpVisit,
  checkHelpFollowUp,
  checkPhoneTaskDone,
  checkReadmission,
  checkReroute,
  closed,
  conferenceRecorded,
  decided,
  declaredFaerdigbehandlet,
  detailsOf,
  discharged,
  escalationMessage,
  factsOf,
  FOLLOW_UP_VISIT,
  followUpVisitRecorded,
  handedOver,
  handoverTask,
  HELP_FOLLOW_UP,
  helpFollowUpRecorded,
  isClosed,
  mustReviewPriority,
  mustTellTemporaryStay,
  openedState,
  phoneKey,
  phoneMessage,
  providerPhoned,
  providerStartsOn,
  rerouted,
  temporaryStayBegan,
  temporaryStayRepointed,
  temporaryStaySignalled,
  temporaryStayStarted,
  type Handover,
} from './state.js';

/** The temporary-stay case's signal (defined by name: workflows/temporary-stay/messages.ts owns it). */
const citizenUnavailableSignal = defineSignal<[{ reason: 'readmitted' | 'died' | 'no_longer_needed' }]>('citizenUnavailable');
/** The temporary-stay case's signal: review the waiting-list priority (003). */
const priorityReviewSignal = defineSignal<[{ reason: 'discharged_home' }]>('priorityReview');

/** The input of the temporary-stay case this case starts (started by workflow type name). */
interface TemporaryStayStart {
  caseId: string;
  citizenId: string;
  placeType: string;
  purpose: StayPurpose;
  priority: 'indlagt_faerdigbehandlet';
  appliedAt: number;
  originCaseId: string;
  rules: HospitalDischargeCaseInput['rules'];
}

export async function hospitalDischargeCaseWorkflow(input: HospitalDischargeCaseInput): Promise<HospitalDischargeStatus> {
  const { rules } = input;
  let state = openedState(input);
  let recorded = false;
  /** The temporary-stay case this case started (it carries on after a discharge to it). */
  let temporaryStayCase: ChildWorkflowHandle<(input: TemporaryStayStart) => Promise<unknown>> | undefined;

  const core = new CaseCore({
    caseId: input.caseId,
    caseType: 'hospital_discharge',
    rules,
    opening: { type: 'hospital_discharge', citizenId: input.citizenId, workflowId: workflowInfo().workflowId, openedAt: input.receivedAt },
    view: () => ({ step: state.step, details: detailsOf(state), actingRole: actingRoleOf(state.step) }),
    message: (effect) => escalationMessage(state, effect) ?? defaultMessage(effect),
  });

  const status = (): HospitalDischargeStatus => ({
    ...factsOf(state, core.obligations, rules.escalationLocalHour),
    caseNumber: workflowInfo().workflowId,
    ...core.view(),
  });

  /** Answers a handler once the database shows what the answer shows. */
  let ending: Promise<void> | undefined;
  const answer = async (): Promise<HospitalDischargeStatus> => {
    await (ending ?? core.sync());
    return status();
  };

  // --- what the case does -------------------------------------------------------------------

  /** A fact reported for `at` meets its obligation at that instant (not before it opened, not after now). */
  const meetAt = (key: string, at: number) => {
    const ob = core.get(key);
    if (ob) core.meet(key, Math.min(Date.now(), Math.max(at, ob.openedAt)));
  };

  /** The case closes: every open obligation is cancelled, the row closed (awaited by the handler that closed it). */
  const closeCase = (outcome: HospitalDischargeOutcome): Promise<void> => {
    if (!isClosed(state)) state = closed(state, outcome, Date.now());
    ending ??= core.end(state.outcome!, state.closedAt!);
    return ending;
  };

  async function handOver(h: {
    key: string;
    decision: Handover['decision'];
    minutesPerWeek?: number;
    startsOn: LocalDate;
    decidedBy: ActorRole;
  }): Promise<void> {
    const handedAt = Date.now();
    state = handedOver(state, h, handedAt);
    const handover = state.handovers.find((x) => x.key === h.key)!;
    if (handover.phoneProvider) {
      core.open({
        key: phoneKey(h.key),
        kind: 'provider_phone_call',
        dueDay: h.startsOn,
        actor: h.decidedBy,
        now: handedAt,
        params: { decision: h.decision },
      });
    }
    const result = await run(
      'recordProviderHandover',
      `hand the decision (${h.decision}) to the provider, start ${h.startsOn}${handover.phoneProvider ? ' + phone task (14:30 rule)' : ''}`,
      {
        caseId: input.caseId,
        key: h.key,
        decision: h.decision,
        minutesPerWeek: h.minutesPerWeek,
        handedAt,
        startsOn: h.startsOn,
        phoneProvider: handover.phoneProvider,
        recipientRole: h.decidedBy,
        phoneMessage: phoneMessage(handover),
      },
    );
    state = handoverTask(state, h.key, result.taskId);
  }

  async function startTemporaryStay(d: Extract<CoordinatorDecision, { kind: 'temporary_stay' }>, appliedAt: number): Promise<void> {
    const childCaseId = uuid4();
    const caseNumber = await reserveCaseNumber(childCaseId, 'temporary_stay');
    state = temporaryStayStarted(state, childCaseId, caseNumber);
    const args: [TemporaryStayStart] = [
      {
        caseId: childCaseId,
        citizenId: input.citizenId,
        placeType: d.placeType,
        purpose: d.purpose,
        priority: 'indlagt_faerdigbehandlet',
        appliedAt,
        originCaseId: input.caseId,
        rules,
      },
    ];
    temporaryStayCase = await startChild('temporaryStayCaseWorkflow', {
      workflowId: caseNumber,
      args,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [{ key: CaseTypeKey, value: 'temporary_stay' }],
      staticSummary: 'Temporary 24-hour stay (midlertidigt døgnophold) from a hospital discharge',
    });
    // Readmitted or died while the stay was being started: tell it now.
    if (isClosed(state) && (state.outcome === 'readmitted' || state.outcome === 'died') && mustTellTemporaryStay(state)) {
      await tellTemporaryStay(state.outcome);
    }
  }

  /** Takes the citizen off the temporary-stay list (the stay's case frees what it held). */
  async function tellTemporaryStay(reason: 'readmitted' | 'died'): Promise<void> {
    state = temporaryStaySignalled(state, Date.now());
    try {
      await getExternalWorkflowHandle(state.temporaryStay!.workflowId).signal(citizenUnavailableSignal, { reason });
    } catch {
      // The temporary-stay case has already ended: nothing is held any more.
    }
  }

  async function endBedDays(at: number, byDischarge: boolean): Promise<void> {
    if (!bedDaysRunning(state)) return;
    state = bedDaysEnded(state, at);
    await run('recordBedDaysEnded', `bed-days end ${formatLocal(at)} (${byDischarge ? 'discharge' : 'no discharge'})`, {
      caseId: input.caseId,
      endedAt: at,
      endedByDischarge: byDischarge,
    });
  }

  /** Readmission or death: the case closes, bed-days end, a waiting temporary stay is told. */
  async function endAbruptly(outcome: 'readmitted' | 'died', at: number): Promise<HospitalDischargeStatus> {
    const tell = mustTellTemporaryStay(state);
    await Promise.all([closeCase(outcome), endBedDays(at, false), tell ? tellTemporaryStay(outcome) : undefined]);
    return answer();
  }

  // --- handlers -----------------------------------------------------------------------------

  async function onOpened() {
    await condition(() => recorded);
    return { caseId: input.caseId, caseNumber: workflowInfo().workflowId };
  }

  async function onReroute({ to }: { to: Administration }) {
    state = rerouted(state, to, Date.now());
    return answer();
  }

  async function onAssessment({ vulnerable, providerStartsOn: given }: { vulnerable: boolean; providerStartsOn?: LocalDate }) {
    const now = Date.now();
    const startsOn = vulnerable ? undefined : providerStartsOn(state, given, now);
    state = assessed(state, vulnerable, now);
    core.meet(ASSESSMENT, now);
    if (startsOn !== undefined) {
      await Promise.all([handOver({ key: 'handover-plan', decision: 'home_per_plan', startsOn, decidedBy: 'needs_assessor' }), core.sync()]);
    }
    return answer();
  }

  async function onConference({ heldAt }: { heldAt: number }) {
    state = conferenceRecorded(state, heldAt);
    return answer();
  }

  async function onDecision({ decision: d }: { decision: CoordinatorDecision }) {
    const now = Date.now();
    const startsOn = d.kind === 'temporary_stay' ? undefined : providerStartsOn(state, d.providerStartsOn, now);
    state = decided(state, d, now);
    if (d.kind === 'temporary_stay') {
      await Promise.all([startTemporaryStay(d, now), core.sync()]);
    } else {
      const handover = {
        key: 'handover-decision',
        decision: d.kind,
        ...(d.kind === 'more_help_at_home' ? { minutesPerWeek: d.minutesPerWeek } : {}),
        startsOn: startsOn!,
        decidedBy: 'discharge_coordinator' as const,
      };
      await Promise.all([handOver(handover), core.sync()]);
    }
    return answer();
  }

  async function onFaerdigbehandlet({ readyAt }: { readyAt: number }) {
    state = declaredFaerdigbehandlet(state, readyAt);
    await Promise.all([
      core.sync(),
      run('recordBedDaysStarted', `bed-days start (færdigbehandlet ${formatLocal(readyAt)})`, {
        caseId: input.caseId,
        readyAt,
        rules: rules.bedDays,
      }),
    ]);
    return answer();
  }

  async function onDischarged(req: { dischargedAt: number; destination?: 'home' | 'temporary_stay' }) {
    const now = Date.now();
    // a discharge before the temporary stay has a place is a discharge home while waiting (the stay's start discharges to it)
    const stayStartDischarges = state.temporaryStay !== undefined && patched('discharge-before-stay-place');
    state = discharged(state, req, rules, now, stayStartDischarges);
    if (stayStartDischarges && mustReviewPriority(state)) {
      // 003: the priority follows the citizen: the needs assessor reviews it (the stay case opens the obligation)
      try {
        await getExternalWorkflowHandle(state.temporaryStay!.workflowId).signal(priorityReviewSignal, { reason: 'discharged_home' });
      } catch {
        // the temporary-stay case has ended
      }
    }
    // A discharge before any assessment ends the wait for it (met if in time).
    meetAt(ASSESSMENT, req.dischargedAt);
    if (state.followUpVisit) core.open({ key: FOLLOW_UP_VISIT, kind: 'follow_up_visit', dueDay: state.followUpVisit.dueDay, now });
    if (state.helpFollowUp) core.open({ key: HELP_FOLLOW_UP, kind: 'help_follow_up', dueDay: state.helpFollowUp.dueDay, now });
    await Promise.all([endBedDays(req.dischargedAt, true), isClosed(state) ? closeCase(state.outcome!) : core.sync()]);
    return answer();
  }

  async function onFollowUpVisit({ visitedAt }: { visitedAt: number }) {
    state = followUpVisitRecorded(state, visitedAt, Date.now());
    meetAt(FOLLOW_UP_VISIT, visitedAt);
    if (isClosed(state)) await closeCase(state.outcome!);
    return answer();
  }

  async function onHelpFollowUp({ followedUpAt }: { followedUpAt: number }) {
    state = helpFollowUpRecorded(state, followedUpAt, Date.now());
    meetAt(HELP_FOLLOW_UP, followedUpAt);
    if (isClosed(state)) await closeCase(state.outcome!);
    return answer();
  }

  /** The temporary stay started: while still in hospital, that is the discharge to it (bed-days end at the start, the case closes). */
  async function onTemporaryStayStarted({ startedAt }: { startedAt: number }) {
    const wasOpen = !isClosed(state) && state.dischargedAt === undefined;
    state = temporaryStayBegan(state, startedAt, Date.now());
    core.changed();
    if (wasOpen && isClosed(state)) await Promise.all([endBedDays(startedAt, true), closeCase(state.outcome!)]);
  }

  async function onPhoneTaskDone({ key }: { key: string }) {
    const now = Date.now();
    state = providerPhoned(state, key, now);
    core.meet(phoneKey(key), now);
    return answer();
  }

  function registerHandlers(): void {
    setHandler(hospitalDischargeStatusQuery, status);
    setHandler(caseOpenedUpdate, onOpened);
    setHandler(rerouteUpdate, onReroute, { validator: ({ to }) => checkReroute(state, to) });
    setHandler(assessVulnerabilityUpdate, onAssessment, { validator: (req) => checkAssessment(state, req, Date.now()) });
    setHandler(recordConferenceUpdate, onConference, { validator: (_req: { heldAt: number }) => checkConference(state) });
    setHandler(decideUpdate, onDecision, { validator: ({ decision }) => checkDecision(state, decision, Date.now()) });
    setHandler(faerdigbehandletUpdate, onFaerdigbehandlet, { validator: (_req: { readyAt: number }) => checkFaerdigbehandlet(state) });
    setHandler(dischargedUpdate, onDischarged, { validator: (req) => checkDischarge(state, req) });
    setHandler(readmittedUpdate, ({ readmittedAt }) => endAbruptly('readmitted', readmittedAt), {
      validator: ({ readmittedAt }) => checkReadmission(state, readmittedAt),
    });
    setHandler(diedUpdate, ({ diedAt }) => endAbruptly('died', diedAt), { validator: ({ diedAt }) => checkDeath(state, diedAt) });
    setHandler(followUpVisitUpdate, onFollowUpVisit, { validator: ({ visitedAt }) => checkFollowUpVisit(state, visitedAt) });
    setHandler(helpFollowUpUpdate, onHelpFollowUp, { validator: ({ followedUpAt }) => checkHelpFollowUp(state, followedUpAt) });
    setHandler(temporaryStayStartedSignal, onTemporaryStayStarted);
    setHandler(temporaryStayRepointedSignal, ({ caseId, workflowId }) => {
      state = temporaryStayRepointed(state, caseId, workflowId);
      core.changed();
    });
    setHandler(phoneTaskDoneUpdate, onPhoneTaskDone, { validator: ({ key }) => checkPhoneTaskDone(state, key) });
  }

  // --- the case -----------------------------------------------------------------------------

  core.open({ key: ASSESSMENT, kind: 'vulnerability_assessment', dueDay: state.assessmentDueDay, now: input.receivedAt });
  registerHandlers();
  await core.sync(); // the case row, its first obligation and search attributes
  recorded = true;

  await core.runUntil(() => isClosed(state));
  await closeCase(state.outcome!);
  await condition(allHandlersFinished);
  // A temporary stay told to let go (readmission, death) has closed before this case's run ends.
  if (state.temporaryStay?.signalled !== undefined) await temporaryStayCase?.result().catch(() => undefined);
  return status();
}
