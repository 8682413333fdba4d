/**
 * Hospital discharge (udskrivning): the case's rules, validators and transitions as pure
 * functions — no server, no database.
 */
import { describe, expect, it } from 'vitest';
import { addDays, formatLocal, localInstant, overnightAfter } from '../domain/calendar.js';
import type { HospitalDischargeCaseInput } from '../workflows/hospital-discharge/messages.js';
import {
  actingRoleOf,
  ASSESSMENT,
  assessed,
  bedDaysEnded,
  bedDaysRunning,
  checkAssessment,
  checkConference,
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
  mustPhoneProvider,
  mustTellTemporaryStay,
  openedState,
  phoneKey,
  phoneMessage,
  providerPhoned,
  providerStartsOn,
  rerouted,
  routeByAge,
  temporaryStaySignalled,
  temporaryStayStarted,
  workingDaysAfter,
  type HospitalDischargeState,
} from '../workflows/hospital-discharge/state.js';
import { defaultRules } from '../domain/rules.js';
import { newObligation } from '../workflows/shared/obligations.js';

// A Friday with an ordinary weekend after it (2026-06-12; Monday 15 and Tuesday 16 June are working days).
const FRIDAY = '2026-06-12';
const MONDAY = '2026-06-15';
const RECEIVED = localInstant(FRIDAY, 16, 0);
const HOUR = 3_600_000;

const input = (over: Partial<HospitalDischargeCaseInput> = {}): HospitalDischargeCaseInput => ({
  caseId: '00000000-0000-4000-8000-000000000001',
  citizenId: '00000000-0000-4000-8000-000000000002',
  receivedAt: RECEIVED,
  expectedDischargeDay: MONDAY,
  administration: 'SUF',
  rules: defaultRules,
  ...over,
});

const refusal = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
};

/** Vulnerable, conference held, waiting for the coordinator's decision. */
const awaitingDecision = (): HospitalDischargeState => conferenceRecorded(assessed(openedState(input()), true, RECEIVED + HOUR), RECEIVED + 2 * HOUR);

describe('rules', () => {
  it('routes by age: 65 or older → SUF, under 65 → SOF', () => {
    expect(routeByAge(65)).toBe('SUF');
    expect(routeByAge(90)).toBe('SUF');
    expect(routeByAge(64)).toBe('SOF');
  });

  it('14:30 rule: strictly after 14:30 Copenhagen time on the start day', () => {
    expect(mustPhoneProvider(localInstant(MONDAY, 14, 30), MONDAY)).toBe(false);
    expect(mustPhoneProvider(localInstant(MONDAY, 14, 30) + 1, MONDAY)).toBe(true);
    expect(mustPhoneProvider(localInstant(MONDAY, 23, 59), MONDAY)).toBe(true);
    expect(mustPhoneProvider(localInstant(MONDAY, 14, 45), addDays(MONDAY, 1))).toBe(false);
    expect(mustPhoneProvider(localInstant(MONDAY, 9, 0), MONDAY)).toBe(false);
  });

  it('working days skip weekends and public holidays (Easter 2027: Thursday 25 March to Monday 29 March)', () => {
    expect(workingDaysAfter(FRIDAY, 1)).toBe(MONDAY);
    expect(workingDaysAfter(FRIDAY, 2)).toBe('2026-06-16');
    expect(workingDaysAfter('2027-03-24', 1)).toBe('2027-03-30');
    expect(workingDaysAfter(FRIDAY, 0)).toBe(MONDAY); // at least one
  });

  it('who acts while no obligation is open', () => {
    expect(actingRoleOf('awaiting_vulnerability_assessment')).toBe('needs_assessor');
    expect(actingRoleOf('awaiting_conference')).toBe('discharge_coordinator');
    expect(actingRoleOf('awaiting_decision')).toBe('discharge_coordinator');
    expect(actingRoleOf('awaiting_discharge')).toBe('hospital');
    expect(actingRoleOf('follow_up')).toBe('needs_assessor');
    expect(actingRoleOf('closed')).toBeUndefined();
  });
});

