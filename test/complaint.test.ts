/**
 * Complaints (klagesager) end to end on the time-skipping server: registered against a decision of
 * an ended hospital-discharge case; upheld → exactly one message to Ankestyrelsen and one letter to
 * the citizen; changed in favour → one letter with appeal guidance; a delivery complaint forwarded
 * by a provider → the provider with the answer deadline; and the 4 weeks from the municipality's
 * receipt across the change to summer time, escalating overnight to the visitation team lead at
 * the exact instant.
 */
import { and, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { caseNumberFor } from '../api/case-numbers.js';
import { auditLog, complaints, decisionTexts, escalations, outbox } from '../db/schema/index.js';
import { addDays, formatLocal, localDate, localInstant, overnightAfter } from '../domain/calendar.js';
import { defaultRules } from '../domain/rules.js';
import { complaintCaseType } from '../workflows/complaint/case-type.js';
import { complaintStatusQuery, type ComplaintStatus } from '../workflows/complaint/messages.js';
import { complaintWorkflow } from '../workflows/complaint/workflow.js';
import { caseOpenedUpdate } from '../workflows/shared/messages.js';
import { as } from './api-helpers.js';
import { CaseStepKey, CaseTypeKey, EscalatedKey, SlaStateKey } from '../workflows/shared/search-attributes.js';
import { fakeCpr, newCitizen } from './fixtures.js';
import { eventually, useTestStack } from './helpers.js';
import { carePlanCase } from './medcom-cases.js';
import { slaKit } from './sla-support.js';

const stack = useTestStack({ temporal: 'time-skipping', app: true });
const HOUR = 3_600_000;
const statusOf = (workflowId: string) => stack.env.client.workflow.getHandle(workflowId).query(complaintStatusQuery);
const { obligationRow, caseRow, expectTurnsAt, skipTo } = slaKit<string, ComplaintStatus>(stack, statusOf);
const post = (url: string, token: string, payload: object, headers: Record<string, string> = {}) =>
  stack.app.inject({ method: 'POST', url, headers: { ...as(token), ...headers }, payload });
const get = (url: string, token: string) => stack.app.inject({ method: 'GET', url, headers: as(token) });
const outboxOf = (caseId: string) => stack.database.db.select().from(outbox).where(eq(outbox.caseId, caseId));

/** A hospital-discharge case with a decision (the vulnerability assessment), ended by a readmission. */
async function endedHospitalCase() {
  const now = Date.now();
  const opened = await carePlanCase(stack.app, fakeCpr('1941-09-10'), { now, receivedAgoMs: 2 * HOUR });
  const assessed = await post(`/cases/${opened.id}/hospital-discharge/vulnerability-assessment`, 'dev-assessor', { vulnerable: false, providerStartsOn: localDate(now) });
  expect(assessed.statusCode, assessed.body).toBe(200);
  const ended = await post(`/cases/${opened.id}/hospital-discharge/readmitted`, 'dev-hospital', { readmittedAt: new Date(now - HOUR / 2).toISOString() });
  expect(ended.statusCode, ended.body).toBe(200);
  await eventually(async () => ((await caseRow(opened.id)).closedAt ? true : undefined));
  const [decision] = await stack.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.caseId, opened.id), like(auditLog.action, '%vulnerability%'), eq(auditLog.statusCode, 200)));
  return { ...opened, decisionId: decision!.id };
}

