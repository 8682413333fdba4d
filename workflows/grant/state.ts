/**
 * The grant case's state and pure transitions (bevilling, 003). Plain data, carried across
 * continue-as-new. No I/O, no clock: every instant is an argument.
 */
import { addDays, localDate, localInstant, type LocalDate } from '../../domain/calendar.js';
import { deliveredTimeOfWeeks, expiryDecisionDay, providerChangeDay, type DeliveredTimeVerdict, type GrantReason, type GrantRules } from '../../domain/grants.js';
import type { ActorRole } from '../../domain/rules.js';

/** What is granted: a service from the catalogue, its extent and period. */
export interface GrantTerms {
  serviceCode: string;
  minutesPerDelivery: number;
  deliveriesPerWeek: number;
  startsOn: LocalDate;
  /** The last day of a temporary grant (midlertidig indsats); absent: permanent (varig). */
  endsOn?: LocalDate;
}

export interface ProviderChange {
  toProviderCode: string;
  noticeOn: LocalDate;
  lastDayOfOld: LocalDate;
  firstDayOfNew: LocalDate;
}

export interface DeliveredReport {
  weekStart: LocalDate;
  minutes: number;
  providerCode: string;
}

export type GrantStep = 'granted' | 'refused' | 'ended';

export interface GrantState {
  terms: GrantTerms;
  providerCode: string;
  step: GrantStep;
  /** How many decisions so far (the outbox keys and obligation keys are numbered by it). */
  decisions: number;
  /** A change of provider under notice. */
  providerChange?: ProviderChange;
  /** After a change of provider: the old provider and its last day (its reports for that time still count). */
  previousProvider?: { providerCode: string; until: LocalDate };
  /** The latest reports of delivered time (the last 12 weeks kept). */
  reports: DeliveredReport[];
  /** Reassessments that kept the grant as it is, since the last decision (they number the next one). */
  keptAfterReassessment?: number;
  /** The last day a decided end (or the temporary end day) lets the grant run. */
  endDay?: LocalDate;
  /** The end was decided (not the temporary grant's own last day): the provider was told then. */
  endDecided?: boolean;
  /** The expiry decision (let it end / new grant) was recorded. */
  expiryDecided?: 'let_end' | 'new_grant';
  outcome?: 'refused' | 'ended' | 'expired';
  closedAt?: number;
  /** The continued runs (continue-as-new). */
  runs: number;
}

export class Refusal extends Error {}
const refuse = (message: string): never => {
  throw new Refusal(message);
};

export const REPORTS_KEPT = 12;

export function openedState(terms: GrantTerms, providerCode: string, decision: 'granted' | 'refused'): GrantState {
  return {
    terms,
    providerCode,
    step: decision,
    decisions: 1,
    reports: [],
    ...(terms.endsOn ? { endDay: terms.endsOn } : {}),
    ...(decision === 'refused' ? { outcome: 'refused' as const } : {}),
    runs: 0,
  };
}

// ---- keys --------------------------------------------------------------------------------------

/** The expiry decision's obligation (one per end day). */
export const expiryKey = (endDay: LocalDate) => `expiry-${endDay}`;
/**
 * The reassessment obligation after a significant deviation: one per decision number, and after a
 * reassessment that kept the grant as it is, one more per such reassessment (`reassess-<n>.<k>`).
 */
export const reassessKey = (n: number, kept = 0) => (kept ? `reassess-${n}.${kept}` : `reassess-${n}`);

/**
 * The assessor reassessed and kept the grant as it is: the delivered time is judged afresh from
 * the next report on (the weeks already judged do not open the next reassessment at once).
 */
export function keptAsItIs(s: GrantState): GrantState {
  return { ...s, reports: [], keptAfterReassessment: (s.keptAfterReassessment ?? 0) + 1 };
}
/** The 14:30 rule's phone task of a hand-over (one per decision number and provider). */
export const phoneKey = (n: number, provider: string) => `phone-${n}-${provider}`;

// ---- checks (the Updates' validators) ---------------------------------------------------------

