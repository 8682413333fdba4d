/**
 * Obligations (frister): everything a case waits for, one model for every case type.
 *
 * An obligation has a key (unique within its case, e.g. `deadline-12w`, `meeting-3`), a kind
 * (its rules: action, who acts, who gets the escalation, when it is at risk — see
 * `OBLIGATION_KINDS` in rules.ts), a due day (Copenhagen date), the instant it becomes at risk,
 * the instant its escalation fires (the overnight rule) and a state:
 *
 *   on_track ──(at-risk instant)──▶ at_risk ──(escalation instant)──▶ breached
 *       │                              │                                  │
 *       └──────────── met ─────────────┘                      met_late ◀──┘   (cancelled: the case moved on / ended)
 *
 *   on_track / at_risk ──(citizen on leave, a kind that pauses)──▶ paused ──(back)──▶ on_track / at_risk
 *   (paused: its clock stands still; on resuming, every instant still to come moves by the pause's length)
 *
 * Pure data and pure functions: no clock but the `now` handed in, no I/O. The clock
 * (case-core.ts) applies them inside the workflow; the unit tests apply them without a server.
 */
import { addDays, formatLocal, localDate, localInstant, overnightAfter, type LocalDate } from '../../domain/calendar.js';
import { escalationRecipient, OBLIGATION_KINDS, type ActorRole, type ObligationKind } from '../../domain/rules.js';

export type SlaState = 'on_track' | 'at_risk' | 'breached' | 'paused';
export type ObligationState = SlaState | 'met' | 'met_late' | 'cancelled';

export interface Warning {
  /** Escalation-row key of the warning (e.g. `deadline-warning-8w`). */
  key: string;
  at: number;
  firedAt?: number;
}

export interface Obligation {
  key: string;
  kind: ObligationKind;
  /** Who must act (the kind's actor unless the case says otherwise). */
  actor: ActorRole;
  /** Team that must act, where known. */
  team?: string;
  escalateTo: ActorRole;
  dueDay: LocalDate;
  /** The instant it becomes at risk. */
  atRiskAt: number;
  /** The instant its escalation fires (overnight after the due day, or a reply instant). */
  escalateAt: number;
  /** Warnings before the escalation (each fires once). */
  warnings: Warning[];
  openedAt: number;
  state: ObligationState;
  atRiskSince?: number;
  breachedAt?: number;
  closedAt?: number;
  /** Paused (the citizen is on leave, orlov): since when, and the state it resumes in. */
  pausedAt?: number;
  resumeState?: 'on_track' | 'at_risk';
  /** How long it has stood paused in all (ms): its instants moved by this much. */
  pausedMs?: number;
  /** Short code-only facts for the escalation message (numbers, dates, codes: never free text). */
  params?: Record<string, string | number>;
}

export const OPEN_STATES: readonly ObligationState[] = ['on_track', 'at_risk', 'breached', 'paused'];
export const isOpen = (o: Obligation): boolean => OPEN_STATES.includes(o.state);

export interface OpenOptions {
  key: string;
  kind: ObligationKind;
  now: number;
  /** Day-based: due by the end of this day; the escalation fires overnight after it. */
  dueDay?: LocalDate;
  /** Instant-based (reply times): due at this instant, which is also when it escalates. */
  dueAt?: number;
  escalationLocalHour: number;
  /** Warning instants (key + instant), e.g. the 12-week deadline's 8- and 11-week warnings. */
  warnings?: { key: string; at: number }[];
  actor?: ActorRole;
  team?: string;
  params?: Record<string, string | number>;
  /** The at-risk instant, for a kind whose rule is `given` (the case computes it from its rule set). */
  atRiskAt?: number;
}

/** A new obligation, its instants computed from its kind's rules. */
export function newObligation(o: OpenOptions): Obligation {
  const rule = OBLIGATION_KINDS[o.kind];
  if (o.dueDay === undefined && o.dueAt === undefined) throw new Error(`obligation ${o.key}: a due day or a due instant is needed`);
  const dueDay = o.dueDay ?? localDate(o.dueAt!);
  const escalateAt = o.dueAt ?? overnightAfter(dueDay, o.escalationLocalHour);
  const warnings = (o.warnings ?? []).map((w) => ({ key: w.key, at: w.at }));
  const atRisk = rule.atRisk as { daysBeforeDue?: number; hoursBeforeDue?: number; firstWarning?: true; immediately?: true; given?: true };
  let atRiskAt: number;
  if (atRisk.given) atRiskAt = o.atRiskAt ?? escalateAt;
  else if (atRisk.immediately) atRiskAt = o.now;
  else if (atRisk.firstWarning) atRiskAt = warnings.length ? Math.min(...warnings.map((w) => w.at)) : escalateAt;
  else if (atRisk.hoursBeforeDue !== undefined) atRiskAt = escalateAt - atRisk.hoursBeforeDue * 3_600_000;
  else atRiskAt = localInstant(addDays(dueDay, -(atRisk.daysBeforeDue ?? 0)));
  atRiskAt = Math.min(atRiskAt, escalateAt);
  return {
    key: o.key,
    kind: o.kind,
    actor: o.actor ?? rule.actor,
    ...(o.team ? { team: o.team } : {}),
    escalateTo: escalationRecipient(o.kind, o.actor),
    dueDay,
    atRiskAt,
    escalateAt,
    warnings,
    openedAt: o.now,
    state: 'on_track',
    ...(o.params ? { params: o.params } : {}),
  };
}

