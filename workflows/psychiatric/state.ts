/**
 * Case 3 — the psychiatric ready-for-discharge case (færdigmelding, source 002) as pure data:
 * its state, the transitions a decision or the clock makes, the refusal reasons (validators
 * that throw), the obligations a state implies and what the status query shows.
 *
 * No clock but the instants handed in, no I/O: the workflow applies these; the unit tests
 * apply them without a server. No CPR and no free text: ids, dates and decision codes only
 * (the ward name is the one exception, as before; not to be extended).
 */
import { countBedDays } from '../../domain/bed-days.js';
import { addDays, addWeeks, daysBetween, formatLocal, localDate, localInstant, overnightAfter, type LocalDate } from '../../domain/calendar.js';
import {
  CHIEF_LEVEL_DAYS,
  CHOICE_OVERRIDE_REASON_CODES,
  EXTERNAL_PURCHASE_REASON_CODES,
  type ChoiceOverrideReason,
  type ExternalPurchaseReason,
  OBLIGATION_KINDS, PSYCHIATRIC_DEADLINE_DAYS, STATUS_MEETING_INTERVAL_DAYS, type RuleSet } from '../../domain/rules.js';
import { isOpen, type ClockEffect, type Obligation, type OpenOptions } from '../shared/obligations.js';

export type NoticeKind = 'forvarsling' | 'faerdigmelding';
/** `died`: the citizen's death (a MedCom MORS): the case ends, the 12-week deadline is cancelled, bed-day payment ends. */
export type PsychiatricOutcome = 'discharged_to_offer' | 'discharged_home' | 'discharged_external' | 'withdrawn' | 'died';
export type LongCourseFlagger = 'psychiatry_coordinator' | 'system';
export type ChiefDecision = 'municipality_support_upheld' | 'region_view_accepted' | 'other_support_designated';

/** Continue-as-new when a run's history passes this many events (or the server suggests it). */
export const DEFAULT_MAX_HISTORY_EVENTS = 1000;
/** The latest meetings kept in the state (older ones are in the database's records). */
export const RECENT_MEETINGS_KEPT = 10;

/** Obligation keys: equal to the escalation-row keys the case always had. */
export const DEADLINE_KEY = 'deadline-12w';
export const warningKey = (weeks: number) => `deadline-warning-${weeks}w`;
export const meetingKey = (n: number) => `meeting-${n}`;
export const chiefLevelKey = (n: number) => `chief-level-${n}`;

export interface MeetingRecord {
  number: number;
  dueDay: LocalDate;
  heldOn: LocalDate;
  /** Recorded after its due day had passed (and had escalated). */
  late: boolean;
}

export type Placement =
  | {
      kind: 'own_offer';
      offerId: string;
      placeId: string;
      label: string;
      decidedAt: number;
      /** 002 free choice: the placement departs from the citizen's choice (which had a vacant place) for this reason. */
      choiceOverride?: { chosenOfferId: string; reason: ChoiceOverrideReason };
    }
  /** `providerId`: the registry id; `provider`: the name, in cases decided before the registry. */
  | { kind: 'external'; providerId?: string; provider?: string; decidedAt: number; reasonCode?: ExternalPurchaseReason };

export interface Disagreement {
  number: number;
  raisedBy: 'hospital' | 'psychiatry_coordinator';
  raisedAt: number;
  raisedDay: LocalDate;
  /** Chief level must be reached by the end of this day (raised day + 7). */
  dueDay: LocalDate;
  regionRefusesDischarge: boolean;
  chiefDecision?: { decision: ChiefDecision; at: number; day: LocalDate; withinDeadline: boolean };
  escalatedAt?: number;
}