export function checkOpen(s: GrantState): void {
  if (s.step !== 'granted') refuse(`the grant is ${s.step}`);
}

export function checkChange(s: GrantState, c: { fromDay: LocalDate; endsOn?: LocalDate | null }, today: LocalDate): void {
  checkOpen(s);
  if (c.fromDay < today) refuse(`fromDay ${c.fromDay} lies before today (${today}): a change takes effect from today or later`);
  if (s.endDay && c.fromDay > s.endDay) refuse(`fromDay ${c.fromDay} lies after the grant's last day ${s.endDay}`);
  if (c.endsOn && c.endsOn < c.fromDay) refuse(`endsOn ${c.endsOn} lies before fromDay ${c.fromDay}`);
  // a decided end stands: a change adjusts the help until then, it does not move or undo the end
  if (s.endDecided && c.endsOn !== undefined) refuse(`the end is decided (last day ${s.endDay}): a change cannot move it; help after it needs a new grant`);
}

export function checkEnd(s: GrantState, lastDay: LocalDate, today: LocalDate): void {
  checkOpen(s);
  if (lastDay < addDays(today, -1)) refuse(`lastDay ${lastDay} lies before yesterday: an end is decided from today`);
  if (lastDay < addDays(s.terms.startsOn, -1)) refuse(`lastDay ${lastDay} lies before the grant starts (${s.terms.startsOn})`);
  // an end brings the last day forward, never past it: continuing needs a new grant
  if (s.endDay && lastDay > s.endDay) refuse(`lastDay ${lastDay} lies after the grant's last day ${s.endDay}: an end cannot prolong the grant; help after it needs a new grant`);
}

export function checkProviderChange(s: GrantState, toProviderCode: string, today?: LocalDate, rules?: GrantRules): void {
  checkOpen(s);
  if (s.providerChange) refuse(`a change of provider to ${s.providerChange.toProviderCode} is under notice until ${s.providerChange.lastDayOfOld}`);
  if (toProviderCode === s.providerCode) refuse(`the grant is already handed to ${toProviderCode}`);
  if (today && rules && s.endDay) {
    const { firstDayOfNew } = providerChangeDay(today, rules.providerNoticeMonths);
    if (firstDayOfNew > s.endDay) refuse(`the grant's last day ${s.endDay} lies before the new provider's first day ${firstDayOfNew} (after the notice): the new provider would never deliver`);
  }
}

export function checkExpiryDecision(s: GrantState): void {
  checkOpen(s);
  if (!s.terms.endsOn) refuse('the grant is permanent: there is no expiry to decide');
  if (s.expiryDecided) refuse(`the expiry is decided already (${s.expiryDecided})`);
  if (s.endDecided) refuse(`the end is decided already (last day ${s.endDay})`);
}

/**
 * Who may report a week of delivered time: the provider delivering in that week — the current
 * one, or after a change the old one for weeks that start on or before its last day.
 */
export function checkReport(s: GrantState, r: DeliveredReport): void {
  if (s.step === 'refused') refuse('the grant was refused');
  const inOld = s.previousProvider && r.providerCode === s.previousProvider.providerCode && r.weekStart <= s.previousProvider.until;
  const inCurrent =
    r.providerCode === s.providerCode &&
    (!s.providerChange || r.weekStart <= s.providerChange.lastDayOfOld) &&
    // after a change: the new provider reports from the week of its first day, not the old one's weeks
    (!s.previousProvider || addDays(r.weekStart, 6) > s.previousProvider.until);
  if (!inOld && !inCurrent) refuse(`provider ${r.providerCode} does not deliver this grant in the week of ${r.weekStart}`);
  if (addDays(r.weekStart, 6) < s.terms.startsOn) refuse(`the week of ${r.weekStart} ends before the grant starts (${s.terms.startsOn})`);
}

// ---- transitions ------------------------------------------------------------------------------

