/**
 * Case 3 — psychiatric ready-for-discharge case (færdigmelding), source 002.
 *
 * One durable workflow per case, from the region's first notice to the end:
 *  - opens on the advance notice (forvarsling) or the færdigmelding; the other may follow;
 *  - 12-week case-processing deadline (sagsbehandlingsfrist) from the day of receipt, with
 *    warnings (default at 8 and 11 weeks) and an overnight escalation after the deadline day;
 *  - a potential long course (flagged by the psychiatry coordinator, or by the system at the
 *    first warning when no placement is decided) gets a status meeting (statusmøde) every 14
 *    days; a meeting not recorded by its due day escalates overnight;
 *  - the citizen's involvement, then matching to a botilbud place (or buying an external place);
 *  - a disagreement with the region must reach chief level (chefniveau) within 7 days;
 *  - bed-days (betalingsforpligtelse) are counted from the færdigmelding until discharge;
 *  - the case ends by discharge (to the offer, home, an external place) or is withdrawn; every
 *    timer stops.
 *
 * The workflow is a single loop over its state: it fires every timer that is due, mirrors its
 * step to the database, then sleeps until the next due instant or a decision arrives. The state
 * is plain data, so the case continues-as-new with it when its history grows long (a case with
 * many status meetings keeps a bounded history). No CPR and no free text ever enter it: the API
 * writes those to the database; the workflow sees ids, dates and decision codes only.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import { countBedDays } from './bed-days.js';
import { addDays, addWeeks, daysBetween, formatLocal, localDate, localInstant, overnightAfter, type LocalDate } from './calendar.js';
import { CHIEF_LEVEL_DAYS, PSYCHIATRIC_DEADLINE_DAYS, STATUS_MEETING_INTERVAL_DAYS, type RuleSet } from './rules.js';
import { showDeadlineDay, showStep } from './shared.js';

export type NoticeKind = 'forvarsling' | 'faerdigmelding';

export type PsychiatricOutcome = 'discharged_to_offer' | 'discharged_home' | 'discharged_external' | 'withdrawn';

/** Continue-as-new when a run's history passes this many events (or the server suggests it). */
export const DEFAULT_MAX_HISTORY_EVENTS = 1000;

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
  /** State carried over from the previous run (continue-as-new). */
  carried?: PsychiatricState;
}

export type LongCourseFlagger = 'psychiatry_coordinator' | 'system';

export interface MeetingRecord {
  number: number;
  dueDay: LocalDate;
  heldOn: LocalDate;
  /** Recorded after its due day had passed (and had escalated). */
  late: boolean;
}

export type Placement =
  | { kind: 'own_offer'; offerId: string; placeId: string; label: string; decidedAt: number }
  | { kind: 'external'; provider: string; decidedAt: number };

export type ChiefDecision = 'municipality_support_upheld' | 'region_view_accepted' | 'other_support_designated';

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

/** Everything the case knows; carried across continue-as-new. */
export interface PsychiatricState {
  opened: boolean;
  receivedAt: number;
  notices: { kind: NoticeKind; receivedAt: number; readyAt?: number }[];
  readyAt?: number;
  bedDaysStarted: boolean;
  /** Keys of timers that have fired (warnings, escalations). */
  fired: string[];
  firedAt: Record<string, number>;
  longCourse?: { flaggedAt: number; flaggedDay: LocalDate; by: LongCourseFlagger };
  /** Number of the status meeting currently due (1-based). */
  nextMeeting: number;
  meetingsHeld: number;
  meetingsMissed: number[];
  /** The latest meetings held (older ones are in the database's records). */
  recentMeetings: MeetingRecord[];
  involvements: number;
  lastInvolvementAt?: number;
  chosenOfferId?: string;
  placement?: Placement;
  disagreements: Disagreement[];
  outcome?: PsychiatricOutcome;
  endedAt?: number;
  runs: number;
}