/** Everything the case knows besides its obligations; carried across continue-as-new. */
export interface PsychiatricState {
  opened: boolean;
  receivedAt: number;
  notices: { kind: NoticeKind; receivedAt: number; readyAt?: number }[];
  readyAt?: number;
  bedDaysStarted: boolean;
  longCourse?: { flaggedAt: number; flaggedDay: LocalDate; by: LongCourseFlagger };
  /** Number of the status meeting currently due (1-based). */
  nextMeeting: number;
  meetingsHeld: number;
  meetingsMissed: number[];
  recentMeetings: MeetingRecord[];
  involvements: number;
  lastInvolvementAt?: number;
  chosenOfferId?: string;
  /** The involvement (its number) that recorded the current choice. */
  chosenAtInvolvement?: number;
  placement?: Placement;
  /**
   * When the municipality's case processing (sagsbehandling, 002) was done: the placement decided
   * (own offer or external purchase) with the citizen involved. The 12-week deadline is met then;
   * the case stays open until the discharge. Unset in cases that started before this rule.
   */
  deadlineMetAt?: number;
  disagreements: Disagreement[];
  outcome?: PsychiatricOutcome;
  endedAt?: number;
  runs: number;
}

/** What a run carries into the next (continue-as-new). */
export interface CarriedCase {
  state: PsychiatricState;
  obligations: Obligation[];
  /** The citizen's leave as the case showed it (absent: no leave reported; null: back). */
  leave?: number | null;
}

export interface PsychiatricCaseInput {
  caseId: string;
  /** Pseudonymous citizen id (the CPR stays in the database). */
  citizenId: string;
  notice: NoticeKind;
  /** When the notice was received (epoch ms). */
  receivedAt: number;
  /** For a færdigmelding: when the doctor declared the patient ready (epoch ms). */
  readyAt?: number;
  /** Psychiatric ward or centre. */
  ward: string;
  rules: RuleSet;
  /** Continue-as-new threshold (history events per run); default DEFAULT_MAX_HISTORY_EVENTS. */
  maxHistoryEvents?: number;
  /** State and obligations carried over from the previous run (continue-as-new). */
  carried?: CarriedCase;
}

// ---- state ------------------------------------------------------------------------------

export function initialState(input: Pick<PsychiatricCaseInput, 'notice' | 'receivedAt' | 'readyAt'>): PsychiatricState {
  return {
    opened: false,
    receivedAt: input.receivedAt,
    notices: [{ kind: input.notice, receivedAt: input.receivedAt, ...(input.readyAt !== undefined ? { readyAt: input.readyAt } : {}) }],
    ...(input.notice === 'faerdigmelding' ? { readyAt: input.readyAt ?? input.receivedAt } : {}),
    bedDaysStarted: false,
    nextMeeting: 1,
    meetingsHeld: 0,
    meetingsMissed: [],
    recentMeetings: [],
    involvements: 0,
    disagreements: [],
    runs: 1,
  };
}

export const ended = (s: PsychiatricState): boolean => s.outcome !== undefined;
export const receivedDayOf = (s: PsychiatricState): LocalDate => localDate(s.receivedAt);
/** The 12-week case-processing deadline (sagsbehandlingsfrist): day of receipt + 84. */
export const deadlineDayOf = (s: PsychiatricState): LocalDate => addDays(receivedDayOf(s), PSYCHIATRIC_DEADLINE_DAYS);

export function stepOf(s: PsychiatricState): string {
  if (s.outcome) return 'closed';
  if (s.placement) return s.placement.kind === 'own_offer' ? 'placed_in_offer' : 'external_place_bought';
  if (s.involvements > 0) return 'citizen_involved';
  // notice(s) received, nothing decided yet (which notices: see `notices` / `bedDays.counting`)
  return 'open';
}

export function meetingDueDay(flaggedDay: LocalDate, n: number): LocalDate {
  return addDays(flaggedDay, STATUS_MEETING_INTERVAL_DAYS * n);
}

export function currentDisagreement(s: PsychiatricState): Disagreement | undefined {
  return s.disagreements[s.disagreements.length - 1];
}

export const firstPaidDay = (readyAt: number, rules: RuleSet): LocalDate => addDays(localDate(readyAt), rules.bedDays.firstPaidDayOffset);

// ---- obligations a state implies ----------------------------------------------------------

export type ObligationSpec = Omit<OpenOptions, 'now' | 'escalationLocalHour'> & { now?: number };