export function changed(s: GrantState, c: { minutesPerDelivery: number; deliveriesPerWeek: number; fromDay: LocalDate; endsOn?: LocalDate | null }): GrantState {
  const endsOn = c.endsOn === undefined ? s.terms.endsOn : (c.endsOn ?? undefined);
  const terms: GrantTerms = { ...s.terms, minutesPerDelivery: c.minutesPerDelivery, deliveriesPerWeek: c.deliveriesPerWeek, ...(endsOn ? { endsOn } : {}) };
  if (!endsOn) delete terms.endsOn;
  // the delivered time is judged against the changed grant from now on: the earlier weeks no longer count
  const next: GrantState = { ...s, terms, reports: [], decisions: s.decisions + 1 };
  delete next.keptAfterReassessment;
  // a decided end stands (checkChange refuses a new endsOn after it): the change keeps its last day
  if (s.endDecided) return next;
  if (endsOn) next.endDay = endsOn;
  else delete next.endDay;
  if (endsOn !== s.terms.endsOn) delete next.expiryDecided;
  return next;
}

export function endDecided(s: GrantState, lastDay: LocalDate): GrantState {
  return { ...s, endDay: lastDay, endDecided: true, decisions: s.decisions + 1 };
}

export function providerChangeDecided(s: GrantState, toProviderCode: string, today: LocalDate, rules: GrantRules): GrantState {
  const { lastDayOfOld, firstDayOfNew } = providerChangeDay(today, rules.providerNoticeMonths);
  return { ...s, providerChange: { toProviderCode, noticeOn: today, lastDayOfOld, firstDayOfNew }, decisions: s.decisions + 1 };
}

/** The first day of the new provider has come: the grant passes to it. */
export function providerChanged(s: GrantState): GrantState {
  const c = s.providerChange!;
  const { providerChange: _done, ...rest } = s;
  return { ...rest, providerCode: c.toProviderCode, previousProvider: { providerCode: s.providerCode, until: c.lastDayOfOld } };
}

export function expiryDecided(s: GrantState, outcome: 'let_end' | 'new_grant'): GrantState {
  return { ...s, expiryDecided: outcome };
}

/** A week's report: the latest per (week, provider) kept, the last REPORTS_KEPT weeks. */
export function reported(s: GrantState, r: DeliveredReport): GrantState {
  const others = s.reports.filter((x) => !(x.weekStart === r.weekStart && x.providerCode === r.providerCode));
  const reports = [...others, r].sort((a, b) => a.weekStart.localeCompare(b.weekStart)).slice(-REPORTS_KEPT);
  return { ...s, reports };
}

/** The verdict of the rule on the reports (weeks of more than one provider are added together). */
export function deliveredVerdict(s: GrantState): DeliveredTimeVerdict | undefined {
  const byWeek = new Map<string, number>();
  for (const r of s.reports) byWeek.set(r.weekStart, (byWeek.get(r.weekStart) ?? 0) + r.minutes);
  const weeks = [...byWeek].map(([weekStart, minutes]) => ({ weekStart, minutes }));
  return deliveredTimeOfWeeks(weeks, s.terms);
}

export function ended(s: GrantState, outcome: 'ended' | 'expired', at: number): GrantState {
  return { ...s, step: 'ended', outcome, closedAt: at };
}

export function closedRefused(s: GrantState, at: number): GrantState {
  return { ...s, closedAt: at };
}

// ---- timers -------------------------------------------------------------------------------------

/** The instant the grant ends: the start of the day after its last day. */
export function endInstant(s: GrantState): number | undefined {
  return s.step === 'granted' && s.endDay ? localInstant(addDays(s.endDay, 1)) : undefined;
}

/** The instant the grant passes to the new provider: the start of its first day. */
export function providerChangeInstant(s: GrantState): number | undefined {
  return s.step === 'granted' && s.providerChange ? localInstant(s.providerChange.firstDayOfNew) : undefined;
}

/** The expiry decision's due day (not before today). */
export function expiryDueDay(endsOn: LocalDate, rules: GrantRules, now: number): LocalDate {
  const due = expiryDecisionDay(endsOn, rules.expiryLeadDays);
  const today = localDate(now);
  return due < today ? today : due;
}

/** Who decided, for the 14:30 rule's phone task. */
export type Decider = ActorRole;
export type { GrantReason };