describe('opening and assessment', () => {
  it('a care plan received on a Friday: the assessment is due Monday', () => {
    const s = openedState(input());
    expect(s).toMatchObject({ step: 'awaiting_vulnerability_assessment', receivedDay: FRIDAY, assessmentDueDay: MONDAY, administration: 'SUF' });
    expect(detailsOf(s)).toMatchObject({ administration: 'SUF', receivedDay: FRIDAY, assessmentDueDay: MONDAY, vulnerable: null, decision: null });
  });

  it('vulnerable → awaiting the conference; not vulnerable → the plan is accepted (home per plan)', () => {
    const s = openedState(input());
    const v = assessed(s, true, RECEIVED + HOUR);
    expect(v).toMatchObject({ step: 'awaiting_conference', vulnerable: true, assessedAt: RECEIVED + HOUR });
    expect(v.decision).toBeUndefined();
    const n = assessed(s, false, RECEIVED + HOUR);
    expect(n).toMatchObject({ step: 'awaiting_discharge', vulnerable: false, decision: { kind: 'home_per_plan', decidedAt: RECEIVED + HOUR } });
    // transitions leave their argument alone
    expect(s.step).toBe('awaiting_vulnerability_assessment');
    expect(s.vulnerable).toBeUndefined();
  });

  it('refuses a second assessment, naming the first', () => {
    const s = assessed(openedState(input()), true, RECEIVED);
    expect(refusal(() => checkAssessment(s, { vulnerable: false }, RECEIVED))).toBe('the vulnerability assessment has already been recorded (vulnerable)');
    const n = assessed(openedState(input()), false, RECEIVED);
    expect(refusal(() => checkAssessment(n, { vulnerable: true }, RECEIVED))).toBe('the vulnerability assessment has already been recorded (not vulnerable)');
  });

  it('the provider start day: given (not in the past) or the expected discharge date (today once passed)', () => {
    const s = openedState(input());
    expect(providerStartsOn(s, undefined, RECEIVED)).toBe(MONDAY);
    expect(providerStartsOn(s, '2026-06-20', RECEIVED)).toBe('2026-06-20');
    expect(providerStartsOn(s, undefined, localInstant('2026-06-18', 9))).toBe('2026-06-18');
    expect(refusal(() => providerStartsOn(s, '2026-06-11', RECEIVED))).toBe('providerStartsOn: 2026-06-11 is in the past');
    const noDate = openedState(input({ expectedDischargeDay: undefined }));
    expect(refusal(() => checkAssessment(noDate, { vulnerable: false }, RECEIVED))).toMatch(/^providerStartsOn: required/);
    expect(refusal(() => checkAssessment(noDate, { vulnerable: true }, RECEIVED))).toBeUndefined();
  });

  it('re-routing keeps its history and refuses the same administration', () => {
    const s = openedState(input());
    expect(refusal(() => checkReroute(s, 'SUF'))).toBe('the case is already with SUF');
    const r = rerouted(s, 'SOF', RECEIVED + HOUR);
    expect(r.administration).toBe('SOF');
    expect(r.reroutes).toEqual([{ from: 'SUF', to: 'SOF', at: RECEIVED + HOUR }]);
    expect(s.reroutes).toEqual([]);
  });
});

