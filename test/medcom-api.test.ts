/**
 * MedCom HospitalNotification through the API on the real dev server, worker and PostgreSQL:
 * the IG's example messages (test/fixtures/medcom/) in JSON and XML, the acknowledgement, the
 * receiver's rules (a negative acknowledgement, nothing applied, the message kept), exactly once
 * by MessageHeader id, out-of-order corrections, the hospital episodes the use cases describe,
 * the effects on the citizen's cases and the advis inbox.
 */
import { and, eq, inArray, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, cases, citizens, hospitalEpisodes, hospitalNotifications, obligations } from '../db/schema/index.js';
import { addDays, localDate } from '../domain/calendar.js';
import { parseFhirXml } from '../api/medcom/xml.js';
import { purgeUnknownNotifications } from '../db/queries/medcom.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { carePlanCase } from './medcom-cases.js';
import { earlierToday, eventually, useTestStack } from './helpers.js';
import { registerPlaceType, uniqueType } from './temporary-stay-support.js';
import { cancellationOf, IG_STIN_AT, medcomScenario, resourcesOf, type Fixture, type Scenario } from './medcom-support.js';

const stack = useTestStack({ temporal: 'dev', app: true });

const URL = '/medcom/hospital-notifications';
type Ack = { resourceType: string; entry: { resource: Record<string, any> }[] };

function send(body: unknown, type = 'application/fhir+json', token = 'dev-hospital') {
  // as a message broker sends it: no Idempotency-Key (the MessageHeader id is the message's key)
  return stack.app.inject({ method: 'POST', url: URL, headers: { ...as(token), 'content-type': type, 'idempotency-key': undefined }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
}

const headerOf = (ack: Ack) => ack.entry.find((e) => e.resource.resourceType === 'MessageHeader')!.resource;
const outcomeOf = (ack: Ack) => ack.entry.find((e) => e.resource.resourceType === 'OperationOutcome')?.resource;

/** Sends a fixture of the scenario; expects a positive acknowledgement naming it; returns the episode id. */
async function deliver(s: Scenario, name: Fixture): Promise<string> {
  const res = await send(s.json(name));
  expect(res.statusCode, res.body).toBe(200);
  const ack = res.json() as Ack;
  expect(headerOf(ack).response).toEqual({ identifier: s.messageId(name), code: 'ok' });
  expect(res.headers.location).toMatch(/^\/hospital-episodes\/[0-9a-f-]{36}$/);
  return String(res.headers.location).split('/').pop()!;
}

async function episode(id: string) {
  const res = await stack.app.inject({ method: 'GET', url: `/hospital-episodes/${id}`, headers: as('dev-assessor') });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const scenario = (stinAt?: number) => medcomScenario({ cpr: fakeCpr('1947-09-25'), ...(stinAt !== undefined ? { stinAt } : {}) });

describe('the acknowledgement and exactly once', () => {
  it('STIN (JSON): a positive acknowledgement naming the message, Location of the episode; a repeat gets the same answer and applies nothing again', async () => {
    const s = scenario();
    const first = await send(s.json('STIN'));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['content-type']).toContain('application/fhir+json');
    const ack = first.json() as Ack;
    expect(ack).toMatchObject({ resourceType: 'Bundle', type: 'message' });
    expect(headerOf(ack)).toMatchObject({ eventCoding: { code: 'acknowledgement-message' }, response: { identifier: s.messageId('STIN'), code: 'ok' } });
    expect(headerOf(ack).destination[0].endpoint).toBe('https://sor2.sum.dsdn.dk/#id=265161000016000');
    const again = await send(s.json('STIN'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(ack);
    expect(again.headers.location).toBe(first.headers.location);
    const rows = await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, s.messageId('STIN')));
    expect(rows).toHaveLength(1);
    const e = await episode(String(first.headers.location).split('/').pop()!);
    expect(e).toMatchObject({ state: 'in_progress', encounterClass: 'IMP', deceased: false, wardSor: '265161000016000', end: null, leaves: [] });
    expect(e.messages.map((m: { code: string }) => m.code)).toEqual(['STIN']);
    expect(e.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+0[12]:00$/);
    // the CPR stays in the citizens table: not in the episode, not in the message's facts
    expect(JSON.stringify(e)).not.toContain(s.cpr);
    expect(JSON.stringify(rows[0]!.facts)).not.toContain(s.cpr);
    const audit = await stack.database.db.select().from(auditLog).where(eq(auditLog.action, 'medcom.hospital_notification.receive'));
    // every request is audited (the repeat too), each naming the message, none the CPR
    const mine = audit.filter((a) => a.detail?.messageId === s.messageId('STIN'));
    expect(mine).toHaveLength(2);
    for (const a of mine) expect(a.detail).toMatchObject({ code: 'STIN', acknowledgement: 'ok' });
    expect(JSON.stringify(mine)).not.toContain(s.cpr);
  });

  it('STIN (XML): answered in XML; the same message in JSON afterwards is a repeat', async () => {
    const s = scenario();
    const res = await send(s.text('STIN', 'xml'), 'application/fhir+xml');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('application/fhir+xml');
    expect(res.body).toMatch(/^<\?xml/);
    const ack = parseFhirXml(res.body) as unknown as Ack;
    expect(headerOf(ack).response).toMatchObject({ identifier: s.messageId('STIN'), code: 'ok' });
    const json = await send(s.json('STIN'));
    expect(headerOf(json.json()).response).toMatchObject({ identifier: s.messageId('STIN'), code: 'ok' });
    expect(json.headers.location).toBe(res.headers.location);
    expect(await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, s.messageId('STIN')))).toHaveLength(1);
  });

  it('only the hospital (the broker) may send; other roles 403', async () => {
    const s = scenario();
    expect((await send(s.json('STIN'), 'application/fhir+json', 'dev-assessor')).statusCode).toBe(403);
  });
});