/** What became due at `now`, applied to the obligation (state changed in place). */
export type ClockEffect =
  | { type: 'at_risk'; obligation: Obligation }
  | { type: 'warning'; obligation: Obligation; warning: Warning }
  | { type: 'breach'; obligation: Obligation };

/**
 * Applies every instant that has passed by `now`, in time order, and returns what happened
 * (the clock writes warnings and escalations for them). Idempotent: a second call with the
 * same `now` returns nothing.
 */
export function advance(obligations: Obligation[], now: number): ClockEffect[] {
  const due: { at: number; order: number; apply: () => ClockEffect | undefined }[] = [];
  for (const o of obligations) {
    if (!isOpen(o) || o.state === 'paused') continue;
    if (o.state === 'on_track' && o.atRiskAt <= now) {
      due.push({
        at: o.atRiskAt,
        order: 0,
        apply: () => {
          if (o.state !== 'on_track') return undefined;
          o.state = 'at_risk';
          o.atRiskSince = o.atRiskAt;
          return { type: 'at_risk', obligation: o };
        },
      });
    }
    for (const w of o.warnings) {
      if (w.firedAt === undefined && w.at <= now && w.at < o.escalateAt) {
        due.push({
          at: w.at,
          order: 1,
          apply: () => {
            w.firedAt = now;
            return { type: 'warning', obligation: o, warning: w };
          },
        });
      }
    }
    if (o.state !== 'breached' && o.escalateAt <= now) {
      due.push({
        at: o.escalateAt,
        order: 2,
        apply: () => {
          if (o.atRiskSince === undefined) o.atRiskSince = Math.min(o.atRiskAt, o.escalateAt);
          o.state = 'breached';
          o.breachedAt = now;
          return { type: 'breach', obligation: o };
        },
      });
    }
  }
  due.sort((a, b) => a.at - b.at || a.order - b.order);
  const effects: ClockEffect[] = [];
  for (const d of due) {
    const e = d.apply();
    if (e) effects.push(e);
  }
  return effects;
}

/** The earliest instant still to come (at risk, warning, escalation), or undefined. */
export function nextInstant(obligations: Obligation[]): number | undefined {
  let next: number | undefined;
  const consider = (t: number) => {
    if (next === undefined || t < next) next = t;
  };
  for (const o of obligations) {
    if (!isOpen(o) || o.state === 'paused') continue;
    if (o.state === 'on_track') consider(o.atRiskAt);
    for (const w of o.warnings) if (w.firedAt === undefined && w.at < o.escalateAt) consider(w.at);
    if (o.state !== 'breached') consider(o.escalateAt);
  }
  return next;
}

/** Closes an open obligation: `met` (in time), `met_late` (after its escalation fired), or `cancelled`. */
export function closeObligation(o: Obligation, now: number, how: 'met' | 'cancelled'): boolean {
  if (!isOpen(o)) return false;
  o.closedAt = now;
  if (o.state === 'paused') {
    // met while paused: in time (its escalation cannot have fired); the pause ends with it
    o.state = o.resumeState ?? 'on_track';
    delete o.pausedAt;
    delete o.resumeState;
    if (how === 'met') {
      o.state = 'met';
      return true;
    }
  }
  o.state = how === 'cancelled' ? 'cancelled' : o.state === 'breached' || now >= o.escalateAt ? 'met_late' : 'met';
  return true;
}

/**
 * Pauses an open obligation whose clock cannot run while the citizen is on leave (its kind's
 * `pausesOnLeave`): no instant of it falls due until it resumes. A breached obligation stays
 * breached (its escalation fired). Returns whether it paused.
 */
export function pauseObligation(o: Obligation, now: number): boolean {
  if (o.state !== 'on_track' && o.state !== 'at_risk') return false;
  o.resumeState = o.state;
  o.pausedAt = now;
  o.state = 'paused';
  return true;
}

/**
 * Resumes a paused obligation with the time it had left: its at-risk instant, its unfired
 * warnings and its escalation instant move by the pause's length, to the millisecond; its due
 * day becomes the Copenhagen day the moved end of the due day falls on. Returns the shift (ms).
 */
