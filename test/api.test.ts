/** API foundation through fastify.inject, on the real dev server, worker and PostgreSQL. */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { insertEscalationOnce } from '../db/queries/cases.js';
import { auditLog, cases } from '../db/schema/index.js';
import { as, deadTemporalClient, testApp } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { pgliteDatabase, useTestStack } from './helpers.js';


const stack = useTestStack({ temporal: 'dev', app: true });

const openBody = (over: Record<string, unknown> = {}) => ({
  type: 'psychiatric_discharge',
  cpr: fakeCpr('1980-02-02'),
  notice: 'faerdigmelding',
  receivedAt: new Date(Date.now() - 3_600_000).toISOString(),
  readyAt: new Date(Date.now() - 7_200_000).toISOString(),
  ward: 'Psykiatrisk Center Amager',
  ...over,
});

describe('authentication and roles', () => {
  it('401 without a token, with a malformed header and with an unknown token', async () => {
    for (const headers of [{}, { authorization: 'Basic abc' }, as('no-such-token')]) {
      const res = await stack.app.inject({ method: 'GET', url: '/escalations', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(res.json().message).toMatch(/token/);
    }
  });

  it('403 with the allowed roles for a wrong role', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/cases', headers: as('dev-supervisor'), payload: openBody() });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('role supervisor may not');
    expect(res.json().allowedRoles).toEqual(['hospital', 'psychiatry_coordinator']);
  });

  it('health and docs are public', async () => {
    expect((await stack.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const docs = await stack.app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    expect(Object.keys(docs.json().paths)).toEqual(expect.arrayContaining(['/cases', '/cases/{id}', '/health', '/escalations']));
  });
});

describe('bad input', () => {
  it('400 naming each bad field', async () => {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/cases',
      headers: as('dev-hospital'),
      payload: openBody({ cpr: '12345', receivedAt: 'yesterday', readyAt: undefined }),
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['body.cpr', 'body.receivedAt', 'body.readyAt']));
    expect(res.body).not.toContain('12345');
  });

  it('400 for an unknown case type, broken JSON and a future notice', async () => {
    const unknown = await stack.app.inject({ method: 'POST', url: '/cases', headers: as('dev-hospital'), payload: { type: 'nope' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().fields[0].field).toBe('body.type');
    const broken = await stack.app.inject({
      method: 'POST',
      url: '/cases',
      headers: { ...as('dev-hospital'), 'content-type': 'application/json' },
      payload: '{"type":',
    });
    expect(broken.statusCode).toBe(400);
    const future = await stack.app.inject({
      method: 'POST',
      url: '/cases',
      headers: as('dev-hospital'),
      payload: openBody({ receivedAt: new Date(Date.now() + 86_400_000).toISOString() }),
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().message).toContain('receivedAt');
  });

  it('404 for an unknown case and an unknown route, 400 for a malformed id', async () => {
    const unknown = await stack.app.inject({ method: 'GET', url: '/cases/00000000-0000-4000-8000-000000000000', headers: as('dev-chief') });
    expect(unknown.statusCode).toBe(404);
    const malformed = await stack.app.inject({ method: 'GET', url: '/cases/42', headers: as('dev-chief') });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().fields[0].field).toBe('params.id');
    expect((await stack.app.inject({ method: 'GET', url: '/nowhere', headers: as('dev-chief') })).statusCode).toBe(404);
  });
});

describe('opening and reading a case', () => {
  it('opens a case: DB row by the activity, live status by query, audit rows for the change and the read', async () => {
    const body = openBody();
    const res = await stack.app.inject({ method: 'POST', url: '/cases', headers: as('dev-hospital'), payload: body });
    expect(res.statusCode).toBe(201);
    const { id, workflowId } = res.json();
    expect(workflowId).toMatch(/^PSY-\d{4}-\d{6}$/); // the case number
    const [row] = await stack.database.db.select().from(cases).where(eq(cases.id, id));
    expect(row).toMatchObject({ type: 'psychiatric_discharge', step: 'open' });

    const read = await stack.app.inject({ method: 'GET', url: `/cases/${id}?live=true`, headers: as('dev-psychiatry') });
    expect(read.statusCode).toBe(200);
    const c = read.json();
    expect(c.live).toMatchObject({ caseId: id, ended: false });
    expect(c.citizen.cpr).toBe(body.cpr);
    expect(c.history.map((h: { action: string }) => h.action)).toContain('case.open');
    // without ?live=true the page is the database's alone: no query to the workflow
    const mirrorOnly = (await stack.app.inject({ method: 'GET', url: `/cases/${id}`, headers: as('dev-psychiatry') })).json();
    expect(mirrorOnly).toMatchObject({ id, step: 'open', live: null });
    expect(mirrorOnly).not.toHaveProperty('liveError');

    const supervisorView = await stack.app.inject({ method: 'GET', url: `/cases/${id}`, headers: as('dev-supervisor') });
    expect(supervisorView.json().citizen.cpr).toBeUndefined();

    const audit = await stack.database.db.select().from(auditLog).where(eq(auditLog.caseId, id));
    expect(audit.map((a) => `${a.action}:${a.role}:${a.statusCode}`)).toEqual(
      expect.arrayContaining(['case.open:hospital:201', 'case.read:psychiatry_coordinator:200', 'case.read:supervisor:200']),
    );
    expect(JSON.stringify(audit)).not.toContain(body.cpr);
  });

  it('a repeated request with the same Idempotency-Key opens one case', async () => {
    const body = openBody();
    const headers = { ...as('dev-hospital'), 'idempotency-key': `open-${Date.now()}` };
    const first = await stack.app.inject({ method: 'POST', url: '/cases', headers, payload: body });
    const second = await stack.app.inject({ method: 'POST', url: '/cases', headers, payload: body });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json().id).toBe(first.json().id);
    expect(second.headers['idempotent-replay']).toBe('true');
    const opened = await stack.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.caseId, first.json().id), eq(auditLog.action, 'case.open')));
    expect(opened).toHaveLength(1);
    expect(await stack.database.db.select().from(cases).where(eq(cases.id, first.json().id))).toHaveLength(1);
  });
});