describe('coordination and decisions', () => {
  it('the conference and the decision come in order', () => {
    const s = openedState(input());
    expect(refusal(() => checkConference(s))).toBe('the vulnerability assessment has not been recorded yet');
    expect(refusal(() => checkConference(assessed(s, false, RECEIVED)))).toBe('the citizen was assessed as not vulnerable: no discharge coordination');
    const v = assessed(s, true, RECEIVED);
    expect(refusal(() => checkDecision(v, { kind: 'home_with_existing_help' }, RECEIVED))).toBe('the conference at the hospital has not been recorded yet');
    const c = conferenceRecorded(v, RECEIVED + HOUR);
    expect(c.step).toBe('awaiting_decision');
    expect(refusal(() => checkConference(c))).toBe('the conference has already been recorded');
    expect(refusal(() => checkDecision(c, { kind: 'home_with_existing_help' }, RECEIVED))).toBeUndefined();
    expect(refusal(() => checkDecision(assessed(s, false, RECEIVED), { kind: 'home_with_existing_help' }, RECEIVED))).toBe(
      'the citizen was assessed as not vulnerable: the plan was accepted, no coordinator decision',
    );
  });

  it('a decision is recorded once, with what it grants', () => {
    const d = decided(awaitingDecision(), { kind: 'more_help_at_home', minutesPerWeek: 150 }, RECEIVED + 3 * HOUR);
    expect(d).toMatchObject({ step: 'awaiting_discharge', decision: { kind: 'more_help_at_home', minutesPerWeek: 150, decidedAt: RECEIVED + 3 * HOUR } });
    expect(refusal(() => checkDecision(d, { kind: 'home_with_existing_help' }, RECEIVED))).toBe('a decision has already been made (more_help_at_home)');
    const t = decided(awaitingDecision(), { kind: 'temporary_stay', placeType: 'rehabilitering', purpose: 'rehabilitation' }, RECEIVED);
    expect(t.decision).toMatchObject({ kind: 'temporary_stay', placeType: 'rehabilitering' });
  });

  it('a handover after 14:30 for a same-day start needs a phone call; the task id and the call are recorded', () => {
    const s = assessed(openedState(input()), false, RECEIVED);
    const late = handedOver(s, { key: 'handover-plan', decision: 'home_per_plan', startsOn: MONDAY, decidedBy: 'needs_assessor' }, localInstant(MONDAY, 14, 45));
    expect(late.handovers).toEqual([expect.objectContaining({ key: 'handover-plan', phoneProvider: true, decidedBy: 'needs_assessor' })]);
    expect(phoneKey('handover-plan')).toBe('phone-handover-plan');
    expect(phoneMessage(late.handovers[0]!)).toBe(
      `The decision (home per plan) was handed to the provider at ${formatLocal(localInstant(MONDAY, 14, 45))}, after 14:30, and must start today (${MONDAY}): phone the provider (003).`,
    );
    const early = handedOver(s, { key: 'handover-plan', decision: 'home_per_plan', startsOn: MONDAY, decidedBy: 'needs_assessor' }, localInstant(MONDAY, 14, 20));
    expect(early.handovers[0]!.phoneProvider).toBe(false);
    expect(refusal(() => checkPhoneTaskDone(early, 'handover-plan'))).toBe('no "phone the provider" task for handover-plan');
    expect(refusal(() => checkPhoneTaskDone(late, 'handover-decision'))).toBe('no "phone the provider" task for handover-decision');
    const withTask = handoverTask(late, 'handover-plan', 'task-1');
    expect(withTask.handovers[0]!.taskId).toBe('task-1');
    expect(handoverTask(late, 'handover-plan', undefined)).toBe(late);
    expect(refusal(() => checkPhoneTaskDone(withTask, 'handover-plan'))).toBeUndefined();
    const phoned = providerPhoned(withTask, 'handover-plan', localInstant(MONDAY, 15));
    expect(phoned.handovers[0]!.phonedAt).toBe(localInstant(MONDAY, 15));
    expect(refusal(() => checkPhoneTaskDone(phoned, 'handover-plan'))).toBe('the provider has already been phoned');
  });
});