export function resumeObligation(o: Obligation, now: number): number {
  if (o.state !== 'paused' || o.pausedAt === undefined) return 0;
  const shift = Math.max(0, now - o.pausedAt);
  const endOfDueDay = localInstant(addDays(o.dueDay, 1)) - 1;
  o.dueDay = localDate(endOfDueDay + shift);
  o.atRiskAt += shift;
  o.escalateAt += shift;
  for (const w of o.warnings) if (w.firedAt === undefined) w.at += shift;
  o.pausedMs = (o.pausedMs ?? 0) + shift;
  // still at risk only where its moved at-risk instant has passed (it has not: it moved with the clock)
  o.state = o.resumeState === 'at_risk' && o.atRiskAt <= now ? 'at_risk' : 'on_track';
  if (o.state === 'on_track') delete o.atRiskSince;
  delete o.pausedAt;
  delete o.resumeState;
  return shift;
}

const URGENCY: Record<SlaState, number> = { breached: 0, at_risk: 1, on_track: 2, paused: 3 };

/** Most urgent first: breached, then at risk, then by escalation instant. */
export function byUrgency(a: Obligation, b: Obligation): number {
  return URGENCY[a.state as SlaState] - URGENCY[b.state as SlaState] || a.escalateAt - b.escalateAt || a.key.localeCompare(b.key);
}

export interface CaseSla {
  /** The case's worst open obligation (null: nothing open). */
  slaState: SlaState | null;
  /** The most urgent open obligation. */
  next?: Obligation;
  /**
   * The next escalation still to come (open, not yet breached): its instant and its Copenhagen
   * due day. What the `cases` row and the status query call `nextDueAt` / `nextDueDay`; the
   * search attribute `NextEscalationAt`.
   */
  nextDueAt?: number;
  nextDueDay?: LocalDate;
  /**
   * The open obligation with the earliest due day, breached ones included (ties: the earlier
   * escalation instant, then the key): how late the case is. The search attributes `NextDueDay`
   * (its due day) and `NextDueAt` (the instant its escalation fires, or fired once breached).
   */
  earliest?: Obligation;
  escalated: boolean;
}

/** Earliest due day first, then the earlier escalation instant, then the key. */
export function byDueDay(a: Obligation, b: Obligation): number {
  return a.dueDay.localeCompare(b.dueDay) || a.escalateAt - b.escalateAt || a.key.localeCompare(b.key);
}

export function caseSla(obligations: Obligation[]): CaseSla {
  const open = obligations.filter(isOpen).sort(byUrgency);
  const pending = open.filter((o) => o.state !== 'breached' && o.state !== 'paused').sort((a, b) => a.escalateAt - b.escalateAt);
  const nextDue = pending[0];
  const earliest = [...open].sort(byDueDay)[0];
  return {
    slaState: open.length ? (open[0]!.state as SlaState) : null,
    ...(open[0] ? { next: open[0] } : {}),
    ...(nextDue ? { nextDueAt: nextDue.escalateAt, nextDueDay: nextDue.dueDay } : {}),
    ...(earliest ? { earliest } : {}),
    escalated: open.some((o) => o.state === 'breached'),
  };
}

/** The obligation as people read it (API, queries): local ISO instants and its action labels. */
export function describeObligation(o: Obligation) {
  const rule = OBLIGATION_KINDS[o.kind];
  const fmt = (t: number | undefined) => (t === undefined ? undefined : formatLocal(t));
  return {
    key: o.key,
    kind: o.kind,
    action: rule.action,
    actor: { role: o.actor, ...(o.team ? { team: o.team } : {}) },
    escalateTo: o.escalateTo,
    dueDay: o.dueDay,
    atRiskAt: formatLocal(o.atRiskAt),
    escalationAt: formatLocal(o.escalateAt),
    state: o.state,
    ...(o.warnings.length ? { warnings: o.warnings.map((w) => ({ key: w.key, at: formatLocal(w.at), firedAt: fmt(w.firedAt) })) } : {}),
    openedAt: formatLocal(o.openedAt),
    ...(o.atRiskSince !== undefined ? { atRiskSince: formatLocal(o.atRiskSince) } : {}),
    ...(o.breachedAt !== undefined ? { breachedAt: formatLocal(o.breachedAt) } : {}),
    ...(o.closedAt !== undefined ? { closedAt: formatLocal(o.closedAt) } : {}),
    ...(o.pausedAt !== undefined ? { pausedSince: formatLocal(o.pausedAt) } : {}),
    ...(o.pausedMs ? { pausedMs: o.pausedMs } : {}),
  };
}
export type ObligationView = ReturnType<typeof describeObligation>;
