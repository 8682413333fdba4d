/**
 * Case 3 — psychiatric ready-for-discharge case (færdigmelding), source 002.
 *
 * One durable workflow per case (its workflow id is its case number, `PSY-2026-000042`), from
 * the region's first notice to the end:
 *  - opens on the advance notice (forvarsling) or the færdigmelding; the other may follow;
 *  - obligation `deadline-12w`: the 12-week case-processing deadline (sagsbehandlingsfrist)
 *    from the day of receipt, warnings at 8 and 11 weeks (configurable), escalating overnight
 *    after the deadline day; met when the placement is decided (own offer or external purchase)
 *    with the citizen involved (the case stays open until the discharge), or by a discharge;
 *    a withdrawal cancels it;
 *  - a potential long course (flagged by the psychiatry coordinator, or by the system at the
 *    first warning when no placement is decided) gets a status meeting (statusmøde) every 14
 *    days: obligation `meeting-<n>`; a missed one escalates and the next becomes due;
 *  - the citizen's involvement, then matching to a botilbud place (or buying an external place);
 *  - a disagreement with the region must reach chief level (chefniveau) within 7 days:
 *    obligation `chief-level-<n>`;
 *  - bed-days (betalingsforpligtelse) are counted from the færdigmelding until discharge;
 *  - the case ends by discharge (to the offer, home, an external place) or is withdrawn.
 *
 * The clock and the mirror are the shared case core's (`CaseCore.runUntil` is the only timer
 * loop). The state is plain data (state.ts), carried with the obligations when the case
 * continues-as-new. No CPR and no free text enter the workflow: ids, dates and codes only.
 */
import { psychiatricCaseType } from './case-type.js';
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { formatLocal, localDate, overnightAfter } from '../../domain/calendar.js';
import type { RuleSet } from '../../domain/rules.js';
import { CaseCore, run, runWrite } from '../shared/case-core.js';
import type { ClockEffect } from '../shared/obligations.js';
import {
  buyExternalPlaceUpdate,
  caseOpenedUpdate,
  decidePlacementUpdate,
  endPsychiatricCaseUpdate,
  flagLongCourseUpdate,
  psychiatricStatusQuery,
  raiseDisagreementUpdate,
  recordChiefDecisionUpdate,
  recordInvolvementUpdate,
  recordNoticeUpdate,
  recordStatusMeetingUpdate,
  type ChiefDecisionRequest,
  type DisagreementRequest,
  type ExternalPlaceRequest,
  type InvolvementRequest,
  type PlacementRequest,
  type PsychiatricCaseStatus,
  type StatusMeetingRequest,
} from './messages.js';
import {
  applyClockEffect,
  caseProcessingDone,
  chiefLevelKey,
  DEADLINE_KEY,
  DEFAULT_MAX_HISTORY_EVENTS,
  detailsOf,
  endCase,
  endMeetsDeadline,
  ended,
  escalationMessage,
  firstPaidDay,
  flagLongCourse,
  impliedObligations,
  initialState,
  meetingDueDay,
  meetingKey,
  raiseDisagreement,
  recordChiefDecision,
  recordInvolvement,
  recordMeeting,
  recordNotice,
  statusOf,
  stepOf,
  validateChiefDecision,
  validateDisagreement,
  validateEnd,
  validateFlagLongCourse,
  validateNotice,
  validatePlacement,
  validatePlacementReason,
  validateExternalProvider,
  validateStatusMeeting,
  assertNotEnded,
  type EndRequest,
  type NoticeRequest,
  type PsychiatricCaseInput,
  type PsychiatricState,
} from './state.js';

export * from './messages.js';
export type * from './state.js';
export { DEFAULT_MAX_HISTORY_EVENTS, meetingDueDay } from './state.js';

/** One case in this run: its input, its state, its obligations, and what is in flight. */
interface Case {
  input: PsychiatricCaseInput;
  rules: RuleSet;
  s: PsychiatricState;
  core: CaseCore;
  /** A placement decision awaits its activity. */
  placing: boolean;
  /** The end is written (bed-days, place, obligations, case row). */
  closed: boolean;
  bedDaysStarting?: Promise<void>;
}

