/**
 * The psychiatric case's state without a server: steps, refusals, the obligations a state
 * implies (keys, kinds, due days, instants), the clock's effects on the state, and the status.
 */
import { describe, expect, it } from 'vitest';
import { addDays, localDate, localInstant, overnightAfter } from '../domain/calendar.js';
import { defaultRules } from '../domain/rules.js';
import { advance, closeObligation, newObligation, type Obligation } from '../workflows/shared/obligations.js';
import {
  applyClockEffect,
  assertNotEnded,
  deadlineObligation,
  detailsOf,
  endCase,
  escalationMessage,
  flagLongCourse,
  impliedObligations,
  initialState,
  meetingDueDay,
  pendingDeadlines,
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
  validateStatusMeeting,
  type ObligationSpec,
  type PsychiatricState,
} from '../workflows/psychiatric/state.js';

const rules = defaultRules;
const receivedAt = localInstant('2027-01-04', 9);
const fresh = (over: Partial<Parameters<typeof initialState>[0]> = {}) =>
  initialState({ notice: 'forvarsling', receivedAt, ...over });
const open = (spec: ObligationSpec, now = receivedAt): Obligation =>
  newObligation({ ...spec, now: spec.now ?? now, escalationLocalHour: rules.escalationLocalHour });
const keysOf = (s: PsychiatricState) => impliedObligations(s, rules).map((o) => o.key);

describe('steps', () => {
  it('open → citizen_involved → placed_in_offer / external_place_bought → closed', () => {
    const s = fresh();
    expect(stepOf(s)).toBe('open');
    recordInvolvement(s, receivedAt, 'offer-1');
    expect(stepOf(s)).toBe('citizen_involved');
    s.placement = { kind: 'own_offer', offerId: 'o', placeId: 'p', label: 'Room 1', decidedAt: receivedAt };
    expect(stepOf(s)).toBe('placed_in_offer');
    s.placement = { kind: 'external', providerId: '5b0c2a9e-0000-4000-8000-00000000e57e', decidedAt: receivedAt };
    expect(stepOf(s)).toBe('external_place_bought');
    endCase(s, { outcome: 'discharged_external' }, receivedAt + 1000);
    expect(stepOf(s)).toBe('closed');
    expect(s.endedAt).toBe(receivedAt + 1000);
  });

  it('a færdigmelding sets the ready time (bed-days); a forvarsling does not', () => {
    expect(fresh().readyAt).toBeUndefined();
    expect(fresh({ notice: 'faerdigmelding', readyAt: receivedAt - 3_600_000 }).readyAt).toBe(receivedAt - 3_600_000);
    const s = fresh();
    recordNotice(s, { notice: 'faerdigmelding', receivedAt: receivedAt + 5, readyAt: receivedAt + 2 });
    expect(s.readyAt).toBe(receivedAt + 2);
    expect(s.notices.map((n) => n.kind)).toEqual(['forvarsling', 'faerdigmelding']);
  });
});