describe("the receiver's rules: a negative acknowledgement, nothing applied, the message kept", () => {
  async function rejected(bundle: Record<string, unknown>, expression: string) {
    const id = (resourcesOf(bundle, 'MessageHeader')[0]!.id as string);
    const res = await send(bundle);
    expect(res.statusCode, res.body).toBe(200);
    const ack = res.json() as Ack;
    expect(headerOf(ack).response).toMatchObject({ identifier: id, code: 'fatal-error' });
    expect(outcomeOf(ack)!.issue.map((i: { expression: string[] }) => i.expression[0])).toContain(expression);
    expect(res.headers.location).toBeUndefined();
    const [row] = await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, id));
    expect(row).toMatchObject({ status: 'rejected', episodeId: null, citizenId: null });
    expect(row!.rejectedBody).toContain(id);
    // a repeat: the same negative answer
    expect((await send(bundle)).json()).toEqual(ack);
    return row!;
  }

  it('no CPR system, two Patients, an unknown activity code, onleave without a leave period', async () => {
    const s = scenario();
    const noCpr = s.json('STIN');
    (resourcesOf(noCpr, 'Patient')[0]!.identifier as { system: string }[])[0]!.system = 'urn:oid:1.2.208.176.1.99';
    await rejected(noCpr, 'Patient.identifier');

    const twoPatients = medcomScenario({ cpr: s.cpr }).json('STIN');
    const entries = twoPatients.entry as { resource: { resourceType: string } }[];
    entries.push(structuredClone(entries.find((e) => e.resource.resourceType === 'Patient')!));
    await rejected(twoPatients, 'Bundle.entry');

    const unknownCode = medcomScenario({ cpr: s.cpr }).json('STIN');
    for (const p of resourcesOf(unknownCode, 'Provenance')) ((p.activity as { coding: { code: string }[] }).coding[0]!.code = 'admit-somewhere');
    await rejected(unknownCode, 'Provenance.activity');

    const noLeave = medcomScenario({ cpr: s.cpr }).json('STOR');
    delete resourcesOf(noLeave, 'Encounter')[0]!.extension;
    await rejected(noLeave, 'Encounter.extension(leavePeriod).valuePeriod.start');
    // nothing applied: no episode for the citizen
    const [citizen] = await stack.database.db.select().from(citizens).where(eq(citizens.cpr, s.cpr));
    expect(citizen).toBeUndefined();
  });

  it('an XML message that breaks a rule gets its negative acknowledgement in XML', async () => {
    const s = scenario();
    const xml = s.text('STIN', 'xml').replace('<system value="urn:oid:1.2.208.176.1.2"/>', '<system value="urn:oid:1.2.208.176.1.99"/>');
    const res = await send(xml, 'application/fhir+xml');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('application/fhir+xml');
    const ack = parseFhirXml(res.body) as unknown as Ack;
    expect(headerOf(ack).response).toMatchObject({ identifier: s.messageId('STIN'), code: 'fatal-error' });
    expect(JSON.stringify(outcomeOf(ack))).toContain('Patient.identifier');
    const [row] = await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, s.messageId('STIN')));
    expect(row).toMatchObject({ status: 'rejected', contentType: 'application/fhir+xml' });
    expect(row!.rejectedBody).toContain('urn:oid:1.2.208.176.1.99');
  });

  it('malformed XML, an entity expansion, a body that is no message → 400 naming the body; an oversized body → 413', async () => {
    const s = scenario();
    const xml = s.text('STIN', 'xml');
    const malformed = await send(xml.replace('</Bundle>', ''), 'application/fhir+xml');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ statusCode: 400, fields: [{ field: 'body' }] });
    const laughs = `<?xml version="1.0"?>\n<!DOCTYPE Bundle [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n${xml.replace(/^<\?xml[^>]*>\n/, '').replace('<timestamp value="', '<timestamp value="&b;')}`;
    const entity = await send(laughs, 'application/fhir+xml');
    expect(entity.statusCode).toBe(400);
    expect(entity.json().message).toContain('DTDs are off');
    // kept for inspection, under the hash of its bytes
    const kept = await stack.database.db.select().from(hospitalNotifications).where(and(like(hospitalNotifications.messageId, 'unreadable-%'), eq(hospitalNotifications.status, 'rejected')));
    expect(kept.some((r) => r.rejectedBody?.includes('<!ENTITY b'))).toBe(true);
    const external = await send(xml.replace('<Bundle', '<!DOCTYPE Bundle SYSTEM "file:///etc/passwd">\n<Bundle'), 'application/fhir+xml');
    expect(external.statusCode).toBe(400);
    const notAMessage = await send({ resourceType: 'Bundle', type: 'message', entry: [] });
    expect(notAMessage.statusCode).toBe(400);
    expect(notAMessage.json().fields[0].field).toBe('body.entry');
    const huge = await send(xml.replace('<timestamp', `<!--${'x'.repeat(300 * 1024)}-->\n<timestamp`), 'application/fhir+xml');
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ statusCode: 413 });
    // nothing applied for any of them
    expect(await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, s.messageId('STIN')))).toHaveLength(0);
  });
});

