/**
 * Need to know (issue 8, point 7): every (role, case type) pair of `GET /cases/:id` against the
 * matrix in api/need-to-know.ts — who reads at all, who sees the CPR and birth date, who only an
 * age band. The supervisor's answer holds neither the CPR nor the birth date anywhere. Then every
 * (role, read route, case type) triple of `READ_ROUTES`: the route's roles, 403 for a case type
 * the role does not read, the CPR and birth date exactly where the route shows them to the `cpr`
 * view, lists only with case types the role reads and never a CPR or birth date.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASE_READ_MATRIX, READ_ROUTES, readersOf, type CaseTypeName } from '../api/case-types/index.js';
type ReadRouteName = string;
import { eq } from 'drizzle-orm';
import { escalations, hospitalNotifications } from '../db/schema/index.js';
import { medcomScenario } from './medcom-support.js';
import { localDate } from '../domain/calendar.js';
import { as, tokens } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { useTestStack } from './helpers.js';
import { registerPlaceType } from './temporary-stay-support.js';

const stack = useTestStack({ temporal: 'dev', app: true });
/** A place type of this file's own: its allocator runs on this file's worker (allocators are one per place type on the shared server). */
const PLACE_TYPE = `ntk-${Math.random().toString(36).slice(2, 8)}`;
const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

type Opened = Record<CaseTypeName, { id: string; cpr: string; birth: string }>;
let openedOnce: Promise<Opened> | undefined;
/** The three cases, opened once for both tests (a citizen has one open temporary-stay application). */
const opened = () => (openedOnce ??= openAll());

/** A review case: a citizen with a temporary-stay application admitted (STIN: it withdraws), then the admission cancelled (AN_STIN). */
async function openReview(): Promise<Opened[CaseTypeName]> {
  const cpr = fakeCpr('1941-02-03');
  const app = await stack.app.inject({
    method: 'POST',
    url: '/temporary-stays',
    headers: as('dev-assessor'),
    payload: { cpr, eligible: true, placeType: PLACE_TYPE, purpose: 'rehabilitation', priority: 'middel' },
  });
  expect(app.statusCode, app.body).toBe(201);
  const s = medcomScenario({ cpr });
  for (const name of ['STIN', 'AN_STIN'] as const) {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/medcom/hospital-notifications',
      headers: { ...as('dev-hospital'), 'content-type': 'application/fhir+json', 'idempotency-key': undefined },
      payload: JSON.stringify(s.json(name)),
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  const [row] = await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, s.messageId('AN_STIN')));
  const id = row!.effects!.find((e) => e.reviewCaseId)!.reviewCaseId!;
  return { id, cpr, birth: '1941-02-03' };
}

