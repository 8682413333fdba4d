/**
 * Hospital discharge (udskrivning) through the API on the real dev server, worker and
 * PostgreSQL: care-plan intake and routing at the 65th birthday, each discharge path end to
 * end, privacy of the care plan, 400/403/409 and Idempotency-Key.
 */
import { decodedValue } from './test-keys.js';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { CarePlanAnswer, HospitalDischargeStatus } from '../api/case-types/hospital-discharge/contracts.js';
import { accessLog, auditLog, bedDayPeriods, carePlans, cases, citizens, decisionTexts, providerHandovers } from '../db/schema/index.js';
import { addDays, localDate } from '../domain/calendar.js';
import { ageOn } from '../domain/cpr.js';
import { mustPhoneProvider, routeByAge } from '../workflows/hospital-discharge/state.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, useTestStack } from './helpers.js';


const stack = useTestStack({ temporal: 'dev', app: true });

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const today = () => localDate(Date.now());

const carePlan = (over: Record<string, unknown> = {}) => ({
  type: 'hospital_discharge',
  cpr: fakeCpr('1948-03-15'),
  receivedAt: iso(Date.now() - HOUR),
  ward: 'Bispebjerg Hospital, afsnit 42',
  admittedAt: iso(Date.now() - 5 * 24 * HOUR),
  expectedDischargeDate: addDays(today(), 1),
  functionalLevel: 'FSIII: personlig hygiejne 3, forflytning 4 — confidential-functional-level',
  freeText: 'Hoftebrud, falder hyppigt — confidential-free-text',
  ...over,
});

async function open(over: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await stack.app.inject({ method: 'POST', url: '/cases', headers: { ...as('dev-hospital'), ...headers }, payload: carePlan(over) });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json() as { id: string; workflowId: string; caseNumber: string; type: string };
  // The workflow id is the case's readable number.
  expect(body.caseNumber).toMatch(/^UDS-\d{4}-\d{6}$/);
  expect(body.workflowId).toBe(body.caseNumber);
  return body;
}

function post(token: string, id: string, action: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  return stack.app.inject({ method: 'POST', url: `/cases/${id}/hospital-discharge/${action}`, headers: { ...as(token), ...headers }, payload });
}