describe('garbage in: never a 500', () => {
  it('wrong types, nulls and nesting where the IG has objects → a negative acknowledgement or 400, nothing applied', async () => {
    const s = scenario();
    const mutations: ((b: Record<string, any>) => void)[] = [
      (b) => (b.entry.find((e: any) => e.resource.resourceType === 'Encounter').resource = null),
      (b) => (b.entry.find((e: any) => e.resource.resourceType === 'Encounter').resource.class = 'IMP'),
      (b) => (b.entry.find((e: any) => e.resource.resourceType === 'Encounter').resource.episodeOfCare = [null, 7, [[]]]),
      (b) => (b.entry.find((e: any) => e.resource.resourceType === 'Encounter').resource.period = { start: 'yesterday' }),
      // a correction naming no message it revises
      (b) => {
        for (const e of b.entry) if (e.resource.resourceType === 'Provenance') e.resource.activity.coding[0].code = 'revise-admit-inpatient';
        for (const e of b.entry) if (e.resource.resourceType === 'Provenance') e.resource.entity = [null];
      },
      (b) => (b.entry.find((e: any) => e.resource.resourceType === 'Provenance').resource.activity = { coding: 'admit-inpatient' }),
      (b) => (b.entry.find((e: any) => e.resource.resourceType === 'Patient').resource.identifier = [{ system: 'urn:oid:1.2.208.176.1.2', value: '3213213213' }]),
      (b) => (b.entry.find((e: any) => e.resource.resourceType === 'MessageHeader').resource.destination = 'primary'),
      (b) => b.entry.push(null, 'x', { resource: 'Patient' }),
      (b) => (b.type = { code: 'message' }),
    ];
    for (const [i, mutate] of mutations.entries()) {
      const b = medcomScenario({ cpr: s.cpr }).json('STIN') as Record<string, any>;
      mutate(b);
      const res = await send(b);
      expect([200, 400], `mutation ${i}: ${res.body.slice(0, 200)}`).toContain(res.statusCode);
      if (res.statusCode === 200) expect(headerOf(res.json()).response.code, `mutation ${i}`).toBe('fatal-error');
    }
    expect(await stack.database.db.select().from(citizens).where(eq(citizens.cpr, s.cpr))).toEqual([]);
  });
});