async function openAll(): Promise<Opened> {
  const psyCpr = fakeCpr('1961-03-04');
  const ready = hourAgo();
  const psy = await stack.app.inject({
    method: 'POST',
    url: '/cases',
    headers: as('dev-hospital'),
    // a færdigmelding: the case has a bed-day period (and a line in GET /payments/bed-days)
    payload: { type: 'psychiatric_discharge', cpr: psyCpr, notice: 'faerdigmelding', receivedAt: ready, readyAt: ready, ward: 'Psykiatrisk Center Amager' },
  });
  expect(psy.statusCode, psy.body).toBe(201);
  const hdCpr = fakeCpr('1944-07-08');
  const hd = await stack.app.inject({
    method: 'POST',
    url: '/cases',
    headers: as('dev-hospital'),
    payload: { type: 'hospital_discharge', cpr: hdCpr, receivedAt: hourAgo(), ward: 'Bispebjerg, afsnit 42', admittedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(), functionalLevel: 'FSIII 3' },
  });
  expect(hd.statusCode, hd.body).toBe(201);
  const tsCpr = fakeCpr('1939-11-12');
  await registerPlaceType(stack.database.db, PLACE_TYPE);
  const ts = await stack.app.inject({
    method: 'POST',
    url: '/temporary-stays',
    headers: as('dev-assessor'),
    payload: { cpr: tsCpr, eligible: true, placeType: PLACE_TYPE, purpose: 'rehabilitation', priority: 'middel' },
  });
  expect(ts.statusCode, ts.body).toBe(201);
  const review = await openReview();
  const nhCpr = fakeCpr('1936-05-06');
  const nh = await stack.app.inject({ method: 'POST', url: '/nursing-home-follow-ups', headers: as('dev-assessor'), payload: { cpr: nhCpr, movedInOn: localDate(Date.now()) } });
  expect(nh.statusCode, nh.body).toBe(201);
  // the complaint's citizen is the citizen of the case complained about: a case of a citizen of its own
  const complainedCpr = fakeCpr('1938-09-10');
  const complained = await stack.app.inject({
    method: 'POST',
    url: '/cases',
    headers: as('dev-hospital'),
    payload: { type: 'hospital_discharge', cpr: complainedCpr, receivedAt: hourAgo(), ward: 'Bispebjerg, afsnit 42', admittedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(), functionalLevel: 'FSIII 3' },
  });
  expect(complained.statusCode, complained.body).toBe(201);
  const complaint = await stack.app.inject({
    method: 'POST',
    url: '/complaints',
    headers: as('dev-assessor'),
    payload: { concernsCaseId: complained.json().id, about: 'decision', receivedOn: localDate(Date.now()), receivedVia: 'citizen', complaint: 'Jeg er uenig i afgørelsen.' },
  });
  expect(complaint.statusCode, complaint.body).toBe(201);
  const grantCpr = fakeCpr('1937-05-06');
  const grant = await stack.app.inject({
    method: 'POST',
    url: '/grants',
    headers: as('dev-assessor'),
    // handed to the dev provider's own provider (config/dev-tokens.json): it reads this one
    payload: { cpr: grantCpr, decision: 'granted', serviceCode: 'praktisk-hjaelp', minutesPerDelivery: 30, deliveriesPerWeek: 1, startsOn: localDate(Date.now() + 7 * 86_400_000), providerCode: 'privat-a', reason: 'need_assessed' },
  });
  expect(grant.statusCode, grant.body).toBe(201);
  return {
    complaint: { id: complaint.json().id, cpr: complainedCpr, birth: '1938-09-10' },
    nursing_home_follow_up: { id: nh.json().id, cpr: nhCpr, birth: '1936-05-06' },
    grant: { id: grant.json().id, cpr: grantCpr, birth: '1937-05-06' },
    notification_review: review,
    psychiatric_discharge: { id: psy.json().id, cpr: psyCpr, birth: '1961-03-04' },
    hospital_discharge: { id: hd.json().id, cpr: hdCpr, birth: '1944-07-08' },
    temporary_stay: { id: ts.json().id, cpr: tsCpr, birth: '1939-11-12' },
  };
}

describe('need to know: GET /cases/:id', () => {
  it('every (role, case type) pair follows the matrix', async () => {
    const cases = await opened();
    let pairs = 0;
    for (const [token, user] of tokens) {
      for (const [type, c] of Object.entries(cases) as [CaseTypeName, Opened[CaseTypeName]][]) {
        const res = await stack.app.inject({ method: 'GET', url: `/cases/${c.id}`, headers: as(token) });
        const view = CASE_READ_MATRIX[type][user.role];
        const where = `${user.role} reads ${type}`;
        pairs++;
        if (!view) {
          expect(res.statusCode, where).toBe(403);
          expect(res.body, where).not.toContain(c.cpr);
          continue;
        }
        expect(res.statusCode, `${where}: ${res.body}`).toBe(200);
        const citizen = res.json().citizen;
        if (type === 'psychiatric_discharge') {
          // the ward is a registry id in the case (and the workflow); its name only for those who see the CPR
          expect(res.json().details.wardId, where).toMatch(/^[0-9a-f-]{36}$/);
          if (view === 'cpr') expect(res.json().details.ward, where).toBe('Psykiatrisk Center Amager');
          else expect(res.body, where).not.toContain('Psykiatrisk Center Amager');
        }
        if (view === 'cpr') {
          expect(citizen, where).toMatchObject({ cpr: c.cpr, birthDate: c.birth });
        } else {
          expect(citizen.cpr, where).toBeUndefined();
          expect(citizen.birthDate, where).toBeUndefined();
          expect(citizen.ageBand, where).toMatch(/^\d+-\d+$|^100\+$/);
          expect(res.body, where).not.toContain(c.cpr);
          expect(res.body, where).not.toContain(c.cpr.slice(0, 6));
          expect(res.body, where).not.toContain(c.birth);
        }
      }
    }
    expect(pairs).toBe(tokens.size * Object.keys(cases).length);
  });
});