export async function psychiatricCaseWorkflow(input: PsychiatricCaseInput): Promise<PsychiatricCaseStatus> {
  const c = newCase(input);
  registerHandlers(c);
  await c.core.sync();
  c.s.opened = true;
  await startBedDays(c);

  for (;;) {
    await c.core.runUntil(() => ended(c.s) || historyIsLong(input), 'psychiatric case');
    if (ended(c.s)) break;
    if (await readyToContinueAsNew(c)) {
      const leave = c.core.carriedLeave();
      return continueAsNew<typeof psychiatricCaseWorkflow>({ ...input, carried: { state: c.s, obligations: c.core.carry(), ...(leave !== undefined ? { leave } : {}) } });
    }
  }

  await close(c);
  return status(c);
}

function newCase(input: PsychiatricCaseInput): Case {
  const carried = input.carried;
  const s: PsychiatricState = carried ? { ...carried.state, runs: carried.state.runs + 1 } : initialState(input);
  const c = { input, rules: input.rules, s, placing: false, closed: false } as Case;
  c.core = new CaseCore({
    caseId: input.caseId,
    caseType: psychiatricCaseType.name,
    rules: input.rules,
    view: () => ({ step: stepOf(c.s), details: detailsOf(c.s, input.ward), actingRole: 'psychiatry_coordinator' }),
    message: escalationMessage,
    onEffect: (e) => onClock(c, e),
    ...(carried
      ? { carried: carried.obligations, ...(carried.leave !== undefined ? { carriedLeave: carried.leave } : {}) }
      : {
          opening: {
            type: psychiatricCaseType.name,
            citizenId: input.citizenId,
            workflowId: workflowInfo().workflowId,
            openedAt: input.receivedAt,
          },
        }),
  });
  openImplied(c);
  return c;
}

function registerHandlers(c: Case): void {
  setHandler(psychiatricStatusQuery, () => status(c));
  setHandler(caseOpenedUpdate, () => whenOpened(c));
  setHandler(endPsychiatricCaseUpdate, (req) => end(c, req), { validator: (req: EndRequest) => validateEnd(c.s, req, c.placing) });
  setHandler(recordNoticeUpdate, (req) => notice(c, req), { validator: (req: NoticeRequest) => validateNotice(c.s, req) });
  setHandler(flagLongCourseUpdate, () => flagByCoordinator(c), { validator: (_req: {}) => validateFlagLongCourse(c.s) });
  setHandler(recordStatusMeetingUpdate, (req) => statusMeeting(c, req), {
    validator: (req: StatusMeetingRequest) => validateStatusMeeting(c.s, req.heldOn, localDate(Date.now())),
  });
  setHandler(recordInvolvementUpdate, (req) => involvement(c, req), { validator: (_req: InvolvementRequest) => assertNotEnded(c.s) });
  setHandler(decidePlacementUpdate, (req) => placement(c, req), {
    validator: (req: PlacementRequest) => {
      validatePlacement(c.s, c.placing);
      validatePlacementReason(c.s, req);
    },
  });
  setHandler(buyExternalPlaceUpdate, (req) => externalPlace(c, req), {
    validator: (req: ExternalPlaceRequest) => {
      validatePlacement(c.s, c.placing);
      validateExternalProvider(req);
      validatePlacementReason(c.s, req);
    },
  });
  setHandler(raiseDisagreementUpdate, (req) => disagreement(c, req), { validator: (_req: DisagreementRequest) => validateDisagreement(c.s) });
  setHandler(recordChiefDecisionUpdate, (req) => chiefDecision(c, req), { validator: (_req: ChiefDecisionRequest) => validateChiefDecision(c.s) });
}

// ---- the clock's and the state's obligations ------------------------------------------------

/** Opens what the state implies (idempotent: an open obligation stays as it is). */
function openImplied(c: Case): void {
  for (const spec of impliedObligations(c.s, c.rules)) c.core.open(spec);
}

/** A clock effect: a missed meeting (the next becomes due), an overdue chief level, the system's long-course flag. */
function onClock(c: Case, e: ClockEffect): void {
  if (applyClockEffect(c.s, e, c.rules, Date.now())) openImplied(c);
}

/** After a decision: the obligations follow the state, the mirror is written before the answer. */
async function settle(c: Case): Promise<void> {
  openImplied(c);
  c.core.changed();
  await c.core.sync();
}