describe('hospital episodes: the flows of the use cases', () => {
  it('admit → correct: the corrected start stands, also when the correction arrives first', async () => {
    const s = scenario();
    const id = await deliver(s, 'STIN');
    expect(await deliver(s, 'RE_STIN')).toBe(id);
    const e = await episode(id);
    expect(Date.parse(e.start)).toBe(s.at('2022-12-07T13:00:00+02:00'));
    expect(e.messages.map((m: { code: string }) => m.code)).toEqual(['STIN', 'RE_STIN']);

    const late = scenario();
    const id2 = await deliver(late, 'RE_STIN');
    expect(Date.parse((await episode(id2)).start)).toBe(late.at('2022-12-07T13:00:00+02:00'));
    expect(await deliver(late, 'STIN')).toBe(id2);
    const e2 = await episode(id2);
    expect(Date.parse(e2.start)).toBe(late.at('2022-12-07T13:00:00+02:00'));
    expect(e2.state).toBe('in_progress');
    // event order, not arrival order
    expect(e2.messages.map((m: { code: string }) => m.code)).toEqual(['STIN', 'RE_STIN']);
  });

  it('admit → cancel: the episode is cancelled (the state before it restored: none)', async () => {
    const s = scenario();
    const id = await deliver(s, 'STIN');
    await deliver(s, 'AN_STIN');
    expect((await episode(id)).state).toBe('cancelled');
  });

  it('a stay cancelled for the wrong CPR and sent again for the right citizen under the same identifiers is the episode of that citizen', async () => {
    const wrong = scenario();
    const first = await deliver(wrong, 'STIN');
    await deliver(wrong, 'AN_STIN');
    expect((await episode(first)).state).toBe('cancelled');
    // the right citizen: the same messages' ids and episode identifiers, another CPR (fresh message ids for the new messages)
    const rightCpr = fakeCpr('1947-09-25');
    const again = (name: Fixture) => {
      const b = JSON.parse(JSON.stringify(wrong.json(name)).replaceAll(wrong.cpr, rightCpr));
      for (const e of b.entry) if (e.resource.resourceType === 'MessageHeader') e.resource.id = `${e.resource.id}-2`;
      for (const e of b.entry) if (e.resource.resourceType === 'Provenance') for (const t of e.resource.target) t.reference = `${t.reference}-2`;
      return b;
    };
    const r1 = await send(again('STIN'));
    expect(r1.statusCode, r1.body).toBe(200);
    const r2 = await send(again('STOR'));
    expect(r2.headers.location).toBe(r1.headers.location);
    expect(r1.headers.location).not.toBe(`/hospital-episodes/${first}`);
    const right = await episode(String(r1.headers.location).split('/').pop()!);
    expect(right).toMatchObject({ state: 'on_leave', identifiers: [{ value: expect.any(String) }] });
    expect(right.citizenId).not.toBe((await episode(first)).citizenId);
  });

  it('admit → leave → back → discharge home', async () => {
    const s = scenario();
    const id = await deliver(s, 'STIN');
    await deliver(s, 'STOR');
    expect(await episode(id)).toMatchObject({ state: 'on_leave', leaves: [{ start: expect.any(String) }] });
    await deliver(s, 'SLOR');
    const back = await episode(id);
    expect(back.state).toBe('in_progress');
    expect(Date.parse(back.leaves[0].end)).toBe(s.at('2022-12-14T15:30:00+02:00'));
    await deliver(s, 'SLHJ-inpatient');
    const done = await episode(id);
    expect(done).toMatchObject({ state: 'finished', deceased: false, encounterClass: 'IMP' });
    expect(Date.parse(done.end)).toBe(s.at('2022-12-18T09:45:30+02:00'));
    expect(done.messages.map((m: { code: string }) => m.code)).toEqual(['STIN', 'STOR', 'SLOR', 'SLHJ']);
  });

  it('admit → death; acute ambulant → admitted; acute ambulant → discharged; two episode identifiers; a distinct service provider', async () => {
    const dead = scenario();
    const id = await deliver(dead, 'STIN');
    await deliver(dead, 'MORS-inpatient');
    expect(await episode(id)).toMatchObject({ state: 'finished', deceased: true });

    const acute = scenario();
    const a = await deliver(acute, 'STAA');
    expect(await episode(a)).toMatchObject({ state: 'in_progress', encounterClass: 'EMER' });
    expect(await deliver(acute, 'STIN')).toBe(a);
    expect(await episode(a)).toMatchObject({ state: 'in_progress', encounterClass: 'IMP' });

    const home = scenario();
    const h = await deliver(home, 'STAA');
    await deliver(home, 'SLHJ-acute-ambulant');
    expect(await episode(h)).toMatchObject({ state: 'finished', encounterClass: 'EMER', deceased: false });

    const two = scenario();
    const t = await deliver(two, 'STIN-two-episode-identifiers');
    expect((await episode(t)).identifiers).toHaveLength(2);

    const other = scenario();
    const o = await deliver(other, 'STIN-distinct-service-provider');
    expect((await episode(o)).wardSor).toBe('399841000016000');
  });
});