describe('escalations', () => {
  it('lists with filters and is acknowledged once, by the recipient role or an area chief', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/cases', headers: as('dev-hospital'), payload: openBody() });
    const caseId = res.json().id as string;
    const { id } = await insertEscalationOnce(stack.database.db, {
      caseId,
      key: 'test-escalation',
      kind: 'psychiatric_deadline_passed',
      severity: 'escalation',
      recipientRole: 'area_chief',
      dueDay: '2027-03-29',
      scheduledFor: Date.parse('2027-03-29T22:00:00Z'),
      firedAt: Date.parse('2027-03-29T22:00:00Z'),
      message: 'deadline passed',
    });
    const list = await stack.app.inject({ method: 'GET', url: `/escalations?status=open&caseId=${caseId}`, headers: as('dev-supervisor') });
    expect(list.json().items.map((e: { id: string }) => e.id)).toEqual([id]);
    const bad = await stack.app.inject({ method: 'GET', url: '/escalations?status=closed', headers: as('dev-supervisor') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields[0].field).toBe('querystring.status');

    const wrong = await stack.app.inject({ method: 'POST', url: `/escalations/${id}/acknowledge`, headers: as('dev-assessor') });
    expect(wrong.statusCode).toBe(403);
    const ok = await stack.app.inject({ method: 'POST', url: `/escalations/${id}/acknowledge`, headers: as('dev-chief') });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'omraadechef-dorte' });
    const again = await stack.app.inject({ method: 'POST', url: `/escalations/${id}/acknowledge`, headers: as('dev-chief') });
    expect(again.statusCode).toBe(409);
    const none = await stack.app.inject({ method: 'POST', url: '/escalations/00000000-0000-4000-8000-000000000000/acknowledge', headers: as('dev-chief') });
    expect(none.statusCode).toBe(404);
  });
});

describe('GET /health', () => {
  it('503 naming Temporal when it does not answer', async () => {
    const down = await testApp({ database: stack.database, temporal: deadTemporalClient(), taskQueue: 'none' });
    const res = await down.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable', temporal: { ok: false }, database: { ok: true } });
    await down.close();
  });

  it('with Temporal down: reads still answer from the database (liveError when the live status is asked for), changes get 503 with a reason, never 500', async () => {
    const opened = await stack.app.inject({ method: 'POST', url: '/cases', headers: as('dev-hospital'), payload: openBody() });
    expect(opened.statusCode).toBe(201);
    const id = opened.json().id;
    const down = await testApp({ database: stack.database, temporal: deadTemporalClient(), taskQueue: 'none' });
    try {
      const read = await down.inject({ method: 'GET', url: `/cases/${id}?live=true`, headers: as('dev-psychiatry') });
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({ id, live: null, liveError: expect.stringMatching(/^workflow status unavailable/) });
      const decision = await down.inject({
        method: 'POST',
        url: `/cases/${id}/psychiatric/long-course`,
        headers: as('dev-psychiatry'),
        payload: { reason: 'No fitting offer yet' },
      });
      expect(decision.statusCode).toBe(503);
      expect(decision.headers['retry-after']).toBe('5');
      expect(decision.json().message).toMatch(/Temporal\) did not answer; try again/);
      // the waiting list and a case page without ?live=true are the database's: they answer without Temporal
      const list = await down.inject({ method: 'GET', url: '/waiting-list?placeType=rehabilitering', headers: as('dev-assessor') });
      expect(list.statusCode).toBe(200);
      expect(list.json()).toMatchObject({ placeType: 'rehabilitering', entries: expect.any(Array) });
      const page = await down.inject({ method: 'GET', url: `/cases/${id}`, headers: as('dev-psychiatry') });
      expect(page.statusCode).toBe(200);
      expect(page.json()).not.toHaveProperty('liveError');
    } finally {
      await down.close();
    }
  });

  it('503 naming the database when it does not answer', async () => {
    const closed = await pgliteDatabase();
    await closed.close();
    const down = await testApp({ database: closed, temporal: stack.env.client, taskQueue: 'none' });
    const res = await down.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ temporal: { ok: true }, database: { ok: false } });
    await down.close();
  });
});