/** The 12-week deadline, with its warnings at 00:00 (the overnight hour) of received day + N weeks. */
export function deadlineObligation(s: PsychiatricState, rules: RuleSet): ObligationSpec {
  const receivedDay = receivedDayOf(s);
  return {
    key: DEADLINE_KEY,
    kind: 'psychiatric_case_deadline',
    dueDay: deadlineDayOf(s),
    now: s.receivedAt,
    warnings: rules.psychiatricWarningWeeks.map((weeks) => ({
      key: warningKey(weeks),
      at: localInstant(addWeeks(receivedDay, weeks), rules.escalationLocalHour),
    })),
  };
}

export function meetingObligation(s: PsychiatricState, n: number): ObligationSpec {
  return {
    key: meetingKey(n),
    kind: 'psychiatric_status_meeting',
    dueDay: meetingDueDay(s.longCourse!.flaggedDay, n),
    params: { number: n },
  };
}

export function chiefLevelObligation(d: Disagreement): ObligationSpec {
  return { key: chiefLevelKey(d.number), kind: 'psychiatric_chief_level', dueDay: d.dueDay, now: d.raisedAt, params: { number: d.number } };
}

/**
 * The obligations this state wants open: the 12-week deadline until the case processing is
 * done (placement decided with the citizen involved) or the case ends, the status
 * meeting due (long course), the chief-level decision of an undecided disagreement. Opening is
 * idempotent; closing is the transitions' business (a met meeting is no longer implied).
 */
export function impliedObligations(s: PsychiatricState, rules: RuleSet): ObligationSpec[] {
  if (ended(s)) return [];
  const out = s.deadlineMetAt === undefined ? [deadlineObligation(s, rules)] : [];
  if (s.longCourse) out.push(meetingObligation(s, s.nextMeeting));
  const d = currentDisagreement(s);
  if (d && !d.chiefDecision) out.push(chiefLevelObligation(d));
  return out;
}

// ---- validators (throw the refusal reason) ---------------------------------------------------

export function assertNotEnded(s: PsychiatricState): void {
  if (s.outcome) throw new Error(`the case has ended (${s.outcome})`);
}

export interface EndRequest {
  outcome: PsychiatricOutcome;
  /** When the hospital discharged the citizen / the region withdrew (epoch ms; default now). */
  at?: number;
}

export function validateEnd(s: PsychiatricState, req: EndRequest, placing: boolean): void {
  assertNotEnded(s);
  if (req.outcome === 'discharged_to_offer' && s.placement?.kind !== 'own_offer') {
    throw new Error('discharge to an offer needs a placement decision (no botilbud place is given to the case)');
  }
  if (req.outcome === 'discharged_external' && s.placement?.kind !== 'external') {
    throw new Error('discharge to an external place needs a decision to buy an external place first');
  }
  if (placing) throw new Error('a placement decision is being recorded; try again');
  if (req.at !== undefined && s.readyAt !== undefined && req.at < s.readyAt && req.outcome !== 'withdrawn' && req.outcome !== 'died') {
    throw new Error('the discharge cannot be before the færdigmelding');
  }
}

export interface NoticeRequest {
  notice: NoticeKind;
  receivedAt: number;
  readyAt?: number;
}

export function validateNotice(s: PsychiatricState, req: NoticeRequest): void {
  assertNotEnded(s);
  if (s.notices.some((n) => n.kind === req.notice)) throw new Error(`a ${req.notice} is already recorded on this case`);
}

export function validateFlagLongCourse(s: PsychiatricState): void {
  assertNotEnded(s);
  if (s.longCourse) throw new Error(`the case is already flagged as a potential long course (since ${s.longCourse.flaggedDay})`);
}