describe('the hospital events', () => {
  it('færdigbehandlet once, never after the discharge; bed-days end once', () => {
    const s = openedState(input());
    const f = declaredFaerdigbehandlet(s, RECEIVED + HOUR);
    expect(refusal(() => checkFaerdigbehandlet(f))).toBe('færdigbehandlet has already been declared');
    expect(bedDaysRunning(s)).toBe(false);
    expect(bedDaysRunning(f)).toBe(true);
    const ended = bedDaysEnded(f, RECEIVED + 5 * HOUR);
    expect(ended.bedDaysEndedAt).toBe(RECEIVED + 5 * HOUR);
    expect(bedDaysEnded(ended, RECEIVED + 9 * HOUR).bedDaysEndedAt).toBe(RECEIVED + 5 * HOUR);
    expect(bedDaysEnded(s, RECEIVED)).toBe(s);
  });

  it('the discharge is checked against the receipt, færdigbehandlet and the decision', () => {
    const f = declaredFaerdigbehandlet(openedState(input()), RECEIVED + 2 * HOUR);
    expect(refusal(() => checkDischarge(f, { dischargedAt: RECEIVED - 1 }))).toMatch(/^dischargedAt: the discharge cannot be before the care plan was received/);
    expect(refusal(() => checkDischarge(f, { dischargedAt: RECEIVED + HOUR }))).toMatch(
      /^dischargedAt: the discharge cannot be before the citizen was declared færdigbehandlet/,
    );
    expect(refusal(() => checkDischarge(f, { dischargedAt: RECEIVED + 3 * HOUR, destination: 'temporary_stay' }))).toBe(
      'no temporary stay has been decided for this citizen',
    );
    const d = discharged(f, { dischargedAt: RECEIVED + 3 * HOUR }, defaultRules, RECEIVED + 3 * HOUR);
    expect(refusal(() => checkDischarge(d, { dischargedAt: RECEIVED + 4 * HOUR }))).toBe('the discharge has already been reported');
    expect(refusal(() => checkFaerdigbehandlet(openedState(input())))).toBeUndefined();
    expect(refusal(() => checkFaerdigbehandlet(discharged(openedState(input()), { dischargedAt: RECEIVED }, defaultRules, RECEIVED)))).toBe(
      'the citizen has already been discharged',
    );
    expect(refusal(() => checkReadmission(d, RECEIVED + 2 * HOUR))).toMatch(/^readmittedAt: the readmission cannot be before the discharge/);
  });

  it('discharged home: the follow-up visit is due 7 days later; after more help at home the help follow-up 14 days later', () => {
    const at = localInstant(MONDAY, 11);
    const home = discharged(assessed(openedState(input()), false, RECEIVED), { dischargedAt: at }, defaultRules, at);
    expect(home).toMatchObject({ step: 'follow_up', dischargedTo: 'home', followUpVisit: { dueDay: addDays(MONDAY, 7) } });
    expect(home.helpFollowUp).toBeUndefined();
    const help = decided(awaitingDecision(), { kind: 'more_help_at_home', minutesPerWeek: 90 }, RECEIVED);
    const helped = discharged(help, { dischargedAt: at }, defaultRules, at);
    expect(helped.helpFollowUp).toEqual({ dueDay: addDays(MONDAY, 14) });
    expect(refusal(() => checkHelpFollowUp(home, at))).toBe('no more help at home was granted: there is no help follow-up');
    expect(refusal(() => checkFollowUpVisit(home, at - 1))).toBe('visitedAt: the visit cannot be before the discharge');
    expect(refusal(() => checkFollowUpVisit(openedState(input()), at))).toBe('the citizen has not been discharged home yet');
  });

  it('the case closes when every follow-up is recorded', () => {
    const at = localInstant(MONDAY, 11);
    const help = discharged(decided(awaitingDecision(), { kind: 'more_help_at_home', minutesPerWeek: 90 }, RECEIVED), { dischargedAt: at }, defaultRules, at);
    const visited = followUpVisitRecorded(help, at + HOUR, at + 2 * HOUR);
    expect(visited.step).toBe('follow_up');
    expect(isClosed(visited)).toBe(false);
    expect(refusal(() => checkFollowUpVisit(visited, at + HOUR))).toBe('the follow-up home visit has already been recorded');
    const done = helpFollowUpRecorded(visited, at + 3 * HOUR, at + 4 * HOUR);
    expect(done).toMatchObject({ step: 'closed', outcome: 'discharged_home', closedAt: at + 4 * HOUR });
    expect(refusal(() => checkHelpFollowUp(done, at + 5 * HOUR))).toBe('the case is closed (discharged_home)');
  });

  it('discharged to the temporary stay: the case closes; a waiting stay is told of a readmission, a stay moved into is not', () => {
    const t = temporaryStayStarted(
      decided(awaitingDecision(), { kind: 'temporary_stay', placeType: 'aflastning', purpose: 'respite' }, RECEIVED),
      'child-case',
      'MDO-2026-000001',
    );
    expect(detailsOf(t)).toMatchObject({ decision: 'temporary_stay', temporaryStayCaseId: 'child-case', temporaryStayCaseNumber: 'MDO-2026-000001' });
    expect(mustTellTemporaryStay(t)).toBe(true);
    expect(mustTellTemporaryStay(temporaryStaySignalled(t, RECEIVED))).toBe(false);
    const d = discharged(t, { dischargedAt: RECEIVED + HOUR }, defaultRules, RECEIVED + 2 * HOUR);
    expect(d).toMatchObject({ step: 'closed', outcome: 'discharged_to_temporary_stay', dischargedTo: 'temporary_stay', closedAt: RECEIVED + 2 * HOUR });
    expect(mustTellTemporaryStay(d)).toBe(false);
    expect(mustTellTemporaryStay(openedState(input()))).toBe(false);
  });

  it('a closed case refuses everything with its outcome', () => {
    const c = closed(openedState(input()), 'died', RECEIVED);
    const reason = 'the case is closed (died)';
    expect(refusal(() => checkReroute(c, 'SOF'))).toBe(reason);
    expect(refusal(() => checkAssessment(c, { vulnerable: true }, RECEIVED))).toBe(reason);
    expect(refusal(() => checkReadmission(c, RECEIVED))).toBe(reason);
    expect(refusal(() => checkPhoneTaskDone(c, 'handover-plan'))).toBe(reason);
  });
});

