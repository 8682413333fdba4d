/**
 * The look-up log (logning af opslag, docs/access-log.md): a walk of every read route — every
 * GET of the API, for every dev token and one case of each type — finds one look-up row per
 * citizen the answer shows (and none for a citizen it does not), a refused attempt one row; the
 * purpose is the route's or the caller's (`X-Purpose`). The data-protection officer reads the
 * look-ups on one citizen (dates and purposes; the employee only when asked) and nothing else;
 * the case page no longer shows who read the case before.
 */
import { and, eq, gt, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLog, cases, citizens, escalations, hospitalEpisodes } from '../db/schema/index.js';
import { localDate } from '../domain/calendar.js';
import { as, testApp, tokens as devTokens } from './api-helpers.js';
import { openEveryCaseType, type OpenedCases } from './every-case-type.js';
import { useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'dev', app: true });
/**
 * The dev tokens with users of this file's own (the database is shared with the other test files,
 * which read as the dev users at the same time): every look-up row of these users is this file's.
 */
const TAG = Math.random().toString(36).slice(2, 7);
const tokens = new Map([...devTokens].map(([t, u]) => [t, { ...u, user: `${u.user}-${TAG}` }]));
let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp({ database: stack.database, temporal: stack.env.client, taskQueue: stack.worker.taskQueue, tokens });
});
afterAll(async () => {
  await app?.close();
});
const PLACE_TYPE = `alog-${Math.random().toString(36).slice(2, 8)}`;
const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

let openedOnce: Promise<OpenedCases & { citizenOf: Map<string, string> }> | undefined;
const opened = () =>
  (openedOnce ??= openEveryCaseType(stack, PLACE_TYPE).then(async (c) => {
    const rows = await stack.database.db.select({ id: cases.id, citizenId: cases.citizenId }).from(cases).where(inArray(cases.id, Object.values(c).map((x) => x.id)));
    return { ...c, citizenOf: new Map(rows.map((r) => [r.id, r.citizenId])) };
  }));

const lastId = async () => (await stack.database.db.select({ id: accessLog.id }).from(accessLog).orderBy(accessLog.id)).at(-1)?.id ?? 0;

/** The API's routes from its OpenAPI document: method and Fastify path. */
function apiRoutes(): { method: string; path: string }[] {
  const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.keys(ops)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path: p.replace(/\{(\w+)\}/g, ':$1') })),
  );
}

/** The citizens an answer shows, found independently of the log: every UUID in it that is a case (its citizen) or a citizen. */
async function citizensIn(body: string): Promise<Set<string>> {
  const ids = [...new Set(body.match(UUIDS) ?? [])];
  if (ids.length === 0) return new Set();
  const db = stack.database.db;
  const ofCases = await db.select({ c: cases.citizenId }).from(cases).where(inArray(cases.id, ids));
  const direct = await db.select({ c: citizens.id }).from(citizens).where(inArray(citizens.id, ids));
  return new Set([...ofCases, ...direct].map((r) => r.c));
}