// ---- effects on the cases --------------------------------------------------------------------

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** A hospital-discharge case received two hours ago, discharge expected tomorrow. */
const carePlanOf = (cpr: string) => carePlanCase(stack.app, cpr, { now: Date.now(), receivedAgoMs: 2 * HOUR, expectedDischargeDate: addDays(localDate(Date.now()), 1) });
/** A care plan received today (up to two hours ago): its vulnerability assessment is due the next working day, on track whatever the hour. */
const carePlanToday = (cpr: string) => {
  const now = Date.now();
  return carePlanCase(stack.app, cpr, { now, receivedAgoMs: now - earlierToday(2 * HOUR, now), expectedDischargeDate: addDays(localDate(now), 1) });
};


const caseRow = (id: string) =>
  eventually(async () => {
    const [row] = await stack.database.db.select().from(cases).where(eq(cases.id, id));
    return row?.closedAt ? row : undefined;
  });

/** A case's row as it stands (open or closed). */
const openRow = async (id: string) => (await stack.database.db.select().from(cases).where(eq(cases.id, id)))[0]!;

describe('effects on the cases, through the decision path', () => {
  it('a citizen in follow-up readmitted (STIN) → the case ends as a readmission; one audit row with the message id; the advis inbox shows it', async () => {
    const cpr = fakeCpr('1947-09-25');
    const opened = await carePlanOf(cpr);
    const dec = (action: string, payload: object) =>
      stack.app.inject({ method: 'POST', url: `/cases/${opened.id}/hospital-discharge/${action}`, headers: as(action === 'discharged' ? 'dev-hospital' : 'dev-assessor'), payload });
    expect((await dec('vulnerability-assessment', { vulnerable: false })).statusCode).toBe(200);
    const discharged = await dec('discharged', { dischargedAt: iso(Date.now() - HOUR) });
    expect(discharged.json().step).toBe('follow_up');
    const s = medcomScenario({ cpr, stinAt: Date.now() - 10 * 60_000 });
    await deliver(s, 'STIN');
    const row = await caseRow(opened.id);
    expect(row.outcome).toBe('readmitted');
    const audit = await stack.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, opened.id), like(auditLog.action, 'medcom.%')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toMatchObject({ messageId: s.messageId('STIN'), code: 'STIN', outcome: 'applied' });
    expect(JSON.stringify(audit)).not.toContain(cpr);
    // the repeat: no second audit row, the same answer
    expect((await send(s.json('STIN'))).statusCode).toBe(200);
    expect(await stack.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, opened.id), like(auditLog.action, 'medcom.%')))).toHaveLength(1);

    const list = await stack.app.inject({ method: 'GET', url: `${URL}?reviewed=false`, headers: as('dev-assessor') });
    expect(list.statusCode, list.body).toBe(200);
    const item = list.json().items.find((i: { id: string }) => i.id === s.messageId('STIN'));
    expect(item).toMatchObject({ code: 'STIN', reviewedAt: null, effects: [{ caseId: opened.id, caseNumber: opened.caseNumber, event: 'admitted', outcome: 'applied' }] });
    const review = await stack.app.inject({ method: 'POST', url: `${URL}/${s.messageId('STIN')}/review`, headers: as('dev-assessor') });
    expect(review.statusCode, review.body).toBe(200);
    expect(review.json().reviewedBy).toBeTruthy();
    expect((await stack.app.inject({ method: 'POST', url: `${URL}/${s.messageId('STIN')}/review`, headers: as('dev-hospital') })).statusCode).toBe(403);
  });

  it('the same message five times at once: applied once, one audit row for the case, five equal acknowledgements', async () => {
    const cpr = fakeCpr('1947-09-25');
    const opened = await carePlanOf(cpr);
    await stack.app.inject({ method: 'POST', url: `/cases/${opened.id}/hospital-discharge/vulnerability-assessment`, headers: as('dev-assessor'), payload: { vulnerable: false } });
    await stack.app.inject({ method: 'POST', url: `/cases/${opened.id}/hospital-discharge/discharged`, headers: as('dev-hospital'), payload: { dischargedAt: iso(Date.now() - HOUR) } });
    const s = medcomScenario({ cpr, stinAt: Date.now() - 10 * 60_000 });
    const body = s.json('STIN');
    const answers = await Promise.all(Array.from({ length: 5 }, () => send(body)));
    for (const a of answers) expect(a.statusCode, a.body).toBe(200);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(new Set(answers.map((a) => a.headers.location)).size).toBe(1);
    expect((await caseRow(opened.id)).outcome).toBe('readmitted');
    expect(await stack.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, opened.id), like(auditLog.action, 'medcom.%')))).toHaveLength(1);
    expect(await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, s.messageId('STIN')))).toHaveLength(1);
  });

  it('SLHJ → the discharge of the open case; MORS of a citizen with an open case → died; an unknown citizen is in no list', async () => {
    const cpr = fakeCpr('1947-09-25');
    const opened = await carePlanOf(cpr);
    // the examples' SLHJ lies 10 days 21:45:30 after their STIN: here half an hour ago
    const s = medcomScenario({ cpr, stinAt: Date.now() - 30 * 60_000 - (Date.parse('2022-12-18T09:45:30+02:00') - IG_STIN_AT) });
    await deliver(s, 'SLHJ-inpatient');
    const status = await eventually(async () => {
      const [row] = await stack.database.db.select().from(cases).where(eq(cases.id, opened.id));
      return row?.step === 'follow_up' ? row : undefined;
    });
    expect(status.step).toBe('follow_up');

    // a discharge the case refuses (before the care plan was received): recorded as refused, the message still acknowledged
    const cpr3 = fakeCpr('1947-09-25');
    const third = await carePlanOf(cpr3);
    const early = medcomScenario({ cpr: cpr3, stinAt: Date.now() - 11 * 24 * HOUR });
    await deliver(early, 'SLHJ-inpatient');
    const [refused] = await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, early.messageId('SLHJ-inpatient')));
    expect(refused!.effects).toEqual([expect.objectContaining({ caseId: third.id, event: 'discharged', outcome: 'refused', reason: expect.stringContaining('before the care plan was received') })]);

    const cpr2 = fakeCpr('1947-09-25');
    const second = await carePlanOf(cpr2);
    const d = medcomScenario({ cpr: cpr2, stinAt: Date.now() - 2 * 24 * HOUR });
    await deliver(d, 'MORS-inpatient');
    expect((await caseRow(second.id)).outcome).toBe('died');

    const unknown = scenario();
    await deliver(unknown, 'STIN');
    const list = await stack.app.inject({ method: 'GET', url: `${URL}?limit=500`, headers: as('dev-assessor') });
    expect(list.json().items.map((i: { id: string }) => i.id)).not.toContain(unknown.messageId('STIN'));
    expect((await stack.app.inject({ method: 'POST', url: `${URL}/${unknown.messageId('STIN')}/review`, headers: as('dev-assessor') })).statusCode).toBe(404);
  });

  it('AN_ of an admission that ended a case → marked for review in the inbox, never undone silently', async () => {
    const cpr = fakeCpr('1947-09-25');
    const opened = await carePlanOf(cpr);
    await stack.app.inject({ method: 'POST', url: `/cases/${opened.id}/hospital-discharge/vulnerability-assessment`, headers: as('dev-assessor'), payload: { vulnerable: false } });
    await stack.app.inject({ method: 'POST', url: `/cases/${opened.id}/hospital-discharge/discharged`, headers: as('dev-hospital'), payload: { dischargedAt: iso(Date.now() - HOUR) } });
    const s = medcomScenario({ cpr, stinAt: Date.now() - 30 * 60_000 });
    await deliver(s, 'STIN');
    expect((await caseRow(opened.id)).outcome).toBe('readmitted');
    await deliver(s, 'AN_STIN');
    const [row] = await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, s.messageId('AN_STIN')));
    expect(row!.effects).toEqual([expect.objectContaining({ caseId: opened.id, event: 'cancelled', outcome: 'review', reviewCaseId: expect.any(String) })]);
    // the closed case stays closed; a review case of its own holds the needs assessor's obligation
    expect((await caseRow(opened.id)).outcome).toBe('readmitted');
    const reviewId = row!.effects![0]!.reviewCaseId!;
    expect(await openRow(reviewId)).toMatchObject({ step: 'awaiting_review', closedAt: null, actingRole: 'needs_assessor' });
    const queue = await stack.app.inject({ method: 'GET', url: '/work-queue?limit=200', headers: as('dev-assessor') });
    expect(queue.json().items.find((i: { caseId: string }) => i.caseId === reviewId)).toMatchObject({ obligation: 'review', kind: 'cancellation_review' });
    const [episode] = await stack.database.db.select().from(hospitalEpisodes).where(eq(hospitalEpisodes.id, row!.episodeId!));
    expect(episode!.state).toBe('cancelled');
  });
});