async function ok(token: string, id: string, action: string, payload: Record<string, unknown>) {
  const res = await post(token, id, action, payload);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const readCase = async (id: string) => (await stack.app.inject({ method: 'GET', url: `/cases/${id}?live=true`, headers: as('dev-assessor') })).json();
const closedRow = (id: string) =>
  eventually(async () => {
    const [row] = await stack.database.db.select().from(cases).where(eq(cases.id, id));
    return row?.closedAt ? row : undefined;
  });

describe('routing by age on the day the care plan arrives (004: 65+ → SUF, under 65 → SOF)', () => {
  it('pure rule: the 65th birthday itself routes to SUF, the day before to SOF (29 February birthdays on 1 March)', () => {
    expect(routeByAge(ageOn('1961-11-22', '2026-11-22'))).toBe('SUF');
    expect(routeByAge(ageOn('1961-11-23', '2026-11-22'))).toBe('SOF');
    expect(routeByAge(ageOn('1960-02-29', '2025-02-28'))).toBe('SOF');
    expect(routeByAge(ageOn('1960-02-29', '2025-03-01'))).toBe('SUF');
  });

  it('a citizen turning 65 on the day of receipt goes to SUF; one turning 65 tomorrow goes to SOF', async () => {
    const receivedAt = Date.now() - 60_000;
    const day = localDate(receivedAt);
    const [y, m, d] = day.split('-');
    const sixtyFive = `${Number(y) - 65}-${m}-${d}`;
    const dayAfter = addDays(sixtyFive, 1);
    const suf = await open({ cpr: fakeCpr(sixtyFive), receivedAt: iso(receivedAt), admittedAt: iso(receivedAt - HOUR) });
    const sof = await open({ cpr: fakeCpr(dayAfter), receivedAt: iso(receivedAt), admittedAt: iso(receivedAt - HOUR) });
    const [sufPlan] = await stack.database.db.select().from(carePlans).where(eq(carePlans.caseId, suf.id));
    const [sofPlan] = await stack.database.db.select().from(carePlans).where(eq(carePlans.caseId, sof.id));
    expect(sufPlan).toMatchObject({ routedTo: 'SUF', ageAtReceipt: 65 });
    expect(sofPlan).toMatchObject({ routedTo: 'SOF', ageAtReceipt: 64 });
    expect((await readCase(suf.id)).live.administration).toBe('SUF');
    expect((await readCase(sof.id)).details.administration).toBe('SOF');
  });

  it('the needs assessor re-routes with a reason (kept in the database, not the workflow)', async () => {
    const { id, workflowId } = await open();
    const s = await ok('dev-assessor', id, 'reroute', { to: 'SOF', reason: 'dominant social-pedagogical need — confidential-reason' });
    expect(s.administration).toBe('SOF');
    expect(s.reroutes).toEqual([expect.objectContaining({ from: 'SUF', to: 'SOF' })]);
    const same = await post('dev-assessor', id, 'reroute', { to: 'SOF', reason: 'again' });
    expect(same.statusCode).toBe(409);
    expect(same.json().message).toBe('the case is already with SOF');
    const notes = await stack.database.db.select().from(decisionTexts).where(eq(decisionTexts.caseId, id));
    expect(notes.map((n) => [n.kind, n.body.text])).toEqual([['reroute_reason', 'dominant social-pedagogical need — confidential-reason']]);
    const history = JSON.stringify(await stack.env.client.workflow.getHandle(workflowId).fetchHistory());
    expect(history).not.toContain('confidential-reason');
    expect((await readCase(id)).details.administration).toBe('SOF');
  });
});

describe('the care plan stays in the database', () => {
  it('no CPR, functional level or free text in the workflow history; the assessor and coordinator read it, the audit says who', async () => {
    const body = carePlan();
    const res = await stack.app.inject({ method: 'POST', url: '/cases', headers: as('dev-hospital'), payload: body });
    const { id, workflowId } = res.json();
    const history = JSON.stringify(await stack.env.client.workflow.getHandle(workflowId).fetchHistory());
    for (const secret of [body.cpr, body.cpr.slice(0, 6), 'confidential-functional-level', 'confidential-free-text', 'afsnit 42']) {
      expect(history).not.toContain(secret);
    }
    const read = await stack.app.inject({ method: 'GET', url: `/cases/${id}/hospital-discharge/care-plan`, headers: as('dev-coordinator') });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      caseId: id,
      ward: body.ward,
      functionalLevel: body.functionalLevel,
      freeText: body.freeText,
      routedAtIntake: 'SUF',
    });
    // the answer is its contract, no more: the coordinator sees the CPR, so the exact age and not the band
    expect(Object.keys(read.json()).sort()).toEqual(Object.keys(CarePlanAnswer.shape).filter((k) => k !== 'ageBandAtReceipt').sort());
    // instants with the Copenhagen offset
    expect(read.json().admittedAt).toMatch(/\+0[12]:00$/);
    expect(Date.parse(read.json().admittedAt)).toBe(Date.parse(body.admittedAt));
    for (const token of ['dev-hospital', 'dev-supervisor']) {
      expect((await stack.app.inject({ method: 'GET', url: `/cases/${id}/hospital-discharge/care-plan`, headers: as(token) })).statusCode).toBe(403);
    }
    // the audit log says who (the case page shows its changes only; who read it is the look-up log's)
    const audit = (await stack.database.db.select().from(auditLog).where(eq(auditLog.caseId, id))).map((h) => `${h.action}:${h.userId}`);
    expect(audit).toEqual(expect.arrayContaining(['case.open:region-hovedstaden', 'hospital_discharge.care_plan.read:koordinator-bo']));
    const lookUps = await stack.database.db.select().from(accessLog).where(and(eq(accessLog.caseId, id), eq(accessLog.use, 'GET /cases/:id/hospital-discharge/care-plan'), eq(accessLog.statusCode, 200)));
    expect(lookUps.map((l) => l.userId)).toContain('koordinator-bo');
  });
});