export function validateStatusMeeting(s: PsychiatricState, heldOn: LocalDate, today: LocalDate): void {
  assertNotEnded(s);
  if (!s.longCourse) throw new Error('the case is not flagged as a potential long course; no status meeting is due');
  if (daysBetween(heldOn, today) < 0) throw new Error(`a meeting held on ${heldOn} is in the future`);
  if (daysBetween(s.longCourse.flaggedDay, heldOn) < 0) {
    throw new Error(`the meeting (${heldOn}) is before the case was flagged as a long course (${s.longCourse.flaggedDay})`);
  }
  // One meeting per 14-day period: meetings recorded ahead would silence the series.
  const due = meetingDueDay(s.longCourse.flaggedDay, s.nextMeeting);
  const opens = meetingDueDay(s.longCourse.flaggedDay, s.nextMeeting - 1);
  if (daysBetween(opens, heldOn) < 0) {
    throw new Error(`status meeting ${s.nextMeeting} is due ${due}; its period starts ${opens}, and a meeting on ${heldOn} belongs to an earlier period`);
  }
}

export function validatePlacement(s: PsychiatricState, placing: boolean): void {
  assertNotEnded(s);
  if (s.involvements === 0) {
    throw new Error("the citizen's involvement (wishes and choice among offers) must be recorded before a placement decision");
  }
  if (placing) throw new Error('another placement decision is being recorded');
  if (s.placement) {
    throw new Error(
      s.placement.kind === 'own_offer'
        ? `a placement is already decided (place ${s.placement.label})`
        : 'an external place is already bought',
    );
  }
}

const REGISTRY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An external purchase names its provider by registry id (a name only in histories from before the registry). */
export function validateExternalProvider(req: { providerId?: string; provider?: string }): void {
  if (req.providerId !== undefined ? !REGISTRY_ID.test(req.providerId) : req.provider === undefined) {
    throw new Error('providerId must be the external provider\'s registry id');
  }
}

/** 002 free choice: the reason codes of a placement or purchase are from their short lists; a changed choice needs the involvement re-recorded. */
export function validatePlacementReason(s: PsychiatricState, req: { overrideReason?: string; reasonCode?: string }): void {
  if (req.overrideReason !== undefined) {
    if (!(CHOICE_OVERRIDE_REASON_CODES as readonly string[]).includes(req.overrideReason)) {
      throw new Error(`overrideReason must be one of ${CHOICE_OVERRIDE_REASON_CODES.join(', ')}`);
    }
    if (req.overrideReason === 'citizen_changed_choice' && s.chosenAtInvolvement !== undefined && s.involvements <= s.chosenAtInvolvement) {
      throw new Error("the citizen changed their choice: record the citizen's involvement again first (with the new choice, or none)");
    }
  }
  if (req.reasonCode !== undefined && !(EXTERNAL_PURCHASE_REASON_CODES as readonly string[]).includes(req.reasonCode)) {
    throw new Error(`reasonCode must be one of ${EXTERNAL_PURCHASE_REASON_CODES.join(', ')}`);
  }
}

export function validateDisagreement(s: PsychiatricState): void {
  assertNotEnded(s);
  const d = currentDisagreement(s);
  if (d && !d.chiefDecision) throw new Error(`disagreement ${d.number} (raised ${d.raisedDay}) awaits its chief-level decision`);
}

export function validateChiefDecision(s: PsychiatricState): void {
  assertNotEnded(s);
  const d = currentDisagreement(s);
  if (!d || d.chiefDecision) throw new Error('there is no open disagreement with the region awaiting a chief-level decision');
}

// ---- transitions (change the state in place; validated first) -----------------------------

export function recordNotice(s: PsychiatricState, req: NoticeRequest): void {
  s.notices.push({ kind: req.notice, receivedAt: req.receivedAt, ...(req.readyAt !== undefined ? { readyAt: req.readyAt } : {}) });
  if (req.notice === 'faerdigmelding') s.readyAt = req.readyAt ?? req.receivedAt;
}

export function flagLongCourse(s: PsychiatricState, at: number, by: LongCourseFlagger): void {
  s.longCourse = { flaggedAt: at, flaggedDay: localDate(at), by };
  s.nextMeeting = 1;
}

/** The meeting due is held: it is recorded and the next one becomes due. */
export function recordMeeting(s: PsychiatricState, heldOn: LocalDate): MeetingRecord & { nextDueDay: LocalDate } {
  const n = s.nextMeeting;
  const flaggedDay = s.longCourse!.flaggedDay;
  const dueDay = meetingDueDay(flaggedDay, n);
  const record: MeetingRecord = { number: n, dueDay, heldOn, late: daysBetween(dueDay, heldOn) > 0 };
  s.meetingsHeld++;
  s.recentMeetings = [...s.recentMeetings, record].slice(-RECENT_MEETINGS_KEPT);
  s.nextMeeting = n + 1;
  return { ...record, nextDueDay: meetingDueDay(flaggedDay, n + 1) };
}

