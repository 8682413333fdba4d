/**
 * Case 1 — hospital discharge (udskrivning), sources 000, 001, 003 and 004.
 *
 * The hospital's care plan (plejeforløbsplan) opens the case, routed to SUF (65+) or SOF (under
 * 65) by the API from the citizen's age that day; the workflow only receives the routing result.
 *
 *  1. Local visitation assesses vulnerability — due by the end of the next working day (Danish
 *     public holidays and weekends excluded); missed → an escalation overnight to the team.
 *  2. Not vulnerable → the plan is accepted and the decision handed to the provider.
 *     Vulnerable → discharge coordination: the coordinator records the conference at the
 *     hospital, then the holistic assessment (helhedsvurdering) and one decision:
 *       - temporary 24-hour stay → a temporary-stay case starts (child workflow, priority
 *         indlagt færdigbehandlet);
 *       - more help at home (minutes per week) → handed to the provider; local visitation's
 *         follow-up of the help is due after discharge;
 *       - home with the existing help → handed to the provider.
 *  3. The hospital reports færdigbehandlet (bed-day counting starts), the actual discharge,
 *     a readmission or a death. A discharge home starts the follow-up home visit (opfølgende
 *     hjemmebesøg) deadline; the case closes when the follow-ups are recorded. A discharge to a
 *     temporary stay closes the case (the temporary-stay case carries on). Readmission and
 *     death close the case and every timer, and take the citizen off the temporary-stay list.
 *  4. 003's 14:30 rule: a decision handed to the provider after 14:30 that must start the same
 *     day also raises a "phone the provider" task.
 *
 * No CPR number, care-plan content or free text ever enters this workflow: the API stores them
 * in the database keyed by the case id.
 */
import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { addDays, formatLocal, localDate, localInstant, nextWorkingDay, overnightAfter, type LocalDate } from './calendar.js';
import { PROVIDER_PHONE_CUTOFF, SUF_AGE, type RuleSet, type StayPurpose } from './rules.js';
import { acts, CaseTypeKey, caseWorkflowId, showDeadlineDay, showStep, untilInstant } from './shared.js';
import { citizenUnavailableSignal, temporaryStayCaseWorkflow } from './temporary-stay.js';

/** SUF = Sundheds- og Omsorgsforvaltningen (65+); SOF = Socialforvaltningen (under 65). */
export type Administration = 'SUF' | 'SOF';

/** 004: route by age on the day the care plan arrives — 65 or older → SUF, under 65 → SOF. */
export function routeByAge(age: number): Administration {
  return age >= SUF_AGE ? 'SUF' : 'SOF';
}

export type HospitalDischargeStep =
  | 'awaiting_vulnerability_assessment'
  | 'awaiting_conference'
  | 'awaiting_decision'
  | 'awaiting_discharge'
  | 'follow_up'
  | 'closed';

export type DecisionKind = 'home_per_plan' | 'temporary_stay' | 'more_help_at_home' | 'home_with_existing_help';

export type CoordinatorDecision =
  | { kind: 'temporary_stay'; placeType: string; purpose: StayPurpose }
  | { kind: 'more_help_at_home'; minutesPerWeek: number; providerStartsOn?: LocalDate }
  | { kind: 'home_with_existing_help'; providerStartsOn?: LocalDate };

export type HospitalDischargeOutcome = 'discharged_home' | 'discharged_to_temporary_stay' | 'readmitted' | 'died';

export interface HospitalDischargeCaseInput {
  caseId: string;
  /** Pseudonymous citizen id (the CPR stays in the database). */
  citizenId: string;
  /** When the care plan was received (epoch ms). */
  receivedAt: number;
  /** The care plan's expected discharge date (Copenhagen date), the default start of help. */
  expectedDischargeDay?: LocalDate;
  /** Routing result at intake (by age on the day of receipt). */
  administration: Administration;
  rules: RuleSet;
}

export interface DeadlineStatus {
  dueDay: LocalDate;
  /** When the overnight escalation fires if the step is still missing. */
  escalationAt: string;
  escalatedAt?: string;
  doneAt?: string;
}