export interface PendingDeadline {
  key: string;
  kind: string;
  severity: 'warning' | 'escalation';
  /** The due day (Copenhagen date) the timer watches. */
  dueDay: LocalDate;
  /** When the timer fires (local ISO). */
  firesAt: string;
  description: string;
}

export interface PsychiatricCaseStatus {
  caseId: string;
  step: string;
  receivedDay: string;
  deadlineDay: string;
  deadlineEscalationAt: string;
  deadlineEscalatedAt?: string;
  warnings: { weeks: number; firesAt: string; firedAt?: string }[];
  notices: { kind: NoticeKind; receivedAt: string; readyAt?: string }[];
  /** Deadlines still running, soonest first. */
  nextDeadlines: PendingDeadline[];
  longCourse?: { flaggedAt: string; flaggedDay: string; by: LongCourseFlagger };
  meetings: {
    held: number;
    missed: number[];
    recent: MeetingRecord[];
    next?: { number: number; dueDay: string; escalationAt: string };
  };
  involvement: { recorded: boolean; count: number; lastAt?: string; chosenOfferId?: string };
  placement?: Placement & { decidedAtLocal: string };
  disagreement: {
    state: 'none' | 'awaiting_chief_level' | 'escalated' | 'decided';
    regionRefusesDischarge: boolean;
    current?: Disagreement & { escalationAt: string };
    count: number;
  };
  bedDays: {
    counting: boolean;
    readyAt?: string;
    firstPaidDay?: string;
    /** Days so far as of the workflow's latest time (`asOf`); the API prices them live. */
    days: number;
    asOf: string;
  };
  ended: boolean;
  outcome?: PsychiatricOutcome;
  endedAt?: string;
  run: number;
}

// ---- messages ---------------------------------------------------------------------------

export const psychiatricStatusQuery = defineQuery<PsychiatricCaseStatus>('status');
/** Resolves once the case row is in the database. */
export const caseOpenedUpdate = defineUpdate<{ caseId: string }>('awaitOpened');

export interface EndRequest {
  outcome: PsychiatricOutcome;
  /** When the hospital discharged the citizen / the region withdrew (epoch ms; default now). */
  at?: number;
}
export const endPsychiatricCaseUpdate = defineUpdate<PsychiatricCaseStatus & { key: string }, [EndRequest]>('end');

export interface NoticeRequest {
  notice: NoticeKind;
  receivedAt: number;
  readyAt?: number;
}
export const recordNoticeUpdate = defineUpdate<{ key: string; bedDaysFrom?: string }, [NoticeRequest]>('recordNotice');

export const flagLongCourseUpdate = defineUpdate<{ key: string; flaggedDay: string; firstMeetingDueDay: string }, [{}]>(
  'flagLongCourse',
);

export const recordStatusMeetingUpdate = defineUpdate<
  { key: string; number: number; dueDay: string; late: boolean; nextDueDay: string },
  [{ heldOn: LocalDate }]
>('recordStatusMeeting');

export const recordInvolvementUpdate = defineUpdate<{ key: string }, [{ chosenOfferId?: string }]>('recordInvolvement');

export const decidePlacementUpdate = defineUpdate<
  { key: string; offerId: string; placeId: string; label: string },
  [{ offerId: string; placeId?: string }]
>('decidePlacement');

export const buyExternalPlaceUpdate = defineUpdate<{ key: string }, [{ provider: string }]>('buyExternalPlace');

export const raiseDisagreementUpdate = defineUpdate<
  { key: string; number: number; dueDay: string; escalationAt: string },
  [{ raisedBy: 'hospital' | 'psychiatry_coordinator'; regionRefusesDischarge: boolean }]
>('raiseDisagreement');

export const recordChiefDecisionUpdate = defineUpdate<
  { key: string; number: number; withinDeadline: boolean },
  [{ decision: ChiefDecision; regionRefusesDischarge?: boolean }]