/** The meeting due was not recorded by its due day: it counts as missed; the next becomes due. */
export function missMeeting(s: PsychiatricState, n: number): void {
  if (n !== s.nextMeeting) return;
  s.meetingsMissed.push(n);
  s.nextMeeting = n + 1;
}

export function recordInvolvement(s: PsychiatricState, at: number, chosenOfferId?: string): number {
  s.involvements++;
  s.lastInvolvementAt = at;
  if (chosenOfferId) {
    s.chosenOfferId = chosenOfferId;
    s.chosenAtInvolvement = s.involvements;
  }
  return s.involvements;
}

export function raiseDisagreement(
  s: PsychiatricState,
  at: number,
  raisedBy: Disagreement['raisedBy'],
  regionRefusesDischarge: boolean,
): Disagreement {
  const raisedDay = localDate(at);
  const d: Disagreement = {
    number: s.disagreements.length + 1,
    raisedBy,
    raisedAt: at,
    raisedDay,
    dueDay: addDays(raisedDay, CHIEF_LEVEL_DAYS),
    regionRefusesDischarge,
  };
  s.disagreements.push(d);
  return d;
}

export function recordChiefDecision(s: PsychiatricState, at: number, decision: ChiefDecision, regionRefusesDischarge?: boolean): Disagreement {
  const d = currentDisagreement(s)!;
  const day = localDate(at);
  d.chiefDecision = { decision, at, day, withinDeadline: daysBetween(day, d.dueDay) >= 0 };
  if (regionRefusesDischarge !== undefined) d.regionRefusesDischarge = regionRefusesDischarge;
  return d;
}

export function endCase(s: PsychiatricState, req: EndRequest, now: number): void {
  s.outcome = req.outcome;
  s.endedAt = req.at ?? now;
}

/**
 * 002: the 12-week deadline is the municipality's case processing (sagsbehandling): it is done
 * when the placement is decided (own offer or external purchase) and the citizen was involved.
 * Records it (once) and returns whether it was done now.
 */
export function caseProcessingDone(s: PsychiatricState, at: number): boolean {
  if (s.deadlineMetAt !== undefined || !s.placement || s.involvements === 0) return false;
  s.deadlineMetAt = at;
  return true;
}

/** A real end (the hospital discharged the citizen) meets the 12-week deadline; a withdrawal or a death cancels it. */
export const endMeetsDeadline = (outcome: PsychiatricOutcome): boolean => outcome !== 'withdrawn' && outcome !== 'died';

/**
 * The clock's effect on the state: a missed meeting is recorded (the next becomes due), an
 * overdue chief-level decision is marked escalated, and at the first deadline warning with no
 * placement decided the system flags a potential long course. Returns whether the state changed.
 */
export function applyClockEffect(s: PsychiatricState, e: ClockEffect, rules: RuleSet, now: number): boolean {
  const key = e.obligation.key;
  if (e.type === 'breach' && e.obligation.kind === 'psychiatric_status_meeting') {
    missMeeting(s, Number(key.slice('meeting-'.length)));
    return true;
  }
  if (e.type === 'breach' && e.obligation.kind === 'psychiatric_chief_level') {
    const d = s.disagreements.find((x) => chiefLevelKey(x.number) === key);
    if (d && d.escalatedAt === undefined) d.escalatedAt = now;
    return true;
  }
  if (e.type === 'warning' && e.warning.key === warningKey(Math.min(...rules.psychiatricWarningWeeks)) && !s.longCourse && !s.placement) {
    flagLongCourse(s, now, 'system');
    return true;
  }
  return false;
}

// ---- what people read -------------------------------------------------------------------