describe('each discharge path end to end', () => {
  it('not vulnerable → plan accepted, decision to the provider → discharged home → follow-up visit → closed', async () => {
    const { id } = await open();
    const s = await ok('dev-assessor', id, 'vulnerability-assessment', { vulnerable: false });
    expect(s).toMatchObject({ step: 'awaiting_discharge', decision: { kind: 'home_per_plan' } });
    expect(Object.keys(s).filter((k) => !(k in HospitalDischargeStatus.shape))).toEqual([]);
    expect(s.decision.decidedAt).toMatch(/\+0[12]:00$/);
    expect(s.handovers[0]).toMatchObject({ startsOn: addDays(today(), 1), phoneProvider: false });
    const f = await ok('dev-hospital', id, 'faerdigbehandlet', { readyAt: iso(Date.now() - 2 * HOUR) });
    expect(f.faerdigbehandletAt).toBeDefined();
    const dischargedAt = Date.now() - 60_000;
    const d = await ok('dev-hospital', id, 'discharged', { dischargedAt: iso(dischargedAt) });
    expect(d).toMatchObject({ step: 'follow_up', dischargedTo: 'home', followUpVisit: { dueDay: addDays(localDate(dischargedAt), 7) } });
    const [period] = await stack.database.db.select().from(bedDayPeriods).where(eq(bedDayPeriods.caseId, id));
    expect(period?.endedByDischarge).toBe(true);
    const v = await ok('dev-assessor', id, 'follow-up-visit', { visitedAt: iso(Date.now()), note: 'managing well' });
    expect(v).toMatchObject({ step: 'closed', outcome: 'discharged_home' });
    expect(await closedRow(id)).toMatchObject({ outcome: 'discharged_home' });
  });

  it('vulnerable → conference → holistic assessment → temporary stay (a temporary-stay case opens) → discharged before a place: home while waiting', async () => {
    const { id, workflowId } = await open();
    await ok('dev-hospital', id, 'faerdigbehandlet', { readyAt: iso(Date.now() - 2 * HOUR) });
    expect((await ok('dev-assessor', id, 'vulnerability-assessment', { vulnerable: true })).step).toBe('awaiting_conference');
    expect((await ok('dev-coordinator', id, 'conference', { heldAt: iso(Date.now() - HOUR) })).step).toBe('awaiting_decision');
    const decided = await ok('dev-coordinator', id, 'decision', {
      holisticAssessment: 'cannot be cared for at home — confidential-assessment',
      decision: { kind: 'temporary_stay', placeType: 'rehabilitering', purpose: 'rehabilitation' },
    });
    expect(decided.decision).toMatchObject({ kind: 'temporary_stay', placeType: 'rehabilitering' });
    const child = decided.temporaryStay;
    expect(child.workflowId).toMatch(/^MDO-\d{4}-\d{6}$/);
    const childRow = await eventually(async () => (await stack.database.db.select().from(cases).where(eq(cases.id, child.caseId)))[0]);
    expect(childRow).toMatchObject({ type: 'temporary_stay', workflowId: child.workflowId });
    const childInput = (await stack.env.client.workflow.getHandle(child.workflowId).fetchHistory()).events?.[0]
      ?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(await decodedValue(childInput)).toMatchObject({
      caseId: child.caseId,
      priority: 'indlagt_faerdigbehandlet',
      originCaseId: id,
      placeType: 'rehabilitering',
    });
    // no place yet: a discharge reported now is a discharge home while waiting (issue 9), never silently to the stay
    const d = await ok('dev-hospital', id, 'discharged', { dischargedAt: iso(Date.now() - 60_000) });
    expect(d).toMatchObject({ step: 'follow_up', dischargedTo: 'home' });
    expect(d.temporaryStay.dischargedHomeWhileWaiting).toBeDefined();
    const notes = await stack.database.db.select().from(decisionTexts).where(eq(decisionTexts.caseId, id));
    expect(notes.map((n) => n.kind)).toEqual(['holistic_assessment']);
    expect(JSON.stringify(await stack.env.client.workflow.getHandle(workflowId).fetchHistory())).not.toContain('confidential-assessment');
  });

  it('vulnerable → more help at home (minutes per week) → discharged → follow-up visit and help follow-up → closed', async () => {
    const { id } = await open();
    await ok('dev-assessor', id, 'vulnerability-assessment', { vulnerable: true });
    await ok('dev-coordinator', id, 'conference', { heldAt: iso(Date.now() - HOUR) });
    const decided = await ok('dev-coordinator', id, 'decision', {
      holisticAssessment: 'can manage at home with more help',
      decision: { kind: 'more_help_at_home', help: 'personlig pleje morgen og aften', minutesPerWeek: 210 },
    });
    expect(decided.decision).toMatchObject({ kind: 'more_help_at_home', minutesPerWeek: 210 });
    const [handover] = await stack.database.db.select().from(providerHandovers).where(eq(providerHandovers.caseId, id));
    expect(handover).toMatchObject({ decision: 'more_help_at_home', minutesPerWeek: 210, startsOn: addDays(today(), 1) });
    const dischargedAt = Date.now() - 60_000;
    const d = await ok('dev-hospital', id, 'discharged', { dischargedAt: iso(dischargedAt) });
    expect(d.helpFollowUp.dueDay).toBe(addDays(localDate(dischargedAt), 14));
    expect((await ok('dev-assessor', id, 'follow-up-visit', { visitedAt: iso(Date.now()) })).step).toBe('follow_up');
    const closed = await ok('dev-assessor', id, 'help-follow-up', { followedUpAt: iso(Date.now()), note: 'help fits' });
    expect(closed).toMatchObject({ step: 'closed', outcome: 'discharged_home' });
    const kinds = (await stack.database.db.select().from(decisionTexts).where(eq(decisionTexts.caseId, id))).map((n) => n.kind);
    expect(kinds.sort()).toEqual(['help_description', 'help_follow_up_note', 'holistic_assessment']);
  });

  it('vulnerable → home with the existing help → discharged → follow-up visit → closed', async () => {
    const { id } = await open();
    await ok('dev-assessor', id, 'vulnerability-assessment', { vulnerable: true });
    await ok('dev-coordinator', id, 'conference', { heldAt: iso(Date.now() - HOUR) });
    const decided = await ok('dev-coordinator', id, 'decision', {
      holisticAssessment: 'existing help suffices',
      decision: { kind: 'home_with_existing_help', providerStartsOn: addDays(today(), 2) },
    });
    expect(decided.handovers[0]).toMatchObject({ decision: 'home_with_existing_help', startsOn: addDays(today(), 2) });
    await ok('dev-hospital', id, 'discharged', { dischargedAt: iso(Date.now() - 60_000) });
    expect((await ok('dev-assessor', id, 'follow-up-visit', { visitedAt: iso(Date.now()) })).outcome).toBe('discharged_home');
  });

  it('readmission and death reported by the hospital close the case', async () => {
    const a = await open();
    await ok('dev-assessor', a.id, 'vulnerability-assessment', { vulnerable: false });
    await ok('dev-hospital', a.id, 'discharged', { dischargedAt: iso(Date.now() - 60_000) });
    expect((await ok('dev-hospital', a.id, 'readmitted', { readmittedAt: iso(Date.now()) })).outcome).toBe('readmitted');
    const b = await open();
    expect((await ok('dev-hospital', b.id, 'died', { diedAt: iso(Date.now()) })).outcome).toBe('died');
    expect(await closedRow(b.id)).toMatchObject({ outcome: 'died', step: 'closed' });
    const late = await post('dev-hospital', b.id, 'readmitted', { readmittedAt: iso(Date.now()) });
    expect(late.statusCode).toBe(409);
    expect(late.json().message).toBe('the case has ended (died)');
  });
});