/** The URL of a read route for a case (lists: with the query they need). */
function urlOf(route: ReadRouteName, caseId: string): string {
  const path = route.slice('GET '.length).replace(':id', caseId);
  if (route === 'GET /waiting-list') return `${path}?placeType=${PLACE_TYPE}`;
  if (route === 'GET /escalations') return `${path}?case=${caseId}`;
  if (route === 'GET /work-queue') return `${path}?limit=200`;
  return path;
}

/** Every value of `key` anywhere in a JSON answer. */
function valuesOf(json: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(json)) for (const v of json) valuesOf(v, key, out);
  else if (json && typeof json === 'object') {
    for (const [k, v] of Object.entries(json)) {
      if (k === key) out.push(v);
      valuesOf(v, key, out);
    }
  }
  return out;
}

const sameSet = (a: readonly string[]) => [...a].sort();

describe('need to know: every read route', () => {
  it('every (role, read route, case type) triple follows READ_ROUTES and the matrix', async () => {
    const cases = await opened();
    const typeOf = new Map(Object.entries(cases).map(([type, c]) => [c.id, type as CaseTypeName]));
    const allCprs = Object.values(cases).map((c) => c.cpr);
    const allBirths = Object.values(cases).map((c) => c.birth);
    // one escalation on each case, so that GET /escalations?case=… has something to show (or hide)
    const now = new Date();
    await stack.database.db.insert(escalations).values(
      Object.values(cases).map((c) => ({
        caseId: c.id,
        key: 'need-to-know-walk',
        kind: 'need_to_know_walk',
        severity: 'warning',
        recipientRole: 'supervisor',
        dueDay: localDate(Date.now()),
        scheduledFor: now,
        firedAt: now,
        message: 'need-to-know walk',
      })),
    );

    let triples = 0;
    const seen = { forbiddenByRoute: 0, forbiddenByMatrix: 0, cprShown: 0, ageBandOnly: 0, listed: 0 };
    for (const [token, user] of tokens) {
      const role = user.role;
      for (const [route, spec] of Object.entries(READ_ROUTES) as [ReadRouteName, (typeof READ_ROUTES)[ReadRouteName]][]) {
        for (const [type, c] of Object.entries(cases) as [CaseTypeName, Opened[CaseTypeName]][]) {
          triples++;
          const url = urlOf(route, c.id);
          const where = `${role} ${route} on a ${type} case (${url})`;
          const res = await stack.app.inject({ method: 'GET', url, headers: as(token) });
          const view = CASE_READ_MATRIX[type][role];
          // never a CPR or birth date where the route or the role does not show it
          const noCitizen = (cprs: string[], births: string[], fields = true) => {
            for (const cpr of cprs) expect(res.body, `${where}: CPR`).not.toContain(cpr);
            for (const birth of births) expect(res.body, `${where}: birth date`).not.toContain(birth);
            if (!fields) return;
            expect(valuesOf(res.json(), 'cpr'), `${where}: cpr field`).toEqual([]);
            expect(valuesOf(res.json(), 'birthDate'), `${where}: birthDate field`).toEqual([]);
          };

          if (!(spec.roles as readonly string[]).includes(role)) {
            // the route's roles (config.access) are the table's
            expect(res.statusCode, `${where}: ${res.body}`).toBe(403);
            expect(sameSet(res.json().allowedRoles), where).toEqual(sameSet(spec.roles));
            seen.forbiddenByRoute++;
            noCitizen(allCprs, allBirths);
            continue;
          }
          expect(res.statusCode, `${where}: ${res.body}`).not.toBe(401);
          if (res.statusCode === 403) expect(res.json().message, where).not.toMatch(/may not do this/);

          if (spec.scope === 'list') {
            expect(res.statusCode, `${where}: ${res.body}`).toBe(200);
            seen.listed++;
            noCitizen(allCprs, allBirths);
            expect(res.body, where).not.toMatch(/"ageAtReceipt"/);
            // only case types the role reads, and none of ours of another type
            for (const t of valuesOf(res.json(), 'caseType')) expect(CASE_READ_MATRIX[t as CaseTypeName]?.[role], `${where}: lists a ${t}`).toBeDefined();
            for (const id of valuesOf(res.json(), 'caseId')) {
              const t = typeOf.get(id as string);
              if (t) expect(CASE_READ_MATRIX[t][role], `${where}: lists our ${t} case`).toBeDefined();
            }
            if (route === 'GET /escalations') {
              // the escalation on this case: shown exactly to the roles that read its type
              expect(res.json().items.length, where).toBe(view ? 1 : 0);
            }
            if (route === 'GET /payments/bed-days' && type === 'psychiatric_discharge') {
              const line = res.json().cases.find((x: { caseId: string }) => x.caseId === c.id);
              expect(Boolean(line), `${where}: the psychiatric case's line`).toBe(Boolean(view));
            }
            continue;
          }

          // one case
          if (!view) {
            expect(res.statusCode, `${where}: ${res.body}`).toBe(403);
            expect(res.json().message, where).toContain(`role ${role} does not read ${type} cases`);
            expect(sameSet(res.json().allowedRoles), where).toEqual(sameSet(readersOf(type)));
            seen.forbiddenByMatrix++;
            noCitizen(allCprs, allBirths);
            continue;
          }
          if (!(spec.caseTypes as readonly string[]).includes(type)) {
            // a readable case of a type the route does not serve
            expect(res.statusCode, `${where}: ${res.body}`).toBe(404);
            noCitizen(allCprs, allBirths);
            continue;
          }
          expect(res.statusCode, `${where}: ${res.body}`).toBe(200);
          const others = Object.values(cases).filter((o) => o !== c);
          noCitizen(others.map((o) => o.cpr), others.map((o) => o.birth), false);
          const showsCpr = spec.citizen === 'cpr_or_age_band' && view === 'cpr';
          if (showsCpr) {
            expect(res.body, `${where}: CPR`).toContain(c.cpr);
            expect(res.body, `${where}: birth date`).toContain(c.birth);
            seen.cprShown++;
          } else {
            noCitizen([c.cpr], [c.birth]);
            expect(res.body, `${where}: CPR digits`).not.toContain(c.cpr.slice(0, 6));
            if (spec.citizen === 'cpr_or_age_band') {
              expect(res.json().citizen.ageBand, where).toMatch(/^\d+-\d+$|^100\+$/);
              seen.ageBandOnly++;
            }
          }
          if (spec.citizen === 'age_or_age_band') {
            if (view === 'cpr') expect(res.json().ageAtReceipt, where).toEqual(expect.any(Number));
            else {
              expect(res.json().ageAtReceipt, where).toBeUndefined();
              expect(res.json().ageBandAtReceipt, where).toMatch(/^\d+-\d+$|^100\+$/);
            }
          } else {
            expect(res.body, `${where}: exact age`).not.toMatch(/"ageAtReceipt"/);
          }
          if (role === 'supervisor') noCitizen(allCprs, allBirths);
        }
      }
    }
    expect(triples).toBe(tokens.size * Object.keys(READ_ROUTES).length * Object.keys(CASE_READ_MATRIX).length);
    // the walk met every kind of answer
    for (const [k, n] of Object.entries(seen)) expect(n, k).toBeGreaterThan(0);
  });
});

describe('need to know: docs/api.md', () => {
  it('"Need to know" names every read route of READ_ROUTES, with its roles', () => {
    const doc = readFileSync(new URL('../docs/api.md', import.meta.url), 'utf8');
    const start = doc.indexOf('## Need to know');
    expect(start).toBeGreaterThan(-1);
    const end = doc.indexOf('\n## ', start + 1);
    const section = doc.slice(start, end === -1 ? undefined : end);
    for (const [route, spec] of Object.entries(READ_ROUTES)) {
      const row = section.split('\n').find((l) => l.startsWith(`| \`${route}\``));
      expect(row, route).toBeDefined();
      if (route !== 'GET /cases/:id' && route !== 'GET /escalations' && route !== 'GET /work-queue' && route !== 'GET /payments/bed-days') {
        for (const role of spec.roles) expect(row, `${route}: ${role}`).toContain(role);
      }
    }
  });
});