/** The escalation/warning messages the case always wrote (ids and dates only). */
export function escalationMessage(e: ClockEffect): string {
  const o = e.obligation;
  if (e.type === 'warning') {
    return `Warning: no placement is decided yet; the 12-week case-processing deadline (sagsbehandlingsfrist) is ${o.dueDay}.`;
  }
  switch (o.kind) {
    case 'psychiatric_case_deadline':
      return `The 12-week case-processing deadline (sagsbehandlingsfrist) ended on ${o.dueDay} without a placement decided with the citizen involved.`;
    case 'psychiatric_status_meeting':
      return `No status meeting (statusmøde) decision was recorded by its due day ${o.dueDay} (${o.key}).`;
    default:
      return `The disagreement with the region did not reach chief level (chefniveau) by ${o.dueDay}.`;
  }
}

export interface PendingDeadline {
  key: string;
  kind: string;
  severity: 'warning' | 'escalation';
  /** The due day (Copenhagen date) watched. */
  dueDay: LocalDate;
  /** When it fires (local ISO). */
  firesAt: string;
  description: string;
}

function describePending(o: Obligation, key: string): string {
  switch (o.kind) {
    case 'psychiatric_case_deadline': {
      const w = /^deadline-warning-(\d+)w$/.exec(key);
      return w
        ? `${w[1]}-week warning before the 12-week deadline ${o.dueDay}`
        : `12-week case-processing deadline (sagsbehandlingsfrist) ${o.dueDay}`;
    }
    case 'psychiatric_status_meeting':
      return `status meeting (statusmøde) ${o.key.slice('meeting-'.length)} due ${o.dueDay}`;
    default:
      return `disagreement ${o.key.slice('chief-level-'.length)} with the region must reach chief level (chefniveau) by ${o.dueDay}`;
  }
}

/** Warnings and escalations still to fire, soonest first. */
export function pendingDeadlines(obligations: readonly Obligation[]): PendingDeadline[] {
  const out: (PendingDeadline & { at: number })[] = [];
  for (const o of obligations) {
    if (!isOpen(o)) continue;
    const rule = OBLIGATION_KINDS[o.kind] as { escalationKind: string | null; warningKind?: string };
    for (const w of o.warnings) {
      if (w.firedAt !== undefined || w.at >= o.escalateAt) continue;
      out.push({ key: w.key, kind: rule.warningKind ?? o.kind, severity: 'warning', dueDay: o.dueDay, at: w.at, firesAt: formatLocal(w.at), description: describePending(o, w.key) });
    }
    if (o.state !== 'breached') {
      out.push({
        key: o.key,
        kind: rule.escalationKind ?? o.kind,
        severity: 'escalation',
        dueDay: o.dueDay,
        at: o.escalateAt,
        firesAt: formatLocal(o.escalateAt),
        description: describePending(o, o.key),
      });
    }
  }
  return out.sort((a, b) => a.at - b.at).map(({ at: _at, ...d }) => d);
}