describe('the 14:30 rule through the API', () => {
  it('a same-day decision raises a "phone the provider" task exactly when handed after 14:30 Copenhagen time; the task can be done once', async () => {
    const { id } = await open();
    const s = await ok('dev-assessor', id, 'vulnerability-assessment', { vulnerable: false, providerStartsOn: today() });
    // the rule is the handover's instant against 14:30 of its start day (a test clock read after the answer could be past 14:30 when the handover was not)
    const expectTask = mustPhoneProvider(Date.parse(s.handovers[0].handedAt), s.handovers[0].startsOn);
    expect(s.handovers[0].phoneProvider).toBe(expectTask);
    const list = await stack.app.inject({ method: 'GET', url: `/hospital-discharge/tasks?caseId=${id}&status=open`, headers: as('dev-assessor') });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toHaveLength(expectTask ? 1 : 0);
    if (expectTask) {
      const taskId = list.json()[0].id;
      const done = await stack.app.inject({ method: 'POST', url: `/hospital-discharge/tasks/${taskId}/done`, headers: as('dev-assessor') });
      expect(done.statusCode).toBe(200);
      expect(done.json()).toMatchObject({ status: 'done', doneBy: 'visitator-anna' });
      const again = await stack.app.inject({ method: 'POST', url: `/hospital-discharge/tasks/${taskId}/done`, headers: as('dev-coordinator') });
      expect(again.statusCode).toBe(409);
    }
  });
});