describe('leave on the cases, and a cancelled leave', () => {
  it('STOR pauses the vulnerability assessment and shows the leave; its cancellation (AN_STOR) resumes it and opens a review case', async () => {
    const cpr = fakeCpr('1947-09-25');
    const opened = await carePlanToday(cpr);
    const s = medcomScenario({ cpr });
    await deliver(s, 'STIN');
    await deliver(s, 'STOR');
    const ob = () => stack.database.db.select().from(obligations).where(and(eq(obligations.caseId, opened.id), eq(obligations.key, 'vulnerability-assessment')));
    expect((await ob())[0]!.state).toBe('paused');
    expect((await openRow(opened.id)).onLeaveSince).toBeInstanceOf(Date);
    const [stor] = await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, s.messageId('STOR')));
    expect(stor!.effects).toEqual([expect.objectContaining({ caseId: opened.id, event: 'leave_started', outcome: 'applied' })]);
    // AN_STOR: the AN_STIN example pointed at the STOR, with the activity cancel-start-leave-inpatient
    const { bundle: an, messageId: headerId } = cancellationOf(s, 'STOR', 'cancel-start-leave-inpatient');
    const res = await send(an);
    expect(res.statusCode, res.body).toBe(200);
    expect(headerOf(res.json() as Ack).response).toEqual({ identifier: headerId, code: 'ok' });
    await eventually(async () => ((await ob())[0]!.state === 'on_track' ? true : undefined));
    expect((await openRow(opened.id)).onLeaveSince).toBeNull();
    const [row] = await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, headerId));
    expect(row!.effects).toEqual([expect.objectContaining({ caseId: opened.id, event: 'cancelled', outcome: 'review', reviewCaseId: expect.any(String) })]);
    expect(await openRow(row!.effects![0]!.reviewCaseId!)).toMatchObject({ step: 'awaiting_review', closedAt: null });
  });
});