export interface HandoverStatus {
  key: string;
  decision: DecisionKind;
  handedAt: string;
  startsOn: LocalDate;
  phoneProvider: boolean;
  taskId?: string;
}

export interface HospitalDischargeStatus {
  caseId: string;
  step: HospitalDischargeStep;
  administration: Administration;
  reroutes: { from: Administration; to: Administration; at: string }[];
  receivedDay: LocalDate;
  expectedDischargeDay?: LocalDate;
  vulnerabilityAssessment: DeadlineStatus & { vulnerable?: boolean };
  conferenceHeldAt?: string;
  decision?: { kind: DecisionKind; decidedAt: string; minutesPerWeek?: number; placeType?: string };
  temporaryStay?: { caseId: string; workflowId: string; signalled?: string };
  handovers: HandoverStatus[];
  faerdigbehandletAt?: string;
  bedDaysEndedAt?: string;
  dischargedAt?: string;
  dischargedTo?: 'home' | 'temporary_stay';
  followUpVisit?: DeadlineStatus;
  helpFollowUp?: DeadlineStatus;
  closed: boolean;
  closedAt?: string;
  outcome?: HospitalDischargeOutcome;
}

// --- messages -----------------------------------------------------------------------------

export const hospitalDischargeStatusQuery = defineQuery<HospitalDischargeStatus>('status');
/** Resolves once the case row is in the database. */
export const hospitalCaseOpenedUpdate = defineUpdate<{ caseId: string }>('awaitOpened');
export const rerouteUpdate = defineUpdate<HospitalDischargeStatus, [{ to: Administration }]>('reroute');
export const assessVulnerabilityUpdate = defineUpdate<
  HospitalDischargeStatus,
  [{ vulnerable: boolean; providerStartsOn?: LocalDate }]
>('assessVulnerability');
export const recordConferenceUpdate = defineUpdate<HospitalDischargeStatus, [{ heldAt: number }]>('recordConference');
export const decideUpdate = defineUpdate<HospitalDischargeStatus, [{ decision: CoordinatorDecision }]>('decide');
export const faerdigbehandletUpdate = defineUpdate<HospitalDischargeStatus, [{ readyAt: number }]>('faerdigbehandlet');
export const dischargedUpdate = defineUpdate<
  HospitalDischargeStatus,
  [{ dischargedAt: number; destination?: 'home' | 'temporary_stay' }]
>('discharged');
export const readmittedUpdate = defineUpdate<HospitalDischargeStatus, [{ readmittedAt: number }]>('readmitted');
export const diedUpdate = defineUpdate<HospitalDischargeStatus, [{ diedAt: number }]>('died');
export const followUpVisitUpdate = defineUpdate<HospitalDischargeStatus, [{ visitedAt: number }]>('followUpVisit');
export const helpFollowUpUpdate = defineUpdate<HospitalDischargeStatus, [{ followedUpAt: number }]>('helpFollowUp');

/** 003: handed after 14:30 Copenhagen time on the day the provider must start → phone as well. */
export function mustPhoneProvider(handedAt: number, startsOn: LocalDate): boolean {
  return (
    localDate(handedAt) === startsOn &&
    handedAt > localInstant(startsOn, PROVIDER_PHONE_CUTOFF.hour, PROVIDER_PHONE_CUTOFF.minute)
  );
}

/** The `n`th working day after `day` (n ≥ 1). */
export function workingDaysAfter(day: LocalDate, n: number): LocalDate {
  let d = day;
  for (let i = 0; i < Math.max(1, n); i++) d = nextWorkingDay(d);
  return d;
}

const refuse = (message: string): never => {
  throw new Error(message);
};