describe('refusals: 400, 403, 409', () => {
  it('400 naming each bad field of a care plan', async () => {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/cases',
      headers: as('dev-hospital'),
      payload: carePlan({ cpr: '311399-1234', functionalLevel: '', expectedDischargeDate: '2027-13-01', admittedAt: iso(Date.now() + 10 * HOUR) }),
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['body.cpr', 'body.functionalLevel', 'body.expectedDischargeDate', 'body.admittedAt']));
    expect(res.body).not.toContain('311399');
  });

  it('400 for bad decisions and events, naming the field', async () => {
    const { id } = await open();
    const cases400: [string, string, string, Record<string, unknown>, string][] = [
      ['dev-assessor', 'reroute', 'reroute', { to: 'KFF' }, 'body.to'],
      ['dev-assessor', 'reroute', 'reroute', { to: 'SOF' }, 'body.reason'],
      ['dev-assessor', 'assessment', 'vulnerability-assessment', { vulnerable: 'yes' }, 'body.vulnerable'],
      ['dev-coordinator', 'decision', 'decision', { holisticAssessment: 'x', decision: { kind: 'more_help_at_home', help: 'x', minutesPerWeek: -5 } }, 'body.decision.minutesPerWeek'],
      ['dev-coordinator', 'decision', 'decision', { holisticAssessment: 'x', decision: { kind: 'nursing_home' } }, 'body.decision.kind'],
      ['dev-coordinator', 'decision', 'decision', { decision: { kind: 'home_with_existing_help' } }, 'body.holisticAssessment'],
      ['dev-hospital', 'future discharge', 'discharged', { dischargedAt: iso(Date.now() + 24 * HOUR) }, 'body.dischargedAt'],
      ['dev-hospital', 'no offset', 'faerdigbehandlet', { readyAt: '2026-01-01T10:00:00' }, 'body.readyAt'],
    ];
    for (const [token, what, action, body, field] of cases400) {
      const res = await post(token, id, action, body);
      expect(res.statusCode, what).toBe(400);
      expect(res.json().fields.map((f: { field: string }) => f.field), what).toContain(field);
    }
    const badId = await post('dev-hospital', 'not-a-uuid', 'died', { diedAt: iso(Date.now()) });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().fields[0].field).toBe('params.id');
  });

  it('403 for the wrong role, naming the allowed roles; a refused intake writes nothing', async () => {
    const cpr = fakeCpr('1940-01-01');
    const res = await stack.app.inject({ method: 'POST', url: '/cases', headers: as('dev-psychiatry'), payload: carePlan({ cpr }) });
    expect(res.statusCode).toBe(403);
    expect(res.json().allowedRoles).toEqual(['hospital']);
    expect(await stack.database.db.select().from(citizens).where(eq(citizens.cpr, cpr))).toHaveLength(0);
    const { id } = await open();
    const wrong: [string, string, Record<string, unknown>][] = [
      ['dev-supervisor', 'vulnerability-assessment', { vulnerable: true }],
      ['dev-hospital', 'reroute', { to: 'SOF', reason: 'x' }],
      ['dev-assessor', 'discharged', { dischargedAt: iso(Date.now()) }],
      ['dev-assessor', 'conference', { heldAt: iso(Date.now()) }],
      ['dev-hospital', 'decision', { holisticAssessment: 'x', decision: { kind: 'home_with_existing_help' } }],
      ['dev-coordinator', 'died', { diedAt: iso(Date.now()) }],
    ];
    for (const [token, action, body] of wrong) {
      const r = await post(token, id, action, body);
      expect(r.statusCode, `${token} ${action}`).toBe(403);
    }
  });

  it('409 with the reason for out-of-step decisions; a refused decision leaves no note behind', async () => {
    const { id } = await open({ expectedDischargeDate: undefined });
    const early = await post('dev-coordinator', id, 'conference', { heldAt: iso(Date.now()) });
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toBe('the vulnerability assessment has not been recorded yet');
    const noDate = await post('dev-assessor', id, 'vulnerability-assessment', { vulnerable: false });
    expect(noDate.statusCode).toBe(409);
    expect(noDate.json().message).toMatch(/^providerStartsOn: required/);
    const past = await post('dev-assessor', id, 'vulnerability-assessment', { vulnerable: false, providerStartsOn: '2020-01-01' });
    expect(past.json().message).toBe('providerStartsOn: 2020-01-01 is in the past');
    await ok('dev-assessor', id, 'vulnerability-assessment', { vulnerable: true });
    const twice = await post('dev-assessor', id, 'vulnerability-assessment', { vulnerable: false, note: 'second opinion' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().message).toBe('the vulnerability assessment has already been recorded (vulnerable)');
    const noConference = await post('dev-coordinator', id, 'decision', {
      holisticAssessment: 'should not be stored',
      decision: { kind: 'temporary_stay', placeType: 'rehabilitering', purpose: 'respite' },
    });
    expect(noConference.statusCode).toBe(409);
    expect(noConference.json().message).toBe('the conference at the hospital has not been recorded yet');
    expect(await stack.database.db.select().from(decisionTexts).where(eq(decisionTexts.caseId, id))).toHaveLength(0);
    const visitEarly = await post('dev-assessor', id, 'follow-up-visit', { visitedAt: iso(Date.now()) });
    expect(visitEarly.json().message).toBe('the citizen has not been discharged home yet');
    const toStay = await post('dev-hospital', id, 'discharged', { dischargedAt: iso(Date.now()), destination: 'temporary_stay' });
    expect(toStay.statusCode).toBe(409);
    expect(toStay.json().message).toBe('no temporary stay has been decided for this citizen');
    // the hospital's events in order: no discharge before the care plan was received (an hour
    // ago) or before færdigbehandlet (half an hour ago), no readmission before the discharge
    const beforeReceipt = await post('dev-hospital', id, 'discharged', { dischargedAt: iso(Date.now() - 2 * HOUR) });
    expect(beforeReceipt.statusCode).toBe(409);
    expect(beforeReceipt.json().message).toMatch(/^dischargedAt: the discharge cannot be before the care plan was received/);
    await ok('dev-hospital', id, 'faerdigbehandlet', { readyAt: iso(Date.now() - HOUR / 2) });
    const beforeReady = await post('dev-hospital', id, 'discharged', { dischargedAt: iso(Date.now() - (3 * HOUR) / 4) });
    expect(beforeReady.json().message).toMatch(/^dischargedAt: the discharge cannot be before the citizen was declared færdigbehandlet/);
    await ok('dev-hospital', id, 'discharged', { dischargedAt: iso(Date.now() - HOUR / 4) });
    const readmittedEarly = await post('dev-hospital', id, 'readmitted', { readmittedAt: iso(Date.now() - HOUR / 3) });
    expect(readmittedEarly.statusCode).toBe(409);
    expect(readmittedEarly.json().message).toMatch(/^readmittedAt: the readmission cannot be before the discharge/);
    const audit = (await readCase(id)).history.filter((h: { statusCode: number }) => h.statusCode === 409);
    expect(audit.length).toBeGreaterThanOrEqual(8);
  });

  it('404 for an unknown case, 409 for a case of another type', async () => {
    const unknown = await post('dev-hospital', randomUUID(), 'died', { diedAt: iso(Date.now()) });
    expect(unknown.statusCode).toBe(404);
    const psych = await stack.app.inject({
      method: 'POST',
      url: '/cases',
      headers: as('dev-psychiatry'),
      payload: { type: 'psychiatric_discharge', cpr: fakeCpr('1980-02-02'), notice: 'forvarsling', receivedAt: iso(Date.now() - HOUR), ward: 'Psykiatrisk Center Amager' },
    });
    expect(psych.statusCode).toBe(201);
    const wrongType = await post('dev-hospital', psych.json().id, 'died', { diedAt: iso(Date.now()) });
    expect(wrongType.statusCode).toBe(409);
    expect(wrongType.json().message).toMatch(/not a hospital discharge/);
  });
});