describe('the OpenAPI document', () => {
  it('documents the FHIR content types of the message and of its acknowledgement, and a 413 for an oversized body', async () => {
    const doc = (await stack.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const op = doc.paths['/medcom/hospital-notifications'].post;
    expect(Object.keys(op.requestBody.content)).toEqual(expect.arrayContaining(['application/fhir+json', 'application/fhir+xml', 'application/json']));
    expect(Object.keys(op.responses['200'].content)).toEqual(expect.arrayContaining(['application/fhir+json', 'application/fhir+xml', 'application/json']));
    expect(op.responses['200'].content['application/fhir+json'].schema.properties.resourceType).toBeDefined();
    expect(op['x-roles']).toEqual(['hospital']);
    expect(op.responses['413']).toBeDefined();
  });
});

describe('an admission of a citizen with an open temporary-stay application', () => {
  it('STIN → the citizen is unavailable: off the waiting list, the case ends', async () => {
    const placeType = await registerPlaceType(stack.database.db, uniqueType('medcom'));
    const cpr = fakeCpr('1940-05-05');
    const res = await stack.app.inject({ method: 'POST', url: '/temporary-stays', headers: as('dev-assessor'), payload: { cpr, eligible: true, placeType, purpose: 'rehabilitation', priority: 'middel' } });
    expect(res.statusCode, res.body).toBe(201);
    const stay = res.json() as { id: string };
    const s = medcomScenario({ cpr, stinAt: Date.now() - 10 * 60_000 });
    await deliver(s, 'STIN');
    expect((await caseRow(stay.id)).closedAt).not.toBeNull();
    const [row] = await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, s.messageId('STIN')));
    expect(row!.effects).toEqual([expect.objectContaining({ caseId: stay.id, event: 'admitted', outcome: 'applied' })]);
  });
});