export async function hospitalDischargeCaseWorkflow(input: HospitalDischargeCaseInput): Promise<HospitalDischargeStatus> {
  const { rules } = input;
  const receivedDay = localDate(input.receivedAt);
  const assessmentDueDay = workingDaysAfter(receivedDay, rules.vulnerabilityAssessmentWorkingDays);
  const assessmentEscalationAt = overnightAfter(assessmentDueDay, rules.escalationLocalHour);

  let step: HospitalDischargeStep = 'awaiting_vulnerability_assessment';
  let administration = input.administration;
  const reroutes: HospitalDischargeStatus['reroutes'] = [];
  let recorded = false;

  let vulnerable: boolean | undefined;
  let assessedAt: number | undefined;
  let conferenceHeldAt: number | undefined;
  let decision: { kind: DecisionKind; decidedAt: number; minutesPerWeek?: number; placeType?: string } | undefined;
  let temporaryStay: { caseId: string; workflowId: string; signalled?: number } | undefined;
  const handovers: HandoverStatus[] = [];
  let faerdigbehandletAt: number | undefined;
  let bedDaysEndedAt: number | undefined;
  let dischargedAt: number | undefined;
  let dischargedTo: 'home' | 'temporary_stay' | undefined;
  let followUpVisit: { dueDay: LocalDate; escalationAt: number; escalatedAt?: number; doneAt?: number } | undefined;
  let helpFollowUp: { dueDay: LocalDate; escalationAt: number; escalatedAt?: number; doneAt?: number } | undefined;
  let closedAt: number | undefined;
  let outcome: HospitalDischargeOutcome | undefined;
  const closed = () => outcome !== undefined;

  const deadline = (d: { dueDay: LocalDate; escalationAt: number; escalatedAt?: number; doneAt?: number }): DeadlineStatus => ({
    dueDay: d.dueDay,
    escalationAt: formatLocal(d.escalationAt),
    escalatedAt: d.escalatedAt === undefined ? undefined : formatLocal(d.escalatedAt),
    doneAt: d.doneAt === undefined ? undefined : formatLocal(d.doneAt),
  });
  const fmt = (t: number | undefined) => (t === undefined ? undefined : formatLocal(t));

  const status = (): HospitalDischargeStatus => ({
    caseId: input.caseId,
    step,
    administration,
    reroutes: [...reroutes],
    receivedDay,
    expectedDischargeDay: input.expectedDischargeDay,
    vulnerabilityAssessment: {
      ...deadline({ dueDay: assessmentDueDay, escalationAt: assessmentEscalationAt, escalatedAt: assessmentDeadline.escalatedAt, doneAt: assessedAt }),
      vulnerable,
    },
    conferenceHeldAt: fmt(conferenceHeldAt),
    decision: decision && { ...decision, decidedAt: formatLocal(decision.decidedAt) },
    temporaryStay: temporaryStay && { ...temporaryStay, signalled: fmt(temporaryStay.signalled) },
    handovers: [...handovers],
    faerdigbehandletAt: fmt(faerdigbehandletAt),
    bedDaysEndedAt: fmt(bedDaysEndedAt),
    dischargedAt: fmt(dischargedAt),
    dischargedTo,
    followUpVisit: followUpVisit && deadline(followUpVisit),
    helpFollowUp: helpFollowUp && deadline(helpFollowUp),
    closed: closed(),
    closedAt: fmt(closedAt),
    outcome,
  });

  /** The nearest due day still open (shown in the Web UI as DeadlineDay). */
  const openDueDay = (): LocalDate | undefined => {
    const days: LocalDate[] = [];
    if (closed()) return undefined;
    if (step === 'awaiting_vulnerability_assessment') days.push(assessmentDueDay);
    if (followUpVisit && followUpVisit.doneAt === undefined) days.push(followUpVisit.dueDay);
    if (helpFollowUp && helpFollowUp.doneAt === undefined) days.push(helpFollowUp.dueDay);
    return days.sort()[0];
  };

  const details = (): Record<string, unknown> => ({
    administration,
    receivedDay,
    expectedDischargeDay: input.expectedDischargeDay ?? null,
    assessmentDueDay,
    vulnerable: vulnerable ?? null,
    decision: decision?.kind ?? null,
    temporaryStayCaseId: temporaryStay?.caseId ?? null,
    faerdigbehandletAt: faerdigbehandletAt === undefined ? null : new Date(faerdigbehandletAt).toISOString(),
    dischargedAt: dischargedAt === undefined ? null : new Date(dischargedAt).toISOString(),
    dischargedTo: dischargedTo ?? null,
    followUpVisitDueDay: followUpVisit?.dueDay ?? null,
    helpFollowUpDueDay: helpFollowUp?.dueDay ?? null,
  });

  // The database mirror of step and details, written in order (one chain), awaited by each
  // handler so that an API response and the database agree.
  let mirrorChain: Promise<void> = Promise.resolve();
  const mirror = (): Promise<void> => {
    const snapshot = { step, details: details(), end: closed() ? { closedAt: closedAt!, outcome: outcome! } : undefined };
    showStep(step);
    showDeadlineDay(openDueDay());
    mirrorChain = mirrorChain.then(async () => {
      await acts.recordCaseDetails({ caseId: input.caseId, details: snapshot.details });
      await acts.recordCaseStep({ caseId: input.caseId, step: snapshot.step, end: snapshot.end });
    });
    return mirrorChain;
  };

  const timers: Promise<void>[] = [];
  /** A deadline whose escalation fires overnight after the due day unless `done()` first (or the case closes). */
  const startDeadline = (
    d: { dueDay: LocalDate; escalationAt: number; escalatedAt?: number; doneAt?: number },
    key: string,
    kind: string,
    summary: string,
    message: string,
  ) => {
    timers.push(
      (async () => {
        const reached = await untilInstant(d.escalationAt, summary, () => d.doneAt !== undefined || closed());
        if (!reached) return;
        d.escalatedAt = Date.now();
        await acts.raiseEscalation({
          caseId: input.caseId,
          key,
          kind,
          severity: 'escalation',
          recipientRole: 'needs_assessor',
          dueDay: d.dueDay,
          scheduledFor: d.escalationAt,
          firedAt: d.escalatedAt,
          message,
        });
      })(),
    );
  };

  const assessmentDeadline = { dueDay: assessmentDueDay, escalationAt: assessmentEscalationAt } as {
    dueDay: LocalDate;
    escalationAt: number;
    escalatedAt?: number;
    doneAt?: number;
  };

  const handOver = async (
    key: string,
    kind: Exclude<DecisionKind, 'temporary_stay'>,
    startsOn: LocalDate,
    recipientRole: string,
    minutesPerWeek?: number,
  ): Promise<void> => {
    const handedAt = Date.now();
    const phoneProvider = mustPhoneProvider(handedAt, startsOn);
    const h: HandoverStatus = { key, decision: kind, handedAt: formatLocal(handedAt), startsOn, phoneProvider };
    handovers.push(h);
    const result = await acts.recordProviderHandover({
      caseId: input.caseId,
      key,
      decision: kind,
      minutesPerWeek,
      handedAt,
      startsOn,
      phoneProvider,
      recipientRole,
      phoneMessage:
        `The decision (${kind.replace(/_/g, ' ')}) was handed to the provider at ${formatLocal(handedAt)}, ` +
        `after 14:30, and must start today (${startsOn}): phone the provider (003).`,
    });
    h.taskId = result.taskId;
  };

  const startsOnOrRefuse = (given: LocalDate | undefined): LocalDate => {
    const today = localDate(Date.now());
    if (given !== undefined) {
      if (given < today) return refuse(`providerStartsOn: ${given} is in the past`);
      return given;
    }
    // Default: the care plan's expected discharge date (today if that has passed).
    if (!input.expectedDischargeDay) return refuse('providerStartsOn: required — the care plan gives no expected discharge date');
    return input.expectedDischargeDay < today ? today : input.expectedDischargeDay;
  };

  const endBedDays = async (at: number, byDischarge: boolean) => {
    if (faerdigbehandletAt === undefined || bedDaysEndedAt !== undefined) return;
    bedDaysEndedAt = at;
    await acts.recordBedDaysEnded({ caseId: input.caseId, endedAt: at, endedByDischarge: byDischarge });
  };

  const close = (o: HospitalDischargeOutcome) => {
    outcome = o;
    closedAt = Date.now();
    step = 'closed';
  };

  const maybeCloseAfterFollowUps = () => {
    if (step !== 'follow_up') return;
    if (followUpVisit?.doneAt !== undefined && (helpFollowUp === undefined || helpFollowUp.doneAt !== undefined)) {
      close('discharged_home');
    }
  };

  /** Readmission or death: close the case and every timer; take the citizen off the temporary-stay list. */
  const endAbruptly = async (o: 'readmitted' | 'died', at: number) => {
    close(o);
    const ending = endBedDays(at, false);
    if (temporaryStay && dischargedTo !== 'temporary_stay') {
      temporaryStay.signalled = Date.now();
      try {
        await getExternalWorkflowHandle(temporaryStay.workflowId).signal(citizenUnavailableSignal, { reason: o });
      } catch {
        // The temporary-stay case has already ended: nothing is held any more.
      }
    }
    await ending;
  };

  const notClosed = () => {
    if (closed()) refuse(`the case is closed (${outcome})`);
  };
  /** An event the hospital reports must not come before what it ends (bed-days would run backwards). */
  const notBefore = (at: number, field: string, what: string) => {
    if (faerdigbehandletAt !== undefined && at < faerdigbehandletAt) {
      refuse(`${field}: ${what} cannot be before the citizen was declared færdigbehandlet (${formatLocal(faerdigbehandletAt)})`);
    }
    if (dischargedAt !== undefined && at < dischargedAt) refuse(`${field}: ${what} cannot be before the discharge (${formatLocal(dischargedAt)})`);
  };

  // --- handlers -----------------------------------------------------------------------------

  setHandler(hospitalDischargeStatusQuery, status);
  setHandler(hospitalCaseOpenedUpdate, async () => {
    await condition(() => recorded);
    return { caseId: input.caseId };
  });

  setHandler(
    rerouteUpdate,
    async ({ to }) => {
      reroutes.push({ from: administration, to, at: formatLocal(Date.now()) });
      administration = to;
      await mirror();
      return status();
    },
    {
      validator: ({ to }) => {
        notClosed();
        if (to === administration) refuse(`the case is already with ${to}`);
      },
    },
  );

  setHandler(
    assessVulnerabilityUpdate,
    async ({ vulnerable: v, providerStartsOn }) => {
      const startsOn = v ? undefined : startsOnOrRefuse(providerStartsOn);
      vulnerable = v;
      assessedAt = Date.now();
      assessmentDeadline.doneAt = assessedAt;
      if (startsOn === undefined) {
        step = 'awaiting_conference';
        await mirror();
      } else {
        step = 'awaiting_discharge';
        decision = { kind: 'home_per_plan', decidedAt: assessedAt };
        await Promise.all([mirror(), handOver('handover-plan', 'home_per_plan', startsOn, 'needs_assessor')]);
      }
      return status();
    },
    {
      validator: ({ vulnerable: v, providerStartsOn }) => {
        notClosed();
        if (step !== 'awaiting_vulnerability_assessment') {
          refuse(
            dischargedAt !== undefined
              ? 'the citizen has already been discharged'
              : `the vulnerability assessment has already been recorded (${vulnerable ? 'vulnerable' : 'not vulnerable'})`,
          );
        }
        if (!v) startsOnOrRefuse(providerStartsOn);
      },
    },
  );

  setHandler(
    recordConferenceUpdate,
    async ({ heldAt }) => {
      conferenceHeldAt = heldAt;
      step = 'awaiting_decision';
      await mirror();
      return status();
    },
    {
      validator: (_req: { heldAt: number }) => {
        notClosed();
        if (step === 'awaiting_vulnerability_assessment') refuse('the vulnerability assessment has not been recorded yet');
        if (vulnerable === false) refuse('the citizen was assessed as not vulnerable: no discharge coordination');
        if (conferenceHeldAt !== undefined) refuse('the conference has already been recorded');
        if (step !== 'awaiting_conference') refuse('the citizen has already been discharged');
      },
    },
  );

  setHandler(
    decideUpdate,
    async ({ decision: d }) => {
      const decidedAt = Date.now();
      const startsOn = d.kind === 'temporary_stay' ? undefined : startsOnOrRefuse(d.providerStartsOn);
      step = 'awaiting_discharge';
      if (d.kind === 'temporary_stay') {
        decision = { kind: d.kind, decidedAt, placeType: d.placeType };
        const childCaseId = uuid4();
        temporaryStay = { caseId: childCaseId, workflowId: caseWorkflowId(childCaseId) };
        await startChild(temporaryStayCaseWorkflow, {
          workflowId: temporaryStay.workflowId,
          args: [
            {
              caseId: childCaseId,
              citizenId: input.citizenId,
              placeType: d.placeType,
              purpose: d.purpose,
              priority: 'indlagt_faerdigbehandlet',
              appliedAt: decidedAt,
              originCaseId: input.caseId,
              rules,
            },
          ],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          typedSearchAttributes: [{ key: CaseTypeKey, value: 'temporary_stay' }],
          staticSummary: 'Temporary 24-hour stay (midlertidigt døgnophold) from a hospital discharge',
        });
        await mirror();
      } else {
        const minutesPerWeek = d.kind === 'more_help_at_home' ? d.minutesPerWeek : undefined;
        decision = { kind: d.kind, decidedAt, minutesPerWeek };
        await Promise.all([mirror(), handOver('handover-decision', d.kind, startsOn!, 'discharge_coordinator', minutesPerWeek)]);
      }
      return status();
    },
    {
      validator: ({ decision: d }) => {
        notClosed();
        if (step === 'awaiting_vulnerability_assessment') refuse('the vulnerability assessment has not been recorded yet');
        if (vulnerable === false) refuse('the citizen was assessed as not vulnerable: the plan was accepted, no coordinator decision');
        if (decision !== undefined) refuse(`a decision has already been made (${decision.kind})`);
        if (step === 'awaiting_conference') refuse('the conference at the hospital has not been recorded yet');
        if (step !== 'awaiting_decision') refuse('the citizen has already been discharged');
        if (d.kind !== 'temporary_stay') startsOnOrRefuse(d.providerStartsOn);
      },
    },
  );

  setHandler(
    faerdigbehandletUpdate,
    async ({ readyAt }) => {
      faerdigbehandletAt = readyAt;
      await Promise.all([mirror(), acts.recordBedDaysStarted({ caseId: input.caseId, readyAt, rules: rules.bedDays })]);
      return status();
    },
    {
      validator: (_req: { readyAt: number }) => {
        notClosed();
        if (dischargedAt !== undefined) refuse('the citizen has already been discharged');
        if (faerdigbehandletAt !== undefined) refuse('færdigbehandlet has already been declared');
      },
    },
  );

  setHandler(
    dischargedUpdate,
    async ({ dischargedAt: at, destination }) => {
      dischargedAt = at;
      dischargedTo = destination ?? (decision?.kind === 'temporary_stay' ? 'temporary_stay' : 'home');
      // A discharge before any assessment ends the wait for it.
      if (assessedAt === undefined) assessmentDeadline.doneAt = at;
      const ending = endBedDays(at, true);
      if (dischargedTo === 'temporary_stay') {
        close('discharged_to_temporary_stay');
      } else {
        step = 'follow_up';
        const day = localDate(at);
        const visitDue = addDays(day, rules.followUpVisitDays);
        followUpVisit = { dueDay: visitDue, escalationAt: overnightAfter(visitDue, rules.escalationLocalHour) };
        startDeadline(
          followUpVisit,
          'follow-up-visit',
          'follow_up_visit_overdue',
          `follow-up home visit due ${visitDue}`,
          `The follow-up home visit (opfølgende hjemmebesøg) after discharge on ${day} was due by ${visitDue} and has not been recorded.`,
        );
        if (decision?.kind === 'more_help_at_home') {
          const helpDue = addDays(day, rules.helpFollowUpDays);
          helpFollowUp = { dueDay: helpDue, escalationAt: overnightAfter(helpDue, rules.escalationLocalHour) };
          startDeadline(
            helpFollowUp,
            'help-follow-up',
            'help_follow_up_overdue',
            `follow-up of more help at home due ${helpDue}`,
            `Local visitation's follow-up of the increased help at home after discharge on ${day} was due by ${helpDue} and has not been recorded.`,
          );
        }
      }
      await Promise.all([mirror(), ending]);
      return status();
    },
    {
      validator: ({ dischargedAt: at, destination }) => {
        notClosed();
        if (dischargedAt !== undefined) refuse('the discharge has already been reported');
        if (at < input.receivedAt) refuse(`dischargedAt: the discharge cannot be before the care plan was received (${formatLocal(input.receivedAt)})`);
        notBefore(at, 'dischargedAt', 'the discharge');
        if (destination === 'temporary_stay' && decision?.kind !== 'temporary_stay') {
          refuse('no temporary stay has been decided for this citizen');
        }
      },
    },
  );

  setHandler(
    readmittedUpdate,
    async ({ readmittedAt }) => {
      await endAbruptly('readmitted', readmittedAt);
      await mirror();
      return status();
    },
    {
      validator: ({ readmittedAt }) => {
        notClosed();
        notBefore(readmittedAt, 'readmittedAt', 'the readmission');
      },
    },
  );

  setHandler(
    diedUpdate,
    async ({ diedAt }) => {
      await endAbruptly('died', diedAt);
      await mirror();
      return status();
    },
    {
      validator: ({ diedAt }) => {
        notClosed();
        notBefore(diedAt, 'diedAt', 'the death');
      },
    },
  );

  setHandler(
    followUpVisitUpdate,
    async ({ visitedAt }) => {
      followUpVisit!.doneAt = visitedAt;
      maybeCloseAfterFollowUps();
      await mirror();
      return status();
    },
    {
      validator: ({ visitedAt }) => {
        notClosed();
        if (followUpVisit === undefined) refuse('the citizen has not been discharged home yet');
        if (followUpVisit!.doneAt !== undefined) refuse('the follow-up home visit has already been recorded');
        if (visitedAt < dischargedAt!) refuse('visitedAt: the visit cannot be before the discharge');
      },
    },
  );

  setHandler(
    helpFollowUpUpdate,
    async ({ followedUpAt }) => {
      helpFollowUp!.doneAt = followedUpAt;
      maybeCloseAfterFollowUps();
      await mirror();
      return status();
    },
    {
      validator: ({ followedUpAt }) => {
        notClosed();
        if (followUpVisit === undefined) refuse('the citizen has not been discharged home yet');
        if (helpFollowUp === undefined) refuse('no more help at home was granted: there is no help follow-up');
        if (helpFollowUp!.doneAt !== undefined) refuse('the follow-up of the help has already been recorded');
        if (followedUpAt < dischargedAt!) refuse('followedUpAt: the follow-up cannot be before the discharge');
      },
    },
  );

  // --- the case -----------------------------------------------------------------------------

  await acts.recordCaseOpened({
    caseId: input.caseId,
    type: 'hospital_discharge',
    citizenId: input.citizenId,
    workflowId: workflowInfo().workflowId,
    step,
    details: details(),
    openedAt: input.receivedAt,
  });
  recorded = true;
  showStep(step);
  showDeadlineDay(assessmentDueDay);

  startDeadline(
    assessmentDeadline,
    'vulnerability-assessment',
    'vulnerability_assessment_overdue',
    `vulnerability assessment due ${assessmentDueDay}`,
    `The vulnerability assessment of the care plan received on ${receivedDay} was due by the end of ${assessmentDueDay} and has not been recorded.`,
  );

  await condition(closed);
  await condition(allHandlersFinished);
  await mirror();
  await Promise.all(timers);
  return status();
}