describe('refusals (validators throw the reason)', () => {
  it('an ended case refuses everything', () => {
    const s = fresh();
    endCase(s, { outcome: 'withdrawn' }, receivedAt);
    for (const v of [
      () => assertNotEnded(s),
      () => validateFlagLongCourse(s),
      () => validateNotice(s, { notice: 'faerdigmelding', receivedAt }),
      () => validateDisagreement(s),
      () => validateEnd(s, { outcome: 'withdrawn' }, false),
    ]) {
      expect(v).toThrow(/the case has ended \(withdrawn\)/);
    }
  });

  it('notices, long course, status meetings', () => {
    const s = fresh();
    expect(() => validateNotice(s, { notice: 'forvarsling', receivedAt })).toThrow(/a forvarsling is already recorded/);
    expect(() => validateNotice(s, { notice: 'faerdigmelding', receivedAt })).not.toThrow();
    expect(() => validateStatusMeeting(s, '2027-01-04', '2027-01-04')).toThrow(/not flagged as a potential long course/);
    flagLongCourse(s, receivedAt, 'psychiatry_coordinator');
    expect(() => validateFlagLongCourse(s)).toThrow(/already flagged .*since 2027-01-04/);
    expect(() => validateStatusMeeting(s, '2027-01-05', '2027-01-04')).toThrow(/in the future/);
    expect(() => validateStatusMeeting(s, '2027-01-03', '2027-01-04')).toThrow(/before the case was flagged/);
    expect(() => validateStatusMeeting(s, '2027-01-04', '2027-01-04')).not.toThrow();
    recordMeeting(s, '2027-01-04');
    // meeting 2's period starts on meeting 1's due day
    expect(() => validateStatusMeeting(s, '2027-01-17', '2027-01-17')).toThrow(
      /^status meeting 2 is due 2027-02-01; its period starts 2027-01-18, and a meeting on 2027-01-17 belongs to an earlier period$/,
    );
    expect(() => validateStatusMeeting(s, '2027-01-18', '2027-01-18')).not.toThrow();
  });

  it('placements, disagreements, chief decisions, the end', () => {
    const s = fresh({ notice: 'faerdigmelding', readyAt: receivedAt });
    expect(() => validatePlacement(s, false)).toThrow(/involvement .* must be recorded before a placement/);
    recordInvolvement(s, receivedAt);
    expect(() => validatePlacement(s, true)).toThrow(/another placement decision is being recorded/);
    expect(() => validatePlacement(s, false)).not.toThrow();
    expect(() => validateEnd(s, { outcome: 'discharged_to_offer' }, false)).toThrow(/needs a placement decision/);
    expect(() => validateEnd(s, { outcome: 'discharged_external' }, false)).toThrow(/buy an external place first/);
    expect(() => validateEnd(s, { outcome: 'discharged_home', at: receivedAt - 1 }, false)).toThrow(/cannot be before the færdigmelding/);
    expect(() => validateEnd(s, { outcome: 'withdrawn', at: receivedAt - 1 }, false)).not.toThrow();
    expect(() => validateEnd(s, { outcome: 'discharged_home' }, true)).toThrow(/placement decision is being recorded/);
    s.placement = { kind: 'own_offer', offerId: 'o', placeId: 'p', label: 'Room 7', decidedAt: receivedAt };
    expect(() => validatePlacement(s, false)).toThrow(/already decided \(place Room 7\)/);
    expect(() => validateEnd(s, { outcome: 'discharged_to_offer' }, false)).not.toThrow();

    expect(() => validateChiefDecision(s)).toThrow(/no open disagreement/);
    const d = raiseDisagreement(s, receivedAt, 'hospital', true);
    expect(d).toMatchObject({ number: 1, raisedDay: '2027-01-04', dueDay: '2027-01-11' });
    expect(() => validateDisagreement(s)).toThrow(/disagreement 1 \(raised 2027-01-04\) awaits its chief-level decision/);
    const decided = recordChiefDecision(s, localInstant('2027-01-11', 23), 'municipality_support_upheld', false);
    expect(decided.chiefDecision).toMatchObject({ withinDeadline: true, day: '2027-01-11' });
    expect(decided.regionRefusesDischarge).toBe(false);
    expect(() => validateChiefDecision(s)).toThrow(/no open disagreement/);
    expect(() => validateDisagreement(s)).not.toThrow();
    raiseDisagreement(s, localInstant('2027-01-20', 10), 'psychiatry_coordinator', false);
    expect(recordChiefDecision(s, localInstant('2027-01-28', 0, 1), 'region_view_accepted').chiefDecision?.withinDeadline).toBe(false);
  });
});

