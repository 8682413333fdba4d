/**
 * The obligation model (workflows/shared/obligations.ts), pure: instants from the kinds' rules,
 * the state machine on_track → at_risk → breached, met / met_late / cancelled, and the case's
 * SLA (its worst open obligation) — without a server.
 */
import { describe, expect, it } from 'vitest';
import { localInstant } from '../domain/calendar.js';
import {
  advance,
  byUrgency,
  caseSla,
  closeObligation,
  newObligation,
  nextInstant,
  pauseObligation,
  resumeObligation,
} from '../workflows/shared/obligations.js';

const t = (iso: string) => Date.parse(iso);

describe('obligations', () => {
  it('a day-based obligation: at risk 00:00 two days before its due day, escalates 00:00 after it (winter time)', () => {
    const o = newObligation({ key: 'follow-up-visit', kind: 'follow_up_visit', now: t('2026-12-01T10:00:00+01:00'), dueDay: '2026-12-08', escalationLocalHour: 0 });
    expect(o.atRiskAt).toBe(t('2026-12-06T00:00:00+01:00'));
    expect(o.escalateAt).toBe(t('2026-12-09T00:00:00+01:00'));
    expect(o.actor).toBe('needs_assessor');
    expect(o.state).toBe('on_track');
  });

  it('across the change to summer time the instants stay at local midnight', () => {
    const o = newObligation({ key: 'x', kind: 'follow_up_visit', now: t('2027-03-20T10:00:00+01:00'), dueDay: '2027-03-28', escalationLocalHour: 0 });
    expect(o.atRiskAt).toBe(t('2027-03-26T00:00:00+01:00'));
    expect(o.escalateAt).toBe(t('2027-03-29T00:00:00+02:00'));
  });

  it('moves on_track → at_risk → breached exactly at its instants, each once', () => {
    const o = newObligation({ key: 'k', kind: 'stay_reassessment', now: t('2026-12-01T09:00:00+01:00'), dueDay: '2026-12-10', escalationLocalHour: 0 });
    expect(advance([o], o.atRiskAt - 1)).toEqual([]);
    expect(advance([o], o.atRiskAt).map((e) => e.type)).toEqual(['at_risk']);
    expect(o.state).toBe('at_risk');
    expect(advance([o], o.atRiskAt + 1000)).toEqual([]);
    expect(nextInstant([o])).toBe(o.escalateAt);
    expect(advance([o], o.escalateAt - 1)).toEqual([]);
    const breach = advance([o], o.escalateAt);
    expect(breach.map((e) => e.type)).toEqual(['breach']);
    expect(o).toMatchObject({ state: 'breached', breachedAt: o.escalateAt, atRiskSince: o.atRiskAt });
    expect(nextInstant([o])).toBeUndefined();
    expect(advance([o], o.escalateAt + 86_400_000)).toEqual([]);
  });

  it('a clock that wakes late applies every passed instant in time order', () => {
    const o = newObligation({ key: 'k', kind: 'help_follow_up', now: 0, dueDay: '2026-12-10', escalationLocalHour: 0 });
    expect(advance([o], o.escalateAt + 5000).map((e) => e.type)).toEqual(['at_risk', 'breach']);
  });

  it('the 12-week deadline is at risk at its first warning and warns before it escalates', () => {
    const received = '2026-12-01';
    const w8 = localInstant('2027-01-26');
    const w11 = localInstant('2027-02-16');
    const o = newObligation({
      key: 'deadline-12w',
      kind: 'psychiatric_case_deadline',
      now: localInstant(received, 10),
      dueDay: '2027-02-23',
      escalationLocalHour: 0,
      warnings: [
        { key: 'deadline-warning-8w', at: w8 },
        { key: 'deadline-warning-11w', at: w11 },
      ],
    });
    expect(o.atRiskAt).toBe(w8);
    expect(advance([o], w8).map((e) => e.type)).toEqual(['at_risk', 'warning']);
    expect(nextInstant([o])).toBe(w11);
    expect(advance([o], w11).map((e) => (e.type === 'warning' ? e.warning.key : e.type))).toEqual(['deadline-warning-11w']);
    expect(advance([o], o.escalateAt).map((e) => e.type)).toEqual(['breach']);
  });

  it('an instant-based reply time is at risk 6 hours before and due at the instant itself', () => {
    const offeredAt = t('2026-12-01T15:00:00+01:00');
    const replyBy = offeredAt + 24 * 3_600_000;
    const o = newObligation({ key: 'offer-1', kind: 'offer_reply', now: offeredAt, dueAt: replyBy, escalationLocalHour: 0 });
    expect(o.atRiskAt).toBe(replyBy - 6 * 3_600_000);
    expect(o.escalateAt).toBe(replyBy);
    expect(o.dueDay).toBe('2026-12-02');
  });

  it('a same-day task is at risk at once', () => {
    const now = t('2026-12-01T15:00:00+01:00');
    const o = newObligation({ key: 'phone', kind: 'provider_phone_call', now, dueDay: '2026-12-01', escalationLocalHour: 0, actor: 'discharge_coordinator' });
    expect(o.atRiskAt).toBe(now);
    expect(o.actor).toBe('discharge_coordinator');
  });

  it('met in time is met, met after the escalation is met_late, cancelled stays cancelled', () => {
    const mk = () => newObligation({ key: 'k', kind: 'follow_up_visit', now: 0, dueDay: '2026-12-08', escalationLocalHour: 0 });
    const a = mk();
    expect(closeObligation(a, a.escalateAt - 1, 'met')).toBe(true);
    expect(a.state).toBe('met');
    expect(closeObligation(a, a.escalateAt, 'met')).toBe(false);
    const b = mk();
    advance([b], b.escalateAt);
    closeObligation(b, b.escalateAt + 10, 'met');
    expect(b).toMatchObject({ state: 'met_late', closedAt: b.escalateAt + 10 });
    const c = mk();
    closeObligation(c, 5, 'cancelled');
    expect(c.state).toBe('cancelled');
    expect(advance([a, b, c], c.escalateAt + 1e9)).toEqual([]);
  });

  it("the case's SLA is its worst open obligation; the next due is the earliest escalation still to come", () => {
    const a = newObligation({ key: 'a', kind: 'follow_up_visit', now: 0, dueDay: '2026-12-08', escalationLocalHour: 0 });
    const b = newObligation({ key: 'b', kind: 'help_follow_up', now: 0, dueDay: '2026-12-20', escalationLocalHour: 0 });
    expect(caseSla([a, b])).toMatchObject({ slaState: 'on_track', nextDueDay: '2026-12-08', escalated: false });
    advance([a, b], a.escalateAt);
    const sla = caseSla([a, b]);
    expect(sla).toMatchObject({ slaState: 'breached', nextDueDay: '2026-12-20', escalated: true });
    expect(sla.next?.key).toBe('a');
    // the earliest open due day stays the breached one (the Web UI's NextDueDay: how late the case is)
    expect(sla.earliest?.key).toBe('a');
    expect(caseSla([b, a]).earliest?.dueDay).toBe('2026-12-08');
    expect([b, a].sort(byUrgency).map((o) => o.key)).toEqual(['a', 'b']);
    closeObligation(a, a.escalateAt + 1, 'met');
    closeObligation(b, a.escalateAt + 1, 'cancelled');
    expect(caseSla([a, b])).toMatchObject({ slaState: null, escalated: false });
    expect(caseSla([a, b]).earliest).toBeUndefined();
  });
});