function historyIsLong(input: PsychiatricCaseInput): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > (input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS);
}

/** Continue-as-new only with no decision in flight and nothing changed while waiting for one. */
async function readyToContinueAsNew(c: Case): Promise<boolean> {
  const seen = c.core.version;
  await condition(allHandlersFinished);
  return !ended(c.s) && !c.placing && c.core.version === seen;
}

function status(c: Case): PsychiatricCaseStatus {
  return {
    ...statusOf(c.s, c.core.obligations, { caseId: c.input.caseId, rules: c.rules, now: Date.now() }),
    caseNumber: workflowInfo().workflowId,
    ...c.core.view(),
  };
}

function startBedDays(c: Case): Promise<void> {
  const readyAt = c.s.readyAt;
  if (readyAt === undefined || c.s.bedDaysStarted) return Promise.resolve();
  c.bedDaysStarting ??= runWrite('recordBedDaysStarted', 'bed-day payment starts (færdigmelding)', {
    caseId: c.input.caseId,
    readyAt,
    rules: c.rules.bedDays,
  }).then(() => {
    c.s.bedDaysStarted = true;
  });
  return c.bedDaysStarting;
}

// ---- handlers ---------------------------------------------------------------------------

async function whenOpened(c: Case) {
  await condition(() => c.s.opened);
  return { caseId: c.input.caseId, caseNumber: workflowInfo().workflowId };
}

async function notice(c: Case, req: NoticeRequest) {
  recordNotice(c.s, req);
  await settle(c);
  await startBedDays(c);
  return {
    key: `notice-${req.notice}`,
    ...(c.s.readyAt !== undefined && req.notice === 'faerdigmelding' ? { bedDaysFrom: firstPaidDay(c.s.readyAt, c.rules) } : {}),
  };
}

async function flagByCoordinator(c: Case) {
  const at = Date.now();
  flagLongCourse(c.s, at, 'psychiatry_coordinator');
  await settle(c);
  const lc = c.s.longCourse!;
  return { key: 'long-course', flaggedDay: lc.flaggedDay, firstMeetingDueDay: meetingDueDay(lc.flaggedDay, 1), at };
}

async function statusMeeting(c: Case, { heldOn }: StatusMeetingRequest) {
  const at = Date.now();
  const held = recordMeeting(c.s, heldOn);
  // an earlier meeting still escalated (missed) is met late by this one
  for (const ob of c.core.openObligations()) {
    if (ob.kind === 'psychiatric_status_meeting' && ob.key !== meetingKey(held.number)) c.core.meet(ob.key);
  }
  c.core.meet(meetingKey(held.number));
  await settle(c);
  return { key: meetingKey(held.number), number: held.number, dueDay: held.dueDay, late: held.late, nextDueDay: held.nextDueDay, at };
}

async function involvement(c: Case, { chosenOfferId }: InvolvementRequest) {
  const at = Date.now();
  const n = recordInvolvement(c.s, at, chosenOfferId);
  await settle(c);
  return { key: `involvement-${n}`, at };
}

async function placement(c: Case, { offerId, placeId, overrideReason }: PlacementRequest) {
  const at = Date.now();
  c.placing = true;
  try {
    // 002 free choice: the activity refuses a departure from the citizen's choice while that choice has a vacant place, unless a reason is given
    const chosenOfferId = c.s.chosenOfferId;
    const result = await run('allocateHousingPlace', `give a place of offer ${offerId} to the case`, {
      caseId: c.input.caseId,
      offerId,
      ...(placeId ? { placeId } : {}),
      ...(chosenOfferId ? { chosenOfferId } : {}),
      ...(overrideReason ? { overrideReason } : {}),
    });
    if (!result.ok) throw ApplicationFailure.create({ message: result.reason, nonRetryable: true, type: 'PlacementRefused' });
    const departs = chosenOfferId !== undefined && chosenOfferId !== offerId && overrideReason !== undefined;
    c.s.placement = {
      kind: 'own_offer',
      offerId,
      placeId: result.placeId,
      label: result.label,
      decidedAt: Date.now(),
      ...(departs ? { choiceOverride: { chosenOfferId, reason: overrideReason } } : {}),
    };
    meetDeadlineOnPlacement(c);
    return { key: 'placement', offerId, placeId: result.placeId, label: result.label, at };
  } finally {
    c.placing = false;
    await settle(c);
  }
}