>('recordChiefDecision');

// ---- activities -------------------------------------------------------------------------

const ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
};
const acts = proxyActivities<Activities>(ACTIVITY_OPTIONS);

/** Runs an activity with a readable summary (shown in the Web UI). */
function run<K extends keyof Activities>(
  name: K,
  summary: string,
  arg: Parameters<Activities[K]>[0],
): Promise<Awaited<ReturnType<Activities[K]>>> {
  const fn = acts[name] as unknown as {
    executeWithOptions(o: ActivityOptions, a: unknown[]): Promise<Awaited<ReturnType<Activities[K]>>>;
  };
  return fn.executeWithOptions({ ...ACTIVITY_OPTIONS, summary }, [arg]);
}

// ---- pure helpers -----------------------------------------------------------------------

function initialState(input: PsychiatricCaseInput): PsychiatricState {
  return {
    opened: false,
    receivedAt: input.receivedAt,
    notices: [{ kind: input.notice, receivedAt: input.receivedAt, readyAt: input.readyAt }],
    readyAt: input.notice === 'faerdigmelding' ? (input.readyAt ?? input.receivedAt) : undefined,
    bedDaysStarted: false,
    fired: [],
    firedAt: {},
    nextMeeting: 1,
    meetingsHeld: 0,
    meetingsMissed: [],
    recentMeetings: [],
    involvements: 0,
    disagreements: [],
    runs: 1,
  };
}

const RECENT_MEETINGS_KEPT = 10;

export function meetingDueDay(flaggedDay: LocalDate, n: number): LocalDate {
  return addDays(flaggedDay, STATUS_MEETING_INTERVAL_DAYS * n);
}

interface Timer extends PendingDeadline {
  at: number;
}

/** Every timer still pending in this state, soonest first. */
export function pendingTimers(s: PsychiatricState, rules: RuleSet): Timer[] {
  if (s.outcome) return [];
  const hour = rules.escalationLocalHour;
  const receivedDay = localDate(s.receivedAt);
  const deadlineDay = addDays(receivedDay, PSYCHIATRIC_DEADLINE_DAYS);
  const out: Timer[] = [];
  const firedSet = new Set(s.fired);
  for (const weeks of rules.psychiatricWarningWeeks) {
    const key = `deadline-warning-${weeks}w`;
    if (firedSet.has(key)) continue;
    const day = addWeeks(receivedDay, weeks);
    const at = localInstant(day, hour);
    out.push({
      key,
      kind: 'psychiatric_deadline_warning',
      severity: 'warning',
      dueDay: deadlineDay,
      at,
      firesAt: formatLocal(at),
      description: `${weeks}-week warning before the 12-week deadline ${deadlineDay}`,
    });
  }
  if (!firedSet.has('deadline-12w')) {
    const at = overnightAfter(deadlineDay, hour);
    out.push({
      key: 'deadline-12w',
      kind: 'psychiatric_deadline_passed',
      severity: 'escalation',
      dueDay: deadlineDay,
      at,
      firesAt: formatLocal(at),
      description: `12-week case-processing deadline (sagsbehandlingsfrist) ${deadlineDay}`,
    });
  }
  if (s.longCourse) {
    const n = s.nextMeeting;
    const dueDay = meetingDueDay(s.longCourse.flaggedDay, n);
    const at = overnightAfter(dueDay, hour);
    out.push({
      key: `meeting-${n}`,
      kind: 'psychiatric_status_meeting_missed',
      severity: 'escalation',
      dueDay,
      at,
      firesAt: formatLocal(at),
      description: `status meeting (statusmøde) ${n} due ${dueDay}`,
    });
  }
  const d = s.disagreements[s.disagreements.length - 1];
  if (d && !d.chiefDecision && d.escalatedAt === undefined) {
    const at = overnightAfter(d.dueDay, hour);
    out.push({
      key: `chief-level-${d.number}`,
      kind: 'psychiatric_chief_level_overdue',
      severity: 'escalation',
      dueDay: d.dueDay,
      at,
      firesAt: formatLocal(at),
      description: `disagreement ${d.number} with the region must reach chief level (chefniveau) by ${d.dueDay}`,
    });
  }
  return out.sort((a, b) => a.at - b.at);
}