describe('paused while the citizen is on leave (orlov)', () => {
  it('nothing falls due while paused; resumed, every instant moves by the pause to the millisecond, the due day with them', () => {
    const o = newObligation({ key: 'vulnerability-assessment', kind: 'vulnerability_assessment', now: t('2026-12-04T10:00:00+01:00'), dueDay: '2026-12-07', escalationLocalHour: 0 });
    expect(o.escalateAt).toBe(t('2026-12-08T00:00:00+01:00'));
    expect(pauseObligation(o, t('2026-12-04T10:00:00.250+01:00'))).toBe(true);
    expect(caseSla([o]).slaState).toBe('paused');
    expect(caseSla([o]).nextDueAt).toBeUndefined();
    expect(nextInstant([o])).toBeUndefined();
    expect(advance([o], t('2026-12-09T00:00:00+01:00'))).toEqual([]);
    expect(o.state).toBe('paused');
    const shift = resumeObligation(o, t('2026-12-09T04:30:00.750+01:00'));
    expect(shift).toBe(t('2026-12-09T04:30:00.750+01:00') - t('2026-12-04T10:00:00.250+01:00'));
    expect(o.escalateAt).toBe(t('2026-12-08T00:00:00+01:00') + shift);
    expect(o.atRiskAt).toBe(t('2026-12-07T00:00:00+01:00') + shift);
    expect(o.escalateAt).toBe(t('2026-12-12T18:30:00.500+01:00'));
    expect(o.dueDay).toBe('2026-12-12');
    expect(o.state).toBe('on_track');
    expect(o.pausedMs).toBe(shift);
    expect(advance([o], o.escalateAt - 1).map((e) => e.type)).toEqual(['at_risk']);
    expect(advance([o], o.escalateAt).map((e) => e.type)).toEqual(['breach']);
  });

  it('a breached obligation does not pause; one met while paused is met', () => {
    const o = newObligation({ key: 'x', kind: 'vulnerability_assessment', now: t('2026-12-04T10:00:00+01:00'), dueDay: '2026-12-07', escalationLocalHour: 0 });
    pauseObligation(o, t('2026-12-05T10:00:00+01:00'));
    expect(closeObligation(o, t('2026-12-10T10:00:00+01:00'), 'met')).toBe(true);
    expect(o.state).toBe('met');
    const b = newObligation({ key: 'y', kind: 'vulnerability_assessment', now: t('2026-12-04T10:00:00+01:00'), dueDay: '2026-12-07', escalationLocalHour: 0 });
    advance([b], t('2026-12-08T00:00:00+01:00'));
    expect(pauseObligation(b, t('2026-12-08T10:00:00+01:00'))).toBe(false);
    expect(b.state).toBe('breached');
  });
});
