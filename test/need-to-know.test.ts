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
import { escalations } from '../db/schema/index.js';
import { localDate } from '../domain/calendar.js';
import { as, tokens } from './api-helpers.js';
import { useTestStack } from './helpers.js';
import { openEveryCaseType, type OpenedCases } from './every-case-type.js';

const stack = useTestStack({ temporal: 'dev', app: true });
/** A place type of this file's own: its allocator runs on this file's worker (allocators are one per place type on the shared server). */
const PLACE_TYPE = `ntk-${Math.random().toString(36).slice(2, 8)}`;

type Opened = OpenedCases;
let openedOnce: Promise<Opened> | undefined;
/** The cases, opened once for both tests (a citizen has one open temporary-stay application). */
const opened = () => (openedOnce ??= openEveryCaseType(stack, PLACE_TYPE));

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