/** The case facts the status query shows (the workflow adds the case number and the SLA view). */
export function statusOf(s: PsychiatricState, obligations: readonly Obligation[], o: { caseId: string; rules: RuleSet; now: number }) {
  const { rules } = o;
  const receivedDay = receivedDayOf(s);
  const deadlineDay = deadlineDayOf(s);
  const deadline = obligations.find((x) => x.key === DEADLINE_KEY);
  const meeting = obligations.find((x) => x.key === meetingKey(s.nextMeeting) && isOpen(x));
  const d = currentDisagreement(s);
  const until = s.endedAt ?? o.now;
  return {
    caseId: o.caseId,
    step: stepOf(s),
    receivedDay,
    deadlineDay,
    deadlineEscalationAt: formatLocal(overnightAfter(deadlineDay, rules.escalationLocalHour)),
    ...(deadline?.breachedAt !== undefined ? { deadlineEscalatedAt: formatLocal(deadline.breachedAt) } : {}),
    warnings: rules.psychiatricWarningWeeks.map((weeks) => {
      const firedAt = deadline?.warnings.find((w) => w.key === warningKey(weeks))?.firedAt;
      return {
        weeks,
        firesAt: formatLocal(localInstant(addWeeks(receivedDay, weeks), rules.escalationLocalHour)),
        ...(firedAt !== undefined ? { firedAt: formatLocal(firedAt) } : {}),
      };
    }),
    notices: s.notices.map((n) => ({
      kind: n.kind,
      receivedAt: formatLocal(n.receivedAt),
      ...(n.readyAt !== undefined ? { readyAt: formatLocal(n.readyAt) } : {}),
    })),
    nextDeadlines: pendingDeadlines(obligations),
    ...(s.longCourse
      ? { longCourse: { flaggedAt: formatLocal(s.longCourse.flaggedAt), flaggedDay: s.longCourse.flaggedDay, by: s.longCourse.by } }
      : {}),
    meetings: {
      held: s.meetingsHeld,
      missed: s.meetingsMissed,
      recent: s.recentMeetings,
      ...(meeting ? { next: { number: s.nextMeeting, dueDay: meeting.dueDay, escalationAt: formatLocal(meeting.escalateAt) } } : {}),
    },
    involvement: {
      recorded: s.involvements > 0,
      count: s.involvements,
      ...(s.lastInvolvementAt !== undefined ? { lastAt: formatLocal(s.lastInvolvementAt) } : {}),
      ...(s.chosenOfferId ? { chosenOfferId: s.chosenOfferId } : {}),
    },
    ...(s.placement ? { placement: { ...s.placement, decidedAtLocal: formatLocal(s.placement.decidedAt) } } : {}),
    ...(s.deadlineMetAt !== undefined ? { caseProcessingDoneAt: formatLocal(s.deadlineMetAt) } : {}),
    disagreement: {
      state: (!d ? 'none' : d.chiefDecision ? 'decided' : d.escalatedAt !== undefined ? 'escalated' : 'awaiting_chief_level') as
        | 'none'
        | 'awaiting_chief_level'
        | 'escalated'
        | 'decided',
      regionRefusesDischarge: d?.regionRefusesDischarge ?? false,
      ...(d ? { current: { ...d, escalationAt: formatLocal(overnightAfter(d.dueDay, rules.escalationLocalHour)) } } : {}),
      count: s.disagreements.length,
    },
    bedDays: {
      counting: s.readyAt !== undefined && !ended(s),
      ...(s.readyAt !== undefined ? { readyAt: formatLocal(s.readyAt), firstPaidDay: firstPaidDay(s.readyAt, rules) } : {}),
      /** Days so far as of the workflow's latest time (`asOf`); the API prices them live. */
      days: s.readyAt === undefined ? 0 : countBedDays(s.readyAt, until, ended(s) && s.outcome !== 'withdrawn', rules.bedDays),
      asOf: formatLocal(until),
    },
    ended: ended(s),
    ...(s.outcome ? { outcome: s.outcome } : {}),
    ...(s.endedAt !== undefined ? { endedAt: formatLocal(s.endedAt) } : {}),
    run: s.runs,
  };
}
export type PsychiatricFacts = ReturnType<typeof statusOf>;

/** Non-sensitive case facts for lists and reports (the `cases.details` column). */
export function detailsOf(s: PsychiatricState, ward: string): Record<string, unknown> {
  const d = currentDisagreement(s);
  const initial = s.notices[0]!;
  return {
    ward,
    notice: initial.kind,
    receivedDay: receivedDayOf(s),
    deadlineDay: deadlineDayOf(s),
    notices: s.notices.map((n) => n.kind),
    longCourse: s.longCourse ? { flaggedDay: s.longCourse.flaggedDay, by: s.longCourse.by } : null,
    meetingsHeld: s.meetingsHeld,
    meetingsMissed: s.meetingsMissed.length,
    placement: s.placement
      ? s.placement.kind === 'own_offer'
        ? { kind: 'own_offer', offerId: s.placement.offerId, placeId: s.placement.placeId }
        : { kind: 'external', providerId: s.placement.providerId ?? null }
      : null,
    disagreement: d ? { number: d.number, dueDay: d.dueDay, decided: !!d.chiefDecision, regionRefusesDischarge: d.regionRefusesDischarge } : null,
  };
}