describe('the psychiatric case and a death (MORS)', () => {
  it('ends with the outcome died: the 12-week deadline cancelled (not met), no obligation left running', async () => {
    const cpr = fakeCpr('1985-05-05');
    const res = await stack.app.inject({
      method: 'POST',
      url: '/cases',
      headers: as('dev-hospital'),
      payload: { type: 'psychiatric_discharge', cpr, notice: 'faerdigmelding', receivedAt: iso(Date.now() - HOUR), readyAt: iso(Date.now() - 2 * HOUR), ward: 'Psykiatrisk Center København' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const psy = res.json() as { id: string };
    const s = medcomScenario({ cpr, stinAt: Date.now() - 2 * 24 * HOUR });
    await deliver(s, 'MORS-inpatient');
    expect((await caseRow(psy.id)).outcome).toBe('died');
    const rows = await stack.database.db.select().from(obligations).where(eq(obligations.caseId, psy.id));
    expect(rows.filter((o) => ['on_track', 'at_risk', 'breached'].includes(o.state))).toEqual([]);
    expect(rows.find((o) => o.key === 'deadline-12w')?.state).toBe('cancelled');
    const read = await stack.app.inject({ method: 'GET', url: `/cases/${psy.id}`, headers: as('dev-psychiatry') });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().live?.outcome ?? read.json().outcome).toBe('died');
  });
});

describe('end to end: a citizen waiting in hospital for a temporary stay dies (MORS)', () => {
  it('leaves the waiting list, both cases end and no obligation stays open', async () => {
    const placeType = await registerPlaceType(stack.database.db, uniqueType('medcom'));
    const cpr = fakeCpr('1947-09-25');
    const hd = await carePlanOf(cpr);
    const dec = (token: string, action: string, payload: object) =>
      stack.app.inject({ method: 'POST', url: `/cases/${hd.id}/hospital-discharge/${action}`, headers: as(token), payload });
    expect((await dec('dev-assessor', 'vulnerability-assessment', { vulnerable: true })).statusCode).toBe(200);
    expect((await dec('dev-coordinator', 'conference', { heldAt: iso(Date.now() - HOUR / 2) })).statusCode).toBe(200);
    const decided = await dec('dev-coordinator', 'decision', { holisticAssessment: 'Cannot go home yet', decision: { kind: 'temporary_stay', placeType, purpose: 'rehabilitation' } });
    expect(decided.statusCode, decided.body).toBe(200);
    // the temporary stay opened (priority indlagt færdigbehandlet): the citizen waits in hospital
    const [citizen] = await stack.database.db.select().from(citizens).where(eq(citizens.cpr, cpr));
    const stay = await eventually(async () => {
      const rows = await stack.database.db.select().from(cases).where(and(eq(cases.citizenId, citizen!.id), eq(cases.step, 'waiting')));
      return rows[0];
    });
    const waiting = async () => (await stack.app.inject({ method: 'GET', url: `/waiting-list?placeType=${placeType}`, headers: as('dev-housing') })).json();
    await eventually(async () => JSON.stringify(await waiting()).includes(stay.id));

    const s = medcomScenario({ cpr, stinAt: Date.now() - 2 * 24 * HOUR });
    await deliver(s, 'MORS-inpatient');
    expect((await caseRow(hd.id)).outcome).toBe('died');
    const stayEnded = await caseRow(stay.id);
    expect(stayEnded.closedAt).not.toBeNull();
    await eventually(async () => !JSON.stringify(await waiting()).includes(stay.id));
    // every timer stops: no obligation of either case is still running
    const open = await stack.database.db.select().from(obligations).where(and(inArray(obligations.caseId, [hd.id, stay.id]), inArray(obligations.state, ['on_track', 'at_risk', 'breached'])));
    expect(open).toEqual([]);
    const [row] = await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, s.messageId('MORS-inpatient')));
    expect(row!.effects!.map((e) => [e.caseId, e.event, e.outcome]).sort()).toEqual(
      [
        [hd.id, 'died', 'applied'],
        [stay.id, 'died', expect.stringMatching(/applied|refused/)],
      ].sort(),
    );
  });
});

describe('retention: notifications of citizens without a case', () => {
  it('are purged after the retention period with the episode they alone built; those of known citizens stay', async () => {
    const unknown = scenario();
    const episodeId = await deliver(unknown, 'STIN');
    const cpr = fakeCpr('1947-09-25');
    await carePlanOf(cpr);
    const known = medcomScenario({ cpr });
    await deliver(known, 'STIN');
    const ids = [unknown.messageId('STIN'), known.messageId('STIN')];
    const old = new Date(Date.now() - 40 * 24 * HOUR);
    await stack.database.db.update(hospitalNotifications).set({ receivedAt: old }).where(inArray(hospitalNotifications.messageId, ids));
    expect(await purgeUnknownNotifications(stack.database.db, new Date(Date.now() - 30 * 24 * HOUR))).toBeGreaterThanOrEqual(1);
    const left = await stack.database.db.select({ id: hospitalNotifications.messageId }).from(hospitalNotifications).where(inArray(hospitalNotifications.messageId, ids));
    expect(left.map((r) => r.id)).toEqual([known.messageId('STIN')]);
    expect(await stack.database.db.select().from(hospitalEpisodes).where(eq(hospitalEpisodes.id, episodeId))).toEqual([]);
  });
});