async function externalPlace(c: Case, { providerId, provider, reasonCode }: ExternalPlaceRequest) {
  const at = Date.now();
  // 002: buy an external place "where none exists": with a vacant own place a reason is needed
  if (reasonCode === undefined && patched('psychiatric-external-purchase-needs-reason')) {
    c.placing = true;
    try {
      const vacant = await run('vacantOwnOffers', 'own botilbud offers with a vacant place', {});
      if (vacant.length > 0) {
        const named = vacant.map((o) => `${o.name} (${o.vacantPlaces} vacant)`).join(', ');
        throw ApplicationFailure.create({
          message: `own offers have a vacant place: ${named}; match the citizen there, or give a reasonCode for buying an external place`,
          nonRetryable: true,
          type: 'PlacementRefused',
        });
      }
    } finally {
      c.placing = false;
    }
  }
  c.s.placement = {
    kind: 'external',
    // a name only in cases decided before the provider registry (their histories carry it)
    ...(providerId !== undefined ? { providerId } : { provider }),
    decidedAt: Date.now(),
    ...(reasonCode ? { reasonCode } : {}),
  };
  meetDeadlineOnPlacement(c);
  await settle(c);
  return { key: 'external-placement', at };
}

/**
 * 002: the 12-week deadline is the municipality's case processing: met when the placement is
 * decided (own offer or external purchase) with the citizen involved; the case stays open
 * (bed-days, disagreement, discharge) until the discharge. Cases that started before this rule
 * (recorded histories) keep the deadline running until the end.
 */
function meetDeadlineOnPlacement(c: Case): void {
  if (!patched('psychiatric-deadline-met-by-placement')) return;
  const at = c.s.placement!.decidedAt;
  if (caseProcessingDone(c.s, at)) c.core.meet(DEADLINE_KEY, at);
}

async function disagreement(c: Case, { raisedBy, regionRefusesDischarge }: DisagreementRequest) {
  const at = Date.now();
  const d = raiseDisagreement(c.s, at, raisedBy, regionRefusesDischarge);
  await settle(c);
  return {
    at,
    key: `disagreement-${d.number}`,
    number: d.number,
    dueDay: d.dueDay,
    escalationAt: formatLocal(overnightAfter(d.dueDay, c.rules.escalationLocalHour)),
  };
}

async function chiefDecision(c: Case, { decision, regionRefusesDischarge }: ChiefDecisionRequest) {
  const at = Date.now();
  const d = recordChiefDecision(c.s, at, decision, regionRefusesDischarge);
  c.core.meet(chiefLevelKey(d.number));
  await settle(c);
  return { key: `chief-decision-${d.number}`, number: d.number, withinDeadline: d.chiefDecision!.withinDeadline, at };
}

/** The case ends; answers once the end is written (bed-days, place, obligations, case row). */
async function end(c: Case, req: EndRequest) {
  const at = Date.now();
  endCase(c.s, req, at);
  c.core.changed();
  await condition(() => c.closed);
  return { ...status(c), key: 'end', at };
}

// ---- the end ------------------------------------------------------------------------------

async function close(c: Case): Promise<void> {
  const { s, input } = c;
  const outcome = s.outcome!;
  const endedAt = s.endedAt ?? Date.now();
  if (s.readyAt !== undefined) {
    await startBedDays(c);
    await run('recordBedDaysEnded', `bed-day payment ends (${outcome})`, {
      caseId: input.caseId,
      endedAt,
      endedByDischarge: outcome !== 'withdrawn',
    });
  }
  if (outcome !== 'discharged_to_offer') {
    await run('releaseHousingPlace', 'free any botilbud place the case held', { caseId: input.caseId, at: endedAt });
  }
  // a discharge meets the 12-week deadline (late, once escalated); a withdrawal cancels it with the rest
  if (endMeetsDeadline(outcome)) c.core.meet(DEADLINE_KEY, endedAt);
  await c.core.end(outcome, endedAt);
  c.closed = true;
  await condition(allHandlersFinished);
}
