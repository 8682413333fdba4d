/**
 * Plausibility and codes (issue 17, point 6), through the API on the real stack: a færdigmelding
 * before the admission, planned days beyond PLAUSIBLE_FUTURE_DAYS, place types that are not
 * registered, an empty Idempotency-Key, and /health naming a failed database without the
 * driver's or the ORM's text.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { bedDayPeriods, cases, citizens, facilities } from '../db/schema/index.js';
import { addDays, localDate } from '../domain/calendar.js';
import { normaliseCpr } from '../domain/cpr.js';
import { allocatorWorkflowId } from '../workflows/temporary-stay/allocation-state.js';
import { as, testApp } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { useTestStack } from './helpers.js';
import { uniqueType } from './temporary-stay-support.js';

const stack = useTestStack({ temporal: 'dev', app: true });

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const today = () => localDate(Date.now());
/** The default horizon (PLAUSIBLE_FUTURE_DAYS). */
const HORIZON = 365;

type Answer = { statusCode: number; body: string; json(): { fields?: { field: string; message: string }[]; message?: string } & Record<string, unknown> };
const post = (url: string, token: string, payload: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  stack.app.inject({ method: 'POST', url, headers: { ...as(token), ...headers }, payload: payload as object });
const get = (url: string, token: string): Promise<Answer> => stack.app.inject({ method: 'GET', url, headers: as(token) });
const fields = (res: Answer) => (res.json().fields ?? []).map((f) => f.field);

const carePlan = (over: Record<string, unknown> = {}) => ({
  type: 'hospital_discharge',
  cpr: fakeCpr('1948-03-15'),
  receivedAt: iso(Date.now() - HOUR),
  ward: 'Bispebjerg Hospital, afsnit 42',
  admittedAt: iso(Date.now() - 5 * DAY),
  expectedDischargeDate: addDays(today(), 1),
  functionalLevel: 'FSIII',
  ...over,
});

async function openHospitalCase(over: Record<string, unknown> = {}) {
  const res = await post('/cases', 'dev-hospital', carePlan(over));
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as unknown as { id: string; workflowId: string };
}

describe('a færdigmelding is not before the admission', () => {
  it('readyAt before the care plan’s admittedAt → 400 naming body.readyAt; no bed-day period; after it → 200', async () => {
    const admittedAt = Date.now() - 5 * DAY;
    const hd = await openHospitalCase({ admittedAt: iso(admittedAt) });
    const before = await post(`/cases/${hd.id}/hospital-discharge/faerdigbehandlet`, 'dev-hospital', { readyAt: iso(admittedAt - 60_000) });
    expect(before.statusCode, before.body).toBe(400);
    expect(fields(before)).toEqual(['body.readyAt']);
    expect(before.json().message).toMatch(/before the citizen's admission/);
    const live = (await get(`/cases/${hd.id}?live=true`, 'dev-assessor')).json().live as { faerdigbehandletAt?: string };
    expect(live.faerdigbehandletAt).toBeUndefined();
    expect(await stack.database.db.select().from(bedDayPeriods).where(eq(bedDayPeriods.caseId, hd.id))).toEqual([]);

    const atAdmission = await post(`/cases/${hd.id}/hospital-discharge/faerdigbehandlet`, 'dev-hospital', { readyAt: iso(admittedAt) });
    expect(atAdmission.statusCode, atAdmission.body).toBe(200);
    expect(Date.parse(atAdmission.json().faerdigbehandletAt as string)).toBe(admittedAt);
  });
});

describe(`planned days lie no more than PLAUSIBLE_FUTURE_DAYS (${HORIZON}) ahead`, () => {
  it('expectedDischargeDate: the last day of the horizon is accepted, the day after and 2199-12-31 are refused', async () => {
    const far = await post('/cases', 'dev-hospital', carePlan({ expectedDischargeDate: '2199-12-31' }));
    expect(far.statusCode, far.body).toBe(400);
    expect(fields(far)).toEqual(['body.expectedDischargeDate']);
    expect(far.json().message).toMatch(/PLAUSIBLE_FUTURE_DAYS/);
    const dayAfter = await post('/cases', 'dev-hospital', carePlan({ cpr: fakeCpr('1949-04-16'), expectedDischargeDate: addDays(today(), HORIZON + 1) }));
    expect(dayAfter.statusCode, dayAfter.body).toBe(400);
    expect(fields(dayAfter)).toEqual(['body.expectedDischargeDate']);
    await openHospitalCase({ cpr: fakeCpr('1949-04-17'), expectedDischargeDate: addDays(today(), HORIZON) });
  });

  it.each([
    ['hospital-discharge/vulnerability-assessment', 'body.providerStartsOn', 'dev-assessor', { vulnerable: false, providerStartsOn: '2199-12-31' }],
    [
      'hospital-discharge/decision',
      'body.decision.providerStartsOn',
      'dev-coordinator',
      { holisticAssessment: 'Klarer sig hjemme', decision: { kind: 'home_with_existing_help', providerStartsOn: '2199-12-31' } },
    ],
    [
      'hospital-discharge/decision',
      'body.decision.providerStartsOn',
      'dev-coordinator',
      { holisticAssessment: 'Mere hjælp', decision: { kind: 'more_help_at_home', help: 'Morgenpleje', minutesPerWeek: 120, providerStartsOn: '2199-12-31' } },
    ],
    ['temporary-stay/offer-reply', 'body.plannedEndDate', 'dev-housing', { offerId: randomUUID(), accept: true, plannedEndDate: '2199-12-31' }],
    ['temporary-stay/reassessment', 'body.newEndDate', 'dev-assessor', { outcome: 'extension', newEndDate: '2199-12-31' }],
  ])('%s: 2199-12-31 → 400 naming %s', async (action, field, token, payload) => {
    const res = await post(`/cases/${randomUUID()}/${action}`, token, payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(fields(res)).toEqual([field]);
  });
});

describe('a place type (pladstype) is a registered code', () => {
  it('the housing team lead registers a type; the examples are seeded; a code twice → 409; other roles → 403', async () => {
    const listed = await get('/place-types', 'dev-coordinator');
    expect(listed.statusCode, listed.body).toBe(200);
    const seeded = (listed.json() as unknown as { code: string; example: boolean }[]).filter((t) => t.example).map((t) => t.code);
    expect(seeded).toEqual(expect.arrayContaining(['aflastning', 'rehabilitering']));

    const code = uniqueType('pt');
    expect((await post('/place-types', 'dev-assessor', { code, name: 'Aflastning' })).statusCode).toBe(403);
    const created = await post('/place-types', 'dev-housing', { code: ` ${code.toUpperCase()} `, name: 'Midlertidig aflastningsplads' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ code, name: 'Midlertidig aflastningsplads', description: null, example: false });
    const twice = await post('/place-types', 'dev-housing', { code, name: 'Andet navn' });
    expect(twice.statusCode).toBe(409);
    const bad = await post('/place-types', 'dev-housing', { code: 'Bad Type!', name: '' });
    expect(bad.statusCode).toBe(400);
    expect(fields(bad)).toEqual(expect.arrayContaining(['body.code', 'body.name']));

    // a registered type is accepted
    const applied = await post('/temporary-stays', 'dev-assessor', { cpr: fakeCpr('1936-02-02'), eligible: true, placeType: code, purpose: 'respite', priority: 'middel' });
    expect(applied.statusCode, applied.body).toBe(201);
  });

  it('every request naming an unregistered type → 400 naming the field; no allocator, application or place is made', async () => {
    const typo = uniqueType('rehabillitering');
    const cpr = fakeCpr('1937-03-03');
    const application = await post('/temporary-stays', 'dev-assessor', { cpr, eligible: true, placeType: typo, purpose: 'rehabilitation', priority: 'hoej' });
    expect(application.statusCode, application.body).toBe(400);
    expect(fields(application)).toEqual(['body.placeType']);
    expect(application.json().message).toMatch(/not registered/);

    const facility = await post('/facilities', 'dev-housing', { name: `Plejecenter ${typo}` });
    expect(facility.statusCode).toBe(201);
    const place = await post('/places', 'dev-housing', { facilityId: facility.json().id, placeType: typo, label: 'Stue 1' });
    expect(place.statusCode, place.body).toBe(400);
    expect(fields(place)).toEqual(['body.placeType']);

    for (const url of [`/waiting-list?placeType=${typo}`, `/places?placeType=${typo}`]) {
      const read = await get(url, 'dev-housing');
      expect(read.statusCode, `${url}: ${read.body}`).toBe(400);
      expect(fields(read)).toEqual(['querystring.placeType']);
    }

    const hd = await openHospitalCase({ cpr: fakeCpr('1938-04-04') });
    const decided = await post(`/cases/${hd.id}/hospital-discharge/decision`, 'dev-coordinator', {
      holisticAssessment: 'Behov for midlertidigt ophold',
      decision: { kind: 'temporary_stay', placeType: typo, purpose: 'rehabilitation' },
    });
    expect(decided.statusCode, decided.body).toBe(400);
    expect(fields(decided)).toEqual(['body.decision.placeType']);

    // nothing reached Temporal: the typo's allocator was never started
    await expect(stack.env.client.workflow.getHandle(allocatorWorkflowId(typo)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});

describe('Idempotency-Key', () => {
  it('an empty or blank key → 400 naming the header, and nothing is made', async () => {
    for (const key of ['', '   ']) {
      const name = `Plejecenter ${randomUUID()}`;
      const res = await post('/facilities', 'dev-housing', { name }, { 'idempotency-key': key });
      expect(res.statusCode, res.body).toBe(400);
      expect(fields(res)).toEqual(['headers.idempotency-key']);
      expect(await stack.database.db.select().from(facilities).where(eq(facilities.name, name))).toEqual([]);
    }
    const cpr = fakeCpr('1950-06-06');
    const intake = await post('/cases', 'dev-hospital', carePlan({ cpr }), { 'idempotency-key': '' });
    expect(intake.statusCode, intake.body).toBe(400);
    expect(fields(intake)).toEqual(['headers.idempotency-key']);
    const opened = await stack.database.db.select({ id: cases.id }).from(cases).innerJoin(citizens, eq(citizens.id, cases.citizenId)).where(eq(citizens.cpr, normaliseCpr(cpr)));
    expect(opened).toEqual([]);
  });
});

describe('/health', () => {
  it('a failing database is named, without the driver’s or the ORM’s text', async () => {
    const failing = { ...stack.database, ping: async () => void (await stack.database.db.execute(sql`select secret_column from no_such_table_0101701234`)) };
    const app = await testApp({ database: failing, temporal: stack.env.client, taskQueue: 'none' });
    try {
      const res = await app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unavailable', temporal: { ok: true }, database: { ok: false, error: expect.stringMatching(/^does not answer/) } });
      expect(res.body).not.toMatch(/Failed query|select|no_such_table|secret_column|0101701234/i);
    } finally {
      await app.close();
    }
  });
});