describe('the look-up log', () => {
  it('every read route: one row per citizen shown, a refused attempt one row', async () => {
    const c = await opened();
    const db = stack.database.db;
    const [episode] = await db.select({ id: hospitalEpisodes.id }).from(hospitalEpisodes).where(eq(hospitalEpisodes.citizenId, c.citizenOf.get(c.notification_review.id)!));
    // one escalation on each case, so that GET /escalations has something to show
    const now = new Date();
    await db.insert(escalations).values(
      Object.values(c)
        .filter((x): x is { id: string; cpr: string; birth: string } => typeof x === 'object' && 'id' in x)
        .map((x) => ({ caseId: x.id, key: 'access-log-walk', kind: 'access_log_walk', severity: 'warning', recipientRole: 'supervisor', dueDay: localDate(Date.now()), scheduledFor: now, firedAt: now, message: 'access-log walk' })),
    );
    const reads = apiRoutes().filter((r) => r.method === 'GET' && !r.path.startsWith('/health') && !r.path.startsWith('/docs'));
    expect(reads.map((r) => r.path)).toEqual(expect.arrayContaining(['/work-queue', '/escalations', '/payments/bed-days', '/hospital-discharge/tasks', '/cases/:id']));
    let walked = 0;
    let shownRows = 0;
    let refusedRows = 0;
    const rowsByRoute = new Map<string, number>();
    for (const route of reads) {
      const perCase = /\/(cases|temporary-stays)\/:id/.test(route.path);
      const urls = perCase
        ? Object.values(c).filter((x) => typeof x === 'object' && 'id' in x).map((x) => ({ url: route.path.replace(':id', (x as { id: string }).id), caseId: (x as { id: string }).id }))
        : [{ url: route.path.replace(':id', episode!.id).replace(':citizenId', c.citizenOf.get(c.psychiatric_discharge.id)!), caseId: undefined }];
      for (const { url, caseId } of urls) {
        const full = url === '/waiting-list' ? `${url}?placeType=${PLACE_TYPE}` : url === '/work-queue' ? `${url}?limit=200` : url;
        for (const [token, user] of tokens) {
          const from = await lastId();
          const res = await app.inject({ method: 'GET', url: full, headers: as(token) });
          const rows = (await db.select().from(accessLog).where(and(gt(accessLog.id, from), eq(accessLog.userId, user.user), eq(accessLog.use, `GET ${route.path}`))));
          const where = `${user.role} GET ${full} → ${res.statusCode}`;
          walked++;
          expect(res.statusCode, where).not.toBe(500);
          if (res.statusCode >= 400) {
            expect(rows.length, where).toBe(1);
            expect(rows[0], where).toMatchObject({ statusCode: res.statusCode, role: user.role, citizenId: caseId ? c.citizenOf.get(caseId) : route.path.includes(':citizenId') ? c.citizenOf.get(c.psychiatric_discharge.id) : null });
            refusedRows++;
            continue;
          }
          const shown = await citizensIn(res.body);
          // a read of one case (or a part of it: its records, its care plan) is a look-up of its citizen
          if (caseId) shown.add(c.citizenOf.get(caseId)!);
          const logged = rows.map((r) => r.citizenId);
          // one row per citizen shown, none for a citizen not shown
          expect(new Set(logged).size, `${where}: one row per citizen`).toBe(logged.length);
          expect([...logged].sort(), where).toEqual([...shown].sort());
          for (const r of rows) expect(r.statusCode, where).toBe(res.statusCode);
          if (caseId) for (const r of rows.filter((x) => x.citizenId === c.citizenOf.get(caseId))) expect(r.caseId, where).toBe(caseId);
          shownRows += rows.length;
          rowsByRoute.set(route.path, (rowsByRoute.get(route.path) ?? 0) + rows.length);
        }
      }
    }
    console.log(`[access-log] walked ${walked} reads over ${reads.length} GET routes: ${shownRows} rows for citizens shown, ${refusedRows} refused`);
    console.log(`[access-log] rows per route: ${[...rowsByRoute].map(([r, n]) => `${r} ${n}`).join(', ')}`);
    // the lists that logged nothing before log each citizen they show
    for (const list of ['/work-queue', '/escalations', '/payments/bed-days', '/waiting-list', '/cases/:id']) {
      expect(rowsByRoute.get(list), list).toBeGreaterThan(0);
    }
    expect(refusedRows).toBeGreaterThan(0);
  }, 600_000);
});