describe('what the case shows', () => {
  it('the status facts take the escalation instants and breaches from the obligations', () => {
    const s = openedState(input());
    const ob = newObligation({ key: ASSESSMENT, kind: 'vulnerability_assessment', dueDay: MONDAY, now: RECEIVED, escalationLocalHour: 0 });
    const f = factsOf(s, [ob], 0);
    expect(f.vulnerabilityAssessment).toEqual({
      dueDay: MONDAY,
      escalationAt: formatLocal(localInstant('2026-06-16', 0)),
      escalatedAt: undefined,
      doneAt: undefined,
      vulnerable: undefined,
    });
    const breached = { ...ob, state: 'breached' as const, breachedAt: ob.escalateAt + 1000 };
    expect(factsOf(s, [breached], 0).vulnerabilityAssessment.escalatedAt).toBe(formatLocal(ob.escalateAt + 1000));
    // Without the obligation (before it opens) the instant follows from the rules.
    expect(factsOf(s, [], 6).vulnerabilityAssessment.escalationAt).toBe(formatLocal(overnightAfter(MONDAY, 6)));
    expect(f).toMatchObject({ caseId: s.caseId, step: 'awaiting_vulnerability_assessment', closed: false, handovers: [] });
  });

  it('escalation messages name the days, no personal data', () => {
    const at = localInstant(MONDAY, 11);
    const home = discharged(assessed(openedState(input()), false, RECEIVED), { dischargedAt: at }, defaultRules, at);
    const breach = (key: string, kind: 'vulnerability_assessment' | 'follow_up_visit' | 'help_follow_up' | 'provider_phone_call', dueDay: string) => ({
      type: 'breach' as const,
      obligation: newObligation({ key, kind, dueDay, now: RECEIVED, escalationLocalHour: 0, params: { decision: 'home_per_plan' } }),
    });
    expect(escalationMessage(home, breach(ASSESSMENT, 'vulnerability_assessment', MONDAY))).toBe(
      `The vulnerability assessment of the care plan received on ${FRIDAY} was due by the end of ${MONDAY} and has not been recorded.`,
    );
    expect(escalationMessage(home, breach(FOLLOW_UP_VISIT, 'follow_up_visit', '2026-06-22'))).toBe(
      `The follow-up home visit (opfølgende hjemmebesøg) after discharge on ${MONDAY} was due by 2026-06-22 and has not been recorded.`,
    );
    expect(escalationMessage(home, breach(HELP_FOLLOW_UP, 'help_follow_up', '2026-06-29'))).toBe(
      `Local visitation's follow-up of the increased help at home after discharge on ${MONDAY} was due by 2026-06-29 and has not been recorded.`,
    );
    expect(escalationMessage(home, breach('phone-handover-plan', 'provider_phone_call', MONDAY))).toBe(
      `The provider was to be phoned on ${MONDAY} (the decision home per plan was handed over after 14:30 for a same-day start) and the task has not been marked done (phone-handover-plan).`,
    );
    expect(escalationMessage(home, { type: 'at_risk', obligation: breach(ASSESSMENT, 'vulnerability_assessment', MONDAY).obligation })).toBeUndefined();
  });
});