describe('Idempotency-Key', () => {
  it('a repeated intake opens one case with one care plan; a repeated decision reaches the workflow once', async () => {
    const key = `care-plan-${randomUUID()}`;
    const body = carePlan();
    const first = await stack.app.inject({ method: 'POST', url: '/cases', headers: { ...as('dev-hospital'), 'idempotency-key': key }, payload: body });
    const second = await stack.app.inject({ method: 'POST', url: '/cases', headers: { ...as('dev-hospital'), 'idempotency-key': key }, payload: body });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json().id).toBe(first.json().id);
    expect(second.headers['idempotent-replay']).toBe('true');
    const id = first.json().id;
    expect(await stack.database.db.select().from(carePlans).where(eq(carePlans.caseId, id))).toHaveLength(1);

    const rerouteKey = { 'idempotency-key': `reroute-${randomUUID()}` };
    const r1 = await post('dev-assessor', id, 'reroute', { to: 'SOF', reason: 'social-pedagogical' }, rerouteKey);
    const [r2, r3] = await Promise.all([
      post('dev-assessor', id, 'reroute', { to: 'SOF', reason: 'social-pedagogical' }, rerouteKey),
      post('dev-assessor', id, 'reroute', { to: 'SOF', reason: 'social-pedagogical' }, rerouteKey),
    ]);
    for (const r of [r1, r2, r3]) {
      expect(r.statusCode).toBe(200);
      expect(r.json().reroutes).toHaveLength(1);
    }
    expect(
      await stack.database.db
        .select()
        .from(decisionTexts)
        .where(and(eq(decisionTexts.caseId, id), eq(decisionTexts.kind, 'reroute_reason'))),
    ).toHaveLength(1);
    const live = (await readCase(id)).live;
    expect(live.reroutes).toHaveLength(1);
  });
});