describe('the obligations a state implies', () => {
  it('the 12-week deadline: due received day + 84, warnings at 00:00 of + 8 and + 11 weeks, at risk from the first warning', () => {
    const s = fresh();
    expect(keysOf(s)).toEqual(['deadline-12w']);
    const spec = deadlineObligation(s, rules);
    expect(spec).toMatchObject({ key: 'deadline-12w', kind: 'psychiatric_case_deadline', dueDay: '2027-03-29', now: receivedAt });
    expect(spec.warnings).toEqual([
      { key: 'deadline-warning-8w', at: localInstant('2027-03-01', 0) },
      { key: 'deadline-warning-11w', at: localInstant('2027-03-22', 0) },
    ]);
    const o = open(spec);
    expect(o.atRiskAt).toBe(localInstant('2027-03-01', 0));
    expect(o.escalateAt).toBe(overnightAfter('2027-03-29', 0));
    expect(o).toMatchObject({ actor: 'psychiatry_coordinator', escalateTo: 'area_chief', state: 'on_track' });
    // with the overnight hour at 06:00 the warnings move with it
    const six = deadlineObligation(s, { ...rules, escalationLocalHour: 6 });
    expect(six.warnings![0]!.at).toBe(localInstant('2027-03-01', 6));
  });

  it('a status meeting every 14 days from the flag day; a chief level within 7 days; nothing once ended', () => {
    const s = fresh();
    flagLongCourse(s, localInstant('2027-01-10', 14), 'psychiatry_coordinator');
    raiseDisagreement(s, localInstant('2027-01-12', 9), 'hospital', true);
    const specs = impliedObligations(s, rules);
    expect(specs.map((o) => [o.key, o.kind, o.dueDay])).toEqual([
      ['deadline-12w', 'psychiatric_case_deadline', '2027-03-29'],
      ['meeting-1', 'psychiatric_status_meeting', '2027-01-24'],
      ['chief-level-1', 'psychiatric_chief_level', '2027-01-19'],
    ]);
    const meeting = open(specs[1]!, localInstant('2027-01-10', 14));
    expect(meeting.atRiskAt).toBe(localInstant('2027-01-22', 0)); // 2 days before its due day
    expect(meeting.escalateAt).toBe(overnightAfter('2027-01-24', 0));
    expect(recordMeeting(s, '2027-01-24')).toMatchObject({ number: 1, dueDay: '2027-01-24', late: false, nextDueDay: '2027-02-07' });
    recordChiefDecision(s, localInstant('2027-01-13', 9), 'region_view_accepted');
    expect(keysOf(s)).toEqual(['deadline-12w', 'meeting-2']);
    expect(meetingDueDay('2027-01-10', 3)).toBe('2027-02-21');
    endCase(s, { outcome: 'discharged_home' }, localInstant('2027-02-01', 9));
    expect(keysOf(s)).toEqual([]);
  });
});

describe('the clock on the state', () => {
  it('first warning with no placement: the system flags a long course (meeting 1 due 14 days later); a missed meeting makes the next due', () => {
    const s = fresh();
    const deadline = open(deadlineObligation(s, rules));
    const w8 = localInstant('2027-03-01', 0);
    const effects = advance([deadline], w8);
    expect(effects.map((e) => e.type)).toEqual(['at_risk', 'warning']);
    for (const e of effects) applyClockEffect(s, e, rules, w8);
    expect(s.longCourse).toEqual({ flaggedAt: w8, flaggedDay: '2027-03-01', by: 'system' });
    expect(keysOf(s)).toContain('meeting-1');
    expect(escalationMessage(effects[1]!)).toBe(
      'Warning: no placement is decided yet; the 12-week case-processing deadline (sagsbehandlingsfrist) is 2027-03-29.',
    );

    const meeting1 = open(impliedObligations(s, rules)[1]!, w8);
    const missedAt = overnightAfter('2027-03-15', 0);
    const breach = advance([meeting1], missedAt).find((e) => e.type === 'breach')!;
    expect(applyClockEffect(s, breach, rules, missedAt)).toBe(true);
    expect(s.meetingsMissed).toEqual([1]);
    expect(s.nextMeeting).toBe(2);
    expect(impliedObligations(s, rules)[1]).toMatchObject({ key: 'meeting-2', dueDay: '2027-03-29' });
    expect(escalationMessage(breach)).toBe('No status meeting (statusmøde) decision was recorded by its due day 2027-03-15 (meeting-1).');
  });

  it('no system flag when a placement is decided; an overdue chief level is marked escalated', () => {
    const s = fresh();
    s.placement = { kind: 'external', providerId: '5b0c2a9e-0000-4000-8000-00000000e57e', decidedAt: receivedAt };
    const w8 = localInstant('2027-03-01', 0);
    for (const e of advance([open(deadlineObligation(s, rules))], w8)) expect(applyClockEffect(s, e, rules, w8)).toBe(false);
    expect(s.longCourse).toBeUndefined();

    const d = raiseDisagreement(s, receivedAt, 'hospital', true);
    const chief = open(impliedObligations(s, rules).find((o) => o.key === 'chief-level-1')!);
    const at = overnightAfter(d.dueDay, 0);
    const breach = advance([chief], at).find((e) => e.type === 'breach')!;
    applyClockEffect(s, breach, rules, at);
    expect(d.escalatedAt).toBe(at);
    expect(escalationMessage(breach)).toBe('The disagreement with the region did not reach chief level (chefniveau) by 2027-01-11.');
    expect(statusOf(s, [chief], { caseId: 'c', rules, now: at }).disagreement.state).toBe('escalated');
  });
});