describe('the purpose', () => {
  it("is the route's, or the code the caller sends in X-Purpose; an unknown code is refused naming the header", async () => {
    const c = await opened();
    const citizen = c.citizenOf.get(c.psychiatric_discharge.id)!;
    const from = await lastId();
    expect((await app.inject({ method: 'GET', url: `/cases/${c.psychiatric_discharge.id}`, headers: as('dev-chief') })).statusCode).toBe(200);
    const sent = await app.inject({ method: 'GET', url: `/cases/${c.psychiatric_discharge.id}`, headers: { ...as('dev-chief'), 'x-purpose': 'escalation_follow_up' } });
    expect(sent.statusCode).toBe(200);
    const rows = await stack.database.db.select().from(accessLog).where(and(gt(accessLog.id, from), eq(accessLog.citizenId, citizen))).orderBy(accessLog.id);
    expect(rows.map((r) => r.purpose)).toEqual(['case_handling', 'escalation_follow_up']);
    const bad = await app.inject({ method: 'GET', url: '/work-queue', headers: { ...as('dev-chief'), 'x-purpose': 'curiosity' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/X-Purpose: must be one of case_handling/);
    expect(bad.json().fields).toEqual([{ field: 'headers.x-purpose', message: expect.stringMatching(/X-Purpose: must be one of/) }]);
  });
});

describe('GET /citizens/:citizenId/access-log (the data-protection officer)', () => {
  it('lists the dates and purposes of the look-ups on one citizen, the employee only when asked', async () => {
    const c = await opened();
    const citizen = c.citizenOf.get(c.hospital_discharge.id)!;
    await app.inject({ method: 'GET', url: `/cases/${c.hospital_discharge.id}`, headers: as('dev-coordinator') });
    const res = await app.inject({ method: 'GET', url: `/citizens/${citizen}/access-log`, headers: as('dev-data-protection') });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ citizenId: citizen, retentionDays: 184 });
    const read = body.entries.find((e: { use: string; role: string }) => e.use === 'GET /cases/:id' && e.role === 'discharge_coordinator');
    expect(read).toMatchObject({
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*[+-]0[12]:00$/),
      purpose: { code: 'case_handling', en: 'Handling the case', da: 'Sagsbehandling' },
      caseId: c.hospital_discharge.id,
      caseNumber: expect.stringMatching(/^[A-Z]+-\d{4}-\d{6}$/),
      refused: false,
    });
    expect(read.userId).toBeUndefined();
    // only this citizen's look-ups; none of another citizen's cases
    expect(res.body).not.toContain(c.psychiatric_discharge.id);
    const named = (await app.inject({ method: 'GET', url: `/citizens/${citizen}/access-log?employees=true`, headers: as('dev-data-protection') })).json();
    expect(named.entries.find((e: { use: string; role: string }) => e.use === 'GET /cases/:id' && e.role === 'discharge_coordinator').userId).toBe(`koordinator-bo-${TAG}`);
    // refused attempts are listed too
    expect(body.entries.some((e: { refused: boolean }) => e.refused)).toBe(true);
    // bad input names the field
    const bad = await app.inject({ method: 'GET', url: '/citizens/not-a-uuid/access-log', headers: as('dev-data-protection') });
    expect(bad.statusCode).toBe(400);
  });

  it('the dpo role reads the access log and nothing else; no other role reads the access log', async () => {
    const c = await opened();
    const citizen = c.citizenOf.get(c.temporary_stay.id)!;
    let refused = 0;
    for (const r of apiRoutes()) {
      const url = r.path.replace(/:citizenId/g, citizen).replace(/:\w+/g, c.temporary_stay.id);
      const res = await app.inject({ method: r.method, url, headers: as('dev-data-protection'), ...(r.method === 'GET' ? {} : { payload: {} }) });
      const where = `dpo ${r.method} ${r.path}`;
      if (r.path.startsWith('/health') || r.path.startsWith('/docs')) continue;
      if (r.method === 'GET' && r.path === '/citizens/:citizenId/access-log') {
        expect(res.statusCode, where).toBe(200);
        continue;
      }
      expect(res.statusCode, `${where}: ${res.body}`).toBe(403);
      refused++;
    }
    expect(refused).toBeGreaterThan(30);
    for (const [token, user] of tokens) {
      if (user.role === 'dpo') continue;
      const res = await app.inject({ method: 'GET', url: `/citizens/${citizen}/access-log`, headers: as(token) });
      expect(res.statusCode, user.role).toBe(403);
      expect(res.body).not.toContain('"entries"');
    }
  });
});

describe('GET /cases/:id', () => {
  it('shows the case\'s changes, not who read it before', async () => {
    const c = await opened();
    const id = c.psychiatric_discharge.id;
    await app.inject({ method: 'GET', url: `/cases/${id}`, headers: as('dev-supervisor') });
    await app.inject({ method: 'GET', url: `/cases/${id}`, headers: as('dev-chief') });
    const page = (await app.inject({ method: 'GET', url: `/cases/${id}`, headers: as('dev-psychiatry') })).json();
    const history = page.history as { action: string; userId: string; role: string }[];
    expect(history.map((h) => h.action)).toContain('case.open');
    expect(history.map((h) => h.action)).not.toContain('case.read');
    expect(JSON.stringify(history)).not.toContain('supervisor-frida');
    expect(JSON.stringify(history)).not.toContain('omraadechef-dorte');
  });
});