function stepOf(s: PsychiatricState): string {
  if (s.outcome) return 'ended';
  if (s.placement) return s.placement.kind === 'own_offer' ? 'placed_in_offer' : 'external_place_bought';
  if (s.involvements > 0) return 'citizen_involved';
  // notice(s) received, nothing decided yet (which notices: see `notices` / `bedDays.counting`)
  return 'open';
}

function currentDisagreement(s: PsychiatricState): Disagreement | undefined {
  return s.disagreements[s.disagreements.length - 1];
}

function escalationMessage(t: Timer): string {
  switch (t.kind) {
    case 'psychiatric_deadline_warning':
      return `Warning: the case has not ended; the 12-week case-processing deadline (sagsbehandlingsfrist) is ${t.dueDay}.`;
    case 'psychiatric_deadline_passed':
      return `The 12-week case-processing deadline (sagsbehandlingsfrist) ended on ${t.dueDay} without the case ending.`;
    case 'psychiatric_status_meeting_missed':
      return `No status meeting (statusmøde) decision was recorded by its due day ${t.dueDay} (${t.key}).`;
    default:
      return `The disagreement with the region did not reach chief level (chefniveau) by ${t.dueDay}.`;
  }
}

// ---- the workflow -----------------------------------------------------------------------

export async function psychiatricCaseWorkflow(input: PsychiatricCaseInput): Promise<PsychiatricCaseStatus> {
  const rules = input.rules;
  const s: PsychiatricState = input.carried ? { ...input.carried, runs: input.carried.runs + 1 } : initialState(input);
  const maxHistoryEvents = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const receivedDay = localDate(s.receivedAt);
  const deadlineDay = addDays(receivedDay, PSYCHIATRIC_DEADLINE_DAYS);
  const deadlineEscalationAt = overnightAfter(deadlineDay, rules.escalationLocalHour);
  /** Bumped on every change of state: wakes the loop. */
  let version = 0;
  let placing = false;
  const changed = () => {
    version++;
  };
  const ended = () => s.outcome !== undefined;
  const today = () => localDate(Date.now());
  const firstPaidDay = (readyAt: number) => addDays(localDate(readyAt), rules.bedDays.firstPaidDayOffset);

  const notEnded = () => {
    if (ended()) throw new Error(`the case has ended (${s.outcome})`);
  };

  const status = (): PsychiatricCaseStatus => {
    const now = Date.now();
    const d = currentDisagreement(s);
    const timers = pendingTimers(s, rules);
    const meetingTimer = timers.find((t) => t.key.startsWith('meeting-'));
    const until = s.endedAt ?? now;
    return {
      caseId: input.caseId,
      step: stepOf(s),
      receivedDay,
      deadlineDay,
      deadlineEscalationAt: formatLocal(deadlineEscalationAt),
      deadlineEscalatedAt: s.firedAt['deadline-12w'] === undefined ? undefined : formatLocal(s.firedAt['deadline-12w']),
      warnings: rules.psychiatricWarningWeeks.map((weeks) => {
        const firedAt = s.firedAt[`deadline-warning-${weeks}w`];
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
      nextDeadlines: timers.map(({ at: _at, ...t }) => t),
      ...(s.longCourse
        ? { longCourse: { flaggedAt: formatLocal(s.longCourse.flaggedAt), flaggedDay: s.longCourse.flaggedDay, by: s.longCourse.by } }
        : {}),
      meetings: {
        held: s.meetingsHeld,
        missed: s.meetingsMissed,
        recent: s.recentMeetings,
        ...(meetingTimer
          ? { next: { number: s.nextMeeting, dueDay: meetingTimer.dueDay, escalationAt: meetingTimer.firesAt } }
          : {}),
      },
      involvement: {
        recorded: s.involvements > 0,
        count: s.involvements,
        ...(s.lastInvolvementAt !== undefined ? { lastAt: formatLocal(s.lastInvolvementAt) } : {}),
        ...(s.chosenOfferId ? { chosenOfferId: s.chosenOfferId } : {}),
      },
      ...(s.placement ? { placement: { ...s.placement, decidedAtLocal: formatLocal(s.placement.decidedAt) } } : {}),
      disagreement: {
        state: !d
          ? 'none'
          : d.chiefDecision
            ? 'decided'
            : d.escalatedAt !== undefined
              ? 'escalated'
              : 'awaiting_chief_level',
        regionRefusesDischarge: d?.regionRefusesDischarge ?? false,
        ...(d ? { current: { ...d, escalationAt: formatLocal(overnightAfter(d.dueDay, rules.escalationLocalHour)) } } : {}),
        count: s.disagreements.length,
      },
      bedDays: {
        counting: s.readyAt !== undefined && !ended(),
        ...(s.readyAt !== undefined ? { readyAt: formatLocal(s.readyAt) } : {}),
        ...(s.readyAt !== undefined ? { firstPaidDay: firstPaidDay(s.readyAt) } : {}),
        days:
          s.readyAt === undefined
            ? 0
            : countBedDays(s.readyAt, until, ended() && s.outcome !== 'withdrawn', rules.bedDays),
        asOf: formatLocal(until),
      },
      ended: ended(),
      ...(s.outcome ? { outcome: s.outcome } : {}),
      ...(s.endedAt !== undefined ? { endedAt: formatLocal(s.endedAt) } : {}),
      run: s.runs,
    };
  };

  // ---- handlers (registered before anything else runs) ----

  setHandler(psychiatricStatusQuery, status);

  setHandler(caseOpenedUpdate, async () => {
    await condition(() => s.opened);
    return { caseId: input.caseId };
  });

  setHandler(
    endPsychiatricCaseUpdate,
    async (req) => {
      s.outcome = req.outcome;
      s.endedAt = req.at ?? Date.now();
      changed();
      return { ...status(), key: 'end' };
    },
    {
      validator: (req: EndRequest) => {
        notEnded();
        if (req.outcome === 'discharged_to_offer' && s.placement?.kind !== 'own_offer') {
          throw new Error('discharge to an offer needs a placement decision (no botilbud place is given to the case)');
        }
        if (req.outcome === 'discharged_external' && s.placement?.kind !== 'external') {
          throw new Error('discharge to an external place needs a decision to buy an external place first');
        }
        if (placing) throw new Error('a placement decision is being recorded; try again');
        if (req.at !== undefined && s.readyAt !== undefined && req.at < s.readyAt && req.outcome !== 'withdrawn') {
          throw new Error('the discharge cannot be before the færdigmelding');
        }
      },
    },
  );

  setHandler(
    recordNoticeUpdate,
    async (req) => {
      s.notices.push({ kind: req.notice, receivedAt: req.receivedAt, readyAt: req.readyAt });
      if (req.notice === 'faerdigmelding') s.readyAt = req.readyAt ?? req.receivedAt;
      changed();
      return {
        key: `notice-${req.notice}`,
        ...(s.readyAt !== undefined && req.notice === 'faerdigmelding' ? { bedDaysFrom: firstPaidDay(s.readyAt) } : {}),
      };
    },
    {
      validator: (req: NoticeRequest) => {
        notEnded();
        if (s.notices.some((n) => n.kind === req.notice)) {
          throw new Error(`a ${req.notice} is already recorded on this case`);
        }
      },
    },
  );

  setHandler(
    flagLongCourseUpdate,
    async (_req: {}) => {
      flagLongCourse('psychiatry_coordinator');
      const lc = s.longCourse!;
      return { key: 'long-course', flaggedDay: lc.flaggedDay, firstMeetingDueDay: meetingDueDay(lc.flaggedDay, 1) };
    },
    {
      validator: (_req: {}) => {
        notEnded();
        if (s.longCourse) throw new Error(`the case is already flagged as a potential long course (since ${s.longCourse.flaggedDay})`);
      },
    },
  );

  function flagLongCourse(by: LongCourseFlagger) {
    const now = Date.now();
    s.longCourse = { flaggedAt: now, flaggedDay: localDate(now), by };
    s.nextMeeting = 1;
    changed();
  }

  setHandler(
    recordStatusMeetingUpdate,
    async ({ heldOn }) => {
      const n = s.nextMeeting;
      const dueDay = meetingDueDay(s.longCourse!.flaggedDay, n);
      const late = daysBetween(dueDay, heldOn) > 0;
      s.meetingsHeld++;
      s.recentMeetings = [...s.recentMeetings, { number: n, dueDay, heldOn, late }].slice(-RECENT_MEETINGS_KEPT);
      s.nextMeeting = n + 1;
      changed();
      return { key: `meeting-${n}`, number: n, dueDay, late, nextDueDay: meetingDueDay(s.longCourse!.flaggedDay, n + 1) };
    },
    {
      validator: ({ heldOn }: { heldOn: LocalDate }) => {
        notEnded();
        if (!s.longCourse) throw new Error('the case is not flagged as a potential long course; no status meeting is due');
        if (daysBetween(heldOn, today()) < 0) throw new Error(`a meeting held on ${heldOn} is in the future`);
        if (daysBetween(s.longCourse.flaggedDay, heldOn) < 0) {
          throw new Error(`the meeting (${heldOn}) is before the case was flagged as a long course (${s.longCourse.flaggedDay})`);
        }
        // One meeting per 14-day period: meetings recorded ahead would silence the series.
        const due = meetingDueDay(s.longCourse.flaggedDay, s.nextMeeting);
        const opens = meetingDueDay(s.longCourse.flaggedDay, s.nextMeeting - 1);
        if (daysBetween(opens, heldOn) < 0) {
          throw new Error(`status meeting ${s.nextMeeting} is due ${due}; its period starts ${opens}, and a meeting on ${heldOn} belongs to an earlier period`);
        }
      },
    },
  );

  setHandler(
    recordInvolvementUpdate,
    async ({ chosenOfferId }) => {
      s.involvements++;
      s.lastInvolvementAt = Date.now();
      if (chosenOfferId) s.chosenOfferId = chosenOfferId;
      changed();
      return { key: `involvement-${s.involvements}` };
    },
    { validator: (_req: { chosenOfferId?: string }) => notEnded() },
  );

  const placementAllowed = () => {
    notEnded();
    if (s.involvements === 0) {
      throw new Error("the citizen's involvement (wishes and choice among offers) must be recorded before a placement decision");
    }
    if (placing) throw new Error('another placement decision is being recorded');
    if (s.placement) {
      throw new Error(
        s.placement.kind === 'own_offer'
          ? `a placement is already decided (place ${s.placement.label})`
          : `an external place is already bought (${s.placement.provider})`,
      );
    }
  };

  setHandler(
    decidePlacementUpdate,
    async ({ offerId, placeId }) => {
      placing = true;
      try {
        const result = await run('allocateHousingPlace', `give a place of offer ${offerId} to the case`, {
          caseId: input.caseId,
          offerId,
          ...(placeId ? { placeId } : {}),
        });
        if (!result.ok) throw ApplicationFailure.create({ message: result.reason, nonRetryable: true, type: 'PlacementRefused' });
        s.placement = { kind: 'own_offer', offerId, placeId: result.placeId, label: result.label, decidedAt: Date.now() };
        return { key: 'placement', offerId, placeId: result.placeId, label: result.label };
      } finally {
        placing = false;
        changed();
      }
    },
    { validator: (_req: { offerId: string; placeId?: string }) => placementAllowed() },
  );

  setHandler(
    buyExternalPlaceUpdate,
    async ({ provider }) => {
      s.placement = { kind: 'external', provider, decidedAt: Date.now() };
      changed();
      return { key: 'external-placement' };
    },
    { validator: (_req: { provider: string }) => placementAllowed() },
  );

  setHandler(
    raiseDisagreementUpdate,
    async ({ raisedBy, regionRefusesDischarge }) => {
      const now = Date.now();
      const raisedDay = localDate(now);
      const d: Disagreement = {
        number: s.disagreements.length + 1,
        raisedBy,
        raisedAt: now,
        raisedDay,
        dueDay: addDays(raisedDay, CHIEF_LEVEL_DAYS),
        regionRefusesDischarge,
      };
      s.disagreements.push(d);
      changed();
      return {
        key: `disagreement-${d.number}`,
        number: d.number,
        dueDay: d.dueDay,
        escalationAt: formatLocal(overnightAfter(d.dueDay, rules.escalationLocalHour)),
      };
    },
    {
      validator: (_req: { raisedBy: string; regionRefusesDischarge: boolean }) => {
        notEnded();
        const d = currentDisagreement(s);
        if (d && !d.chiefDecision) throw new Error(`disagreement ${d.number} (raised ${d.raisedDay}) awaits its chief-level decision`);
      },
    },
  );

  setHandler(
    recordChiefDecisionUpdate,
    async ({ decision, regionRefusesDischarge }) => {
      const d = currentDisagreement(s)!;
      const now = Date.now();
      const day = localDate(now);
      d.chiefDecision = { decision, at: now, day, withinDeadline: daysBetween(day, d.dueDay) >= 0 };
      if (regionRefusesDischarge !== undefined) d.regionRefusesDischarge = regionRefusesDischarge;
      changed();
      return { key: `chief-decision-${d.number}`, number: d.number, withinDeadline: d.chiefDecision.withinDeadline };
    },
    {
      validator: (_req: { decision: ChiefDecision; regionRefusesDischarge?: boolean }) => {
        notEnded();
        const d = currentDisagreement(s);
        if (!d || d.chiefDecision) throw new Error('there is no open disagreement with the region awaiting a chief-level decision');
      },
    },
  );

  // ---- the loop ----

  if (!s.opened) {
    await run('recordCaseOpened', 'record the case in the database', {
      caseId: input.caseId,
      type: 'psychiatric_discharge',
      citizenId: input.citizenId,
      workflowId: workflowInfo().workflowId,
      step: stepOf(s),
      details: { ward: input.ward, notice: input.notice, receivedDay, deadlineDay },
      openedAt: input.receivedAt,
    });
    s.opened = true;
    changed();
  }
  showDeadlineDay(deadlineDay);

  let mirroredStep: string | undefined;
  let mirroredDetails: string | undefined;

  async function fire(t: Timer): Promise<void> {
    const firedAt = Date.now();
    s.fired.push(t.key);
    s.firedAt[t.key] = firedAt;
    if (t.key.startsWith('meeting-')) {
      s.meetingsMissed.push(s.nextMeeting);
      s.nextMeeting++;
    }
    if (t.key.startsWith('chief-level-')) currentDisagreement(s)!.escalatedAt = firedAt;
    // The system flags a potential long course at the first warning when no placement is decided.
    const firstWarning = Math.min(...rules.psychiatricWarningWeeks);
    if (t.key === `deadline-warning-${firstWarning}w` && !s.longCourse && !s.placement) flagLongCourse('system');
    changed();
    await run('raiseEscalation', `${t.severity}: ${t.description}`, {
      caseId: input.caseId,
      key: t.key,
      kind: t.kind,
      severity: t.severity,
      recipientRole: t.severity === 'warning' ? 'psychiatry_coordinator' : 'area_chief',
      dueDay: t.dueDay,
      scheduledFor: t.at,
      firedAt,
      message: escalationMessage(t),
    });
  }

  async function mirror(): Promise<void> {
    if (s.readyAt !== undefined && !s.bedDaysStarted) {
      await run('recordBedDaysStarted', 'bed-day payment starts (færdigmelding)', {
        caseId: input.caseId,
        readyAt: s.readyAt,
        rules: rules.bedDays,
      });
      s.bedDaysStarted = true;
    }
    const step = stepOf(s);
    if (step !== mirroredStep && step !== 'ended') {
      showStep(step);
      await run('recordCaseStep', `step: ${step}`, { caseId: input.caseId, step });
      mirroredStep = step;
    }
    const d = currentDisagreement(s);
    const details = {
      ward: input.ward,
      receivedDay,
      deadlineDay,
      notices: s.notices.map((n) => n.kind),
      longCourse: s.longCourse ? { flaggedDay: s.longCourse.flaggedDay, by: s.longCourse.by } : null,
      meetingsHeld: s.meetingsHeld,
      meetingsMissed: s.meetingsMissed.length,
      placement: s.placement
        ? s.placement.kind === 'own_offer'
          ? { kind: 'own_offer', offerId: s.placement.offerId, placeId: s.placement.placeId }
          : { kind: 'external', provider: s.placement.provider }
        : null,
      disagreement: d ? { number: d.number, dueDay: d.dueDay, decided: !!d.chiefDecision, regionRefusesDischarge: d.regionRefusesDischarge } : null,
    };
    const json = JSON.stringify(details);
    if (json !== mirroredDetails) {
      await run('recordCaseDetails', 'case facts for lists and reports', { caseId: input.caseId, details });
      mirroredDetails = json;
    }
  }

  for (;;) {
    const seen = version;
    for (;;) {
      const due = pendingTimers(s, rules).find((t) => t.at <= Date.now());
      if (!due || ended()) break;
      await fire(due);
    }
    if (ended()) break;
    await mirror();
    if (ended()) break;
    const info = workflowInfo();
    if (version === seen && (info.continueAsNewSuggested || info.historyLength > maxHistoryEvents)) {
      await condition(allHandlersFinished);
      if (!ended() && !placing) {
        return await continueAsNew<typeof psychiatricCaseWorkflow>({ ...input, carried: s });
      }
      continue;
    }
    const next = pendingTimers(s, rules)[0];
    if (next) {
      await condition(() => version !== seen || ended(), Math.max(next.at - Date.now(), 1), {
        summary: `${next.description}: ${next.severity} at ${next.firesAt}`,
      });
    } else {
      await condition(() => version !== seen || ended());
    }
  }

  // ---- the end: every timer has stopped with the loop ----
  const endedAt = s.endedAt ?? Date.now();
  showStep('ended');
  if (s.readyAt !== undefined) {
    if (!s.bedDaysStarted) {
      await run('recordBedDaysStarted', 'bed-day payment starts (færdigmelding)', {
        caseId: input.caseId,
        readyAt: s.readyAt,
        rules: rules.bedDays,
      });
      s.bedDaysStarted = true;
    }
    await run('recordBedDaysEnded', `bed-day payment ends (${s.outcome})`, {
      caseId: input.caseId,
      endedAt,
      endedByDischarge: s.outcome !== 'withdrawn',
    });
  }
  if (s.outcome !== 'discharged_to_offer') {
    await run('releaseHousingPlace', 'free any botilbud place the case held', { caseId: input.caseId, at: endedAt });
  }
  await run('recordCaseStep', `case ended: ${s.outcome}`, {
    caseId: input.caseId,
    step: 'ended',
    end: { closedAt: endedAt, outcome: s.outcome! },
  });
  await condition(allHandlersFinished);
  return status();
}