describe('the status', () => {
  it('pending deadlines soonest first; escalated deadline and fired warnings from the obligation; bed-days', () => {
    const s = fresh({ notice: 'faerdigmelding', readyAt: receivedAt });
    const deadline = open(deadlineObligation(s, rules));
    const before = statusOf(s, [deadline], { caseId: 'c', rules, now: receivedAt });
    expect(before).toMatchObject({ caseId: 'c', step: 'open', receivedDay: '2027-01-04', deadlineDay: '2027-03-29', ended: false, run: 1 });
    expect(before.deadlineEscalationAt).toBe('2027-03-30T00:00:00+02:00');
    expect(before.deadlineEscalatedAt).toBeUndefined();
    expect(before.nextDeadlines.map((d) => [d.key, d.kind, d.severity, d.firesAt])).toEqual([
      ['deadline-warning-8w', 'psychiatric_deadline_warning', 'warning', '2027-03-01T00:00:00+01:00'],
      ['deadline-warning-11w', 'psychiatric_deadline_warning', 'warning', '2027-03-22T00:00:00+01:00'],
      ['deadline-12w', 'psychiatric_deadline_passed', 'escalation', '2027-03-30T00:00:00+02:00'],
    ]);
    expect(before.bedDays).toMatchObject({ counting: true, firstPaidDay: '2027-01-05', days: 0 });

    const late = overnightAfter('2027-03-29', 0);
    advance([deadline], late);
    const after = statusOf(s, [deadline], { caseId: 'c', rules, now: late });
    expect(after.deadlineEscalatedAt).toBe('2027-03-30T00:00:00+02:00');
    expect(after.warnings.map((w) => w.firedAt)).toEqual(['2027-03-30T00:00:00+02:00', '2027-03-30T00:00:00+02:00']);
    expect(pendingDeadlines([deadline])).toEqual([]);
    expect(after.bedDays.days).toBe(85);

    endCase(s, { outcome: 'discharged_home', at: localInstant('2027-03-30', 11) }, late);
    closeObligation(deadline, s.endedAt!, 'met');
    expect(deadline.state).toBe('met_late');
    const closed = statusOf(s, [deadline], { caseId: 'c', rules, now: late + 5 * 86_400_000 });
    expect(closed).toMatchObject({ step: 'closed', ended: true, outcome: 'discharged_home', nextDeadlines: [] });
    expect(closed.bedDays).toMatchObject({ counting: false, days: 84 });
  });

  it('details carry ids, dates and codes', () => {
    const s = fresh();
    flagLongCourse(s, receivedAt, 'system');
    expect(detailsOf(s, 'ward')).toMatchObject({
      notice: 'forvarsling',
      receivedDay: '2027-01-04',
      deadlineDay: '2027-03-29',
      longCourse: { flaggedDay: '2027-01-04', by: 'system' },
      placement: null,
      disagreement: null,
    });
    expect(localDate(receivedAt)).toBe('2027-01-04');
    expect(addDays('2027-01-04', 84)).toBe('2027-03-29');
  });
});