describe('complaints (time-skipping server)', () => {
  it('against a decision of an ended hospital-discharge case: upheld → exactly one message to Ankestyrelsen and one letter to the citizen', async () => {
    const hd = await endedHospitalCase();
    const today = localDate(Date.now());
    const body = { concernsCaseId: hd.id, decisionId: hd.decisionId, about: 'decision', receivedOn: today, receivedVia: 'citizen', complaint: 'Jeg er uenig i vurderingen.' };
    expect((await post('/complaints', 'dev-hospital', body)).statusCode).toBe(403);
    const noCase = await post('/complaints', 'dev-assessor', { ...body, concernsCaseId: '00000000-0000-4000-8000-000000000000' });
    expect(noCase.statusCode).toBe(400);
    expect(noCase.json().message).toContain('concernsCaseId');
    expect((await post('/complaints', 'dev-assessor', { ...body, decisionId: 987_654_321 })).json().message).toContain('decisionId');
    // need to know: a case of a type the needs assessor may not read (psychiatric) is not theirs to register a complaint on
    const ready = new Date().toISOString();
    const psy = await post('/cases', 'dev-hospital', { type: 'psychiatric_discharge', cpr: fakeCpr('1966-02-03'), notice: 'faerdigmelding', receivedAt: ready, readyAt: ready, ward: 'Psykiatrisk Center Amager' });
    expect(psy.statusCode, psy.body).toBe(201);
    const onPsy = await post('/complaints', 'dev-assessor', { ...body, concernsCaseId: psy.json().id, decisionId: undefined });
    expect(onPsy.statusCode, onPsy.body).toBe(403);
    const viaProvider = await post('/complaints', 'dev-assessor', { ...body, receivedVia: 'provider' });
    expect(viaProvider.statusCode).toBe(400);
    expect(viaProvider.json().fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.providerCode', 'body.providerReceivedOn']);

    const opened = await post('/complaints', 'dev-assessor', body);
    expect(opened.statusCode, opened.body).toBe(201);
    const { id, caseNumber } = opened.json();
    expect(caseNumber).toMatch(/^KLA-\d{4}-\d{6}$/);
    const row = await caseRow(id);
    expect(row).toMatchObject({ type: complaintCaseType.name, step: 'reconsidering', closedAt: null, citizenId: (await caseRow(hd.id)).citizenId });
    const dueDay = addDays(today, 28);
    expect(await obligationRow(id, 'reconsideration')).toMatchObject({ kind: 'complaint_reconsideration', actorRole: 'needs_assessor', escalateTo: 'visitation_team_lead', dueDay, state: 'on_track' });
    const [kept] = await stack.database.db.select().from(complaints).where(eq(complaints.caseId, id));
    expect(kept).toMatchObject({ concernsCaseId: hd.id, concernsDecisionAuditId: hd.decisionId, about: 'decision', receivedOn: today, receivedVia: 'citizen' });
    const queue = (await get('/work-queue?limit=200', 'dev-assessor')).json();
    expect(queue.items.find((i: { caseId: string }) => i.caseId === id)).toMatchObject({ obligation: 'reconsideration', dueDay, action: { code: 'reconsider_complaint' } });
    const live = (await get(`/cases/${id}?live=true`, 'dev-visitation-lead')).json();
    expect(live.live).toMatchObject({ concerns: { caseId: hd.id, caseNumber: hd.caseNumber }, reconsiderationDueDay: dueDay });

    const noStatement = await post(`/cases/${id}/complaint/reconsidered`, 'dev-assessor', { outcome: 'upheld' });
    expect(noStatement.statusCode).toBe(400);
    expect(noStatement.json().message).toContain('statement');
    const key = { 'idempotency-key': `reconsider-${id}` };
    const statement = 'Borgeren er vurderet efter gældende serviceniveau; afgørelsen fastholdes.';
    const upheld = await post(`/cases/${id}/complaint/reconsidered`, 'dev-assessor', { outcome: 'upheld', statement }, key);
    expect(upheld.statusCode, upheld.body).toBe(200);
    expect(upheld.json()).toEqual({ key: 'reconsideration', late: false, outcome: 'upheld', messages: ['ankestyrelsen:complaint', 'letter:forwarded'] });
    const again = await post(`/cases/${id}/complaint/reconsidered`, 'dev-assessor', { outcome: 'upheld', statement }, key);
    expect(again.statusCode).toBe(200);
    expect((await post(`/cases/${id}/complaint/reconsidered`, 'dev-assessor', { outcome: 'changed_in_favour' })).statusCode).toBe(409);

    const messages = await outboxOf(id);
    expect(messages.map((m) => m.addresseeKind).sort()).toEqual(['ankestyrelsen', 'citizen']);
    const toAnke = messages.find((m) => m.addresseeKind === 'ankestyrelsen')!;
    expect(toAnke).toMatchObject({ templateCode: 'complaint_to_ankestyrelsen', addresseeId: null });
    expect(toAnke.subject).toContain(hd.caseNumber);
    expect(toAnke.body).toContain(`${caseNumber}/reconsideration`);
    expect(messages.find((m) => m.addresseeKind === 'citizen')).toMatchObject({ templateCode: 'complaint_forwarded_citizen', addresseeId: row.citizenId });
    const [text] = await stack.database.db.select().from(decisionTexts).where(and(eq(decisionTexts.caseId, id), eq(decisionTexts.kind, 'complaint_statement')));
    expect(text!.body).toMatchObject({ statement, outcome: 'upheld' });
    expect((await caseRow(id))).toMatchObject({ step: 'closed', outcome: 'upheld' });
    expect((await obligationRow(id, 'reconsideration'))!.state).toBe('met');
    const history = JSON.stringify(await stack.env.client.workflow.getHandle(caseNumber).fetchHistory());
    expect(history).not.toContain('serviceniveau');
    expect(history).not.toContain('uenig');
  });

  it('changed in the citizen\'s favour → one letter with appeal guidance; about the delivery, forwarded by a provider → the provider with the answer deadline', async () => {
    const hd = await endedHospitalCase();
    const today = localDate(Date.now());
    const base = { concernsCaseId: hd.id, receivedOn: today, complaint: 'Klage.' };
    const a = (await post('/complaints', 'dev-assessor', { ...base, about: 'decision', receivedVia: 'citizen' })).json();
    const changed = await post(`/cases/${a.id}/complaint/reconsidered`, 'dev-assessor', { outcome: 'changed_in_favour' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().messages).toEqual(['letter:decision-changed']);
    const [letter, ...more] = await outboxOf(a.id);
    expect(more).toHaveLength(0);
    expect(letter).toMatchObject({ addresseeKind: 'citizen', templateCode: 'complaint_decision_changed' });
    expect(letter!.complaintBy).toBeTruthy();
    expect(letter!.body).toContain('Klagevejledning');

    const providerReceivedOn = addDays(today, -2);
    const bad = await post('/complaints', 'dev-assessor', { ...base, about: 'delivery', receivedVia: 'provider', providerCode: 'no-such', providerReceivedOn });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('providerCode');
    const d = await post('/complaints', 'dev-assessor', { ...base, about: 'delivery', receivedVia: 'provider', providerCode: 'privat-a', providerReceivedOn });
    expect(d.statusCode, d.body).toBe(201);
    const [toProvider, ...others] = await eventually(async () => {
      const rows = await outboxOf(d.json().id);
      return rows.length ? rows : undefined;
    });
    expect(others).toHaveLength(0);
    expect(toProvider).toMatchObject({ addresseeKind: 'provider', addresseeId: 'privat-a', templateCode: 'complaint_delivery_provider' });
    expect(toProvider!.body).toContain(addDays(today, 14));
    await eventually(async () => ((await caseRow(d.json().id)).outcome === 'forwarded_to_provider' ? true : undefined));
    expect(await obligationRow(d.json().id, 'reconsideration')).toBeUndefined();
    expect((await post(`/cases/${d.json().id}/complaint/reconsidered`, 'dev-assessor', { outcome: 'upheld', statement: 'x' })).statusCode).toBe(409);
    const [kept] = await stack.database.db.select().from(complaints).where(eq(complaints.caseId, d.json().id));
    expect(kept).toMatchObject({ receivedVia: 'provider', providerCode: 'privat-a', providerReceivedOn, receivedOn: today });
  });

  it('against the decision of an open grant (BEV): partly upheld → one message to Ankestyrelsen and one letter; the grant runs on', async () => {
    const today = localDate(Date.now());
    const granted = await post('/grants', 'dev-assessor', {
      cpr: fakeCpr('1939-01-02'),
      decision: 'granted',
      serviceCode: 'praktisk-hjaelp',
      minutesPerDelivery: 30,
      deliveriesPerWeek: 1,
      startsOn: addDays(today, 7),
      providerCode: 'privat-a',
      reason: 'need_assessed',
    });
    expect(granted.statusCode, granted.body).toBe(201);
    const grantId = granted.json().id as string;
    const [decision] = await stack.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, grantId), eq(auditLog.action, 'grant.open')));
    const opened = await post('/complaints', 'dev-assessor', { concernsCaseId: grantId, decisionId: decision!.id, about: 'decision', receivedOn: today, receivedVia: 'citizen', complaint: 'For lidt hjælp.' });
    expect(opened.statusCode, opened.body).toBe(201);
    const r = await post(`/cases/${opened.json().id}/complaint/reconsidered`, 'dev-assessor', { outcome: 'partly_upheld', statement: 'Delvist fastholdt.' });
    expect(r.statusCode, r.body).toBe(200);
    const sent = await outboxOf(opened.json().id);
    expect(sent.map((m) => m.addresseeKind).sort()).toEqual(['ankestyrelsen', 'citizen']);
    expect(sent.find((m) => m.addresseeKind === 'ankestyrelsen')!.subject).toContain(granted.json().caseNumber);
    expect((await caseRow(grantId)).closedAt).toBeNull();
  });

  it('received 10 March: the 4 weeks run over the change to summer time; at risk and escalated overnight at the exact instants, to the visitation team lead', { timeout: 240_000 }, async () => {
    // the next 10 March to come on the server's clock (its time moves on with the tests before)
    const now = await stack.env.currentTimeMs();
    let year = Number(localDate(now).slice(0, 4));
    while (localInstant(`${year}-03-10`, 9) < now + HOUR) year++;
    await skipTo(localInstant(`${year}-03-10`, 9));
    const receivedOn = `${year}-03-10`;
    const dueDay = `${year}-04-07`;
    const { citizenId } = await newCitizen(stack.database.db);
    // the case complained about: any case (its decision was made before the server's clock moved on)
    const concerns = { caseId: crypto.randomUUID(), caseNumber: `UDS-${year - 1}-000042` };
    const caseId = crypto.randomUUID();
    const workflowId = await caseNumberFor(stack.database.db, caseId, complaintCaseType);
    const handle = await stack.env.client.workflow.start(complaintWorkflow, {
      workflowId,
      taskQueue: stack.worker.taskQueue,
      // as the API starts every case (startCase)
      typedSearchAttributes: [{ key: CaseTypeKey, value: complaintCaseType.name }],
      args: [{ caseId, citizenId, about: 'decision', receivedOn, concerns, rules: defaultRules }],
    });
    await handle.executeUpdate(caseOpenedUpdate);
    const status = await handle.query(complaintStatusQuery);
    expect(status.reconsiderationDueDay).toBe(dueDay);
    const escalateAt = overnightAfter(dueDay, defaultRules.escalationLocalHour);
    expect(formatLocal(escalateAt)).toBe(`${year}-04-08T00:00:00+02:00`);
    expect(formatLocal(localInstant(receivedOn))).toBe(`${receivedOn}T00:00:00+01:00`);
    // 28 calendar days, one of them 23 hours long
    expect(escalateAt - localInstant(receivedOn)).toBe(29 * 24 * HOUR - HOUR);

    await expectTurnsAt(workflowId, caseId, 'reconsideration', localInstant(`${year}-04-05`), 'on_track', 'at_risk');
    expect(await stack.database.db.select().from(escalations).where(eq(escalations.caseId, caseId))).toHaveLength(0);
    await expectTurnsAt(workflowId, caseId, 'reconsideration', escalateAt, 'at_risk', 'breached');
    const [row] = await eventually(async () => {
      const rows = await stack.database.db.select().from(escalations).where(eq(escalations.caseId, caseId));
      return rows.length ? rows : undefined;
    });
    expect(row).toMatchObject({ key: 'reconsideration', kind: 'complaint_reconsideration_overdue', recipientRole: 'visitation_team_lead', dueDay, severity: 'escalation' });
    expect(row!.scheduledFor.getTime()).toBe(escalateAt);
    const attrs = await eventually(async () => {
      const a = (await handle.describe()).typedSearchAttributes;
      return a.get(EscalatedKey) === true ? a : undefined;
    });
    expect([attrs.get(CaseTypeKey), attrs.get(CaseStepKey), attrs.get(SlaStateKey)]).toEqual([complaintCaseType.name, 'reconsidering', 'breached']);
    const lead = (await get(`/escalations?recipientRole=visitation_team_lead&case=${caseId}`, 'dev-visitation-lead')).json();
    expect(lead.items).toHaveLength(1);

    const late = await post(`/cases/${caseId}/complaint/reconsidered`, 'dev-assessor', { outcome: 'partly_upheld', statement: 'Delvist fastholdt.' });
    expect(late.statusCode, late.body).toBe(200);
    expect(late.json()).toMatchObject({ late: true, outcome: 'partly_upheld' });
    expect((await obligationRow(caseId, 'reconsideration'))!.state).toBe('met_late');
    const sent = await outboxOf(caseId);
    expect(sent.map((m) => m.templateCode).sort()).toEqual(['complaint_forwarded_citizen', 'complaint_to_ankestyrelsen']);
    expect(sent.find((m) => m.addresseeKind === 'citizen')!.body).toContain('delvist');
  });
});
