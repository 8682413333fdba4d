/**
 * One URL style for decisions (`POST /cases/:id/<case type>/<decision>`): the hospital-discharge
 * and temporary-stay decisions answer there, and their older URLs still answer as the same route,
 * marked deprecated (OpenAPI `deprecated`, `Deprecation` and `Link` headers).
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog } from '../db/schema/index.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'dev', app: true });
const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

describe('decision URLs', () => {
  it('every decision lives under /cases/:id/<case type>/; the old URLs are deprecated aliases of the same route', async () => {
    const doc = (await stack.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, { deprecated?: boolean; operationId?: string; 'x-roles'?: string[] }>>;
    };
    const posts = Object.entries(doc.paths).flatMap(([path, ops]) => (ops.post ? [{ path, op: ops.post }] : []));
    const caseDecisions = posts.filter((p) => /\{id\}/.test(p.path) && !p.op.deprecated);
    expect(caseDecisions.length).toBeGreaterThan(20);
    for (const { path } of caseDecisions) {
      if (/^\/(escalations|housing-offers|places|facilities)\//.test(path) || path.startsWith('/hospital-discharge/tasks/')) continue; // not decisions on a case
      expect(path, 'one style for decisions').toMatch(/^\/cases\/\{id\}\/(psychiatric|hospital-discharge|temporary-stay)\/[a-z-]+$/);
    }
    const legacy = posts.filter((p) => p.op.deprecated);
    expect(legacy.map((p) => p.path).sort()).toEqual(
      [
        ...['reroute', 'vulnerability-assessment', 'conference', 'decision', 'faerdigbehandlet', 'discharged', 'readmitted', 'died', 'follow-up-visit', 'help-follow-up'].map(
          (d) => `/hospital-discharge/cases/{id}/${d}`,
        ),
        ...['priority', 'offer-reply', 'reassessment', 'end-stay', 'withdraw', 'hospital-events'].map((d) => `/temporary-stays/{id}/${d}`),
      ].sort(),
    );
    for (const { path, op } of legacy) {
      const canonical = path.replace(/^\/hospital-discharge\/cases\/\{id\}\//, '/cases/{id}/hospital-discharge/').replace(/^\/temporary-stays\/\{id\}\//, '/cases/{id}/temporary-stay/');
      expect(op['x-roles'], path).toEqual(doc.paths[canonical]!.post!['x-roles']);
      expect(op.operationId).not.toBe(doc.paths[canonical]!.post!.operationId);
    }
    expect(doc.paths['/cases/{id}/hospital-discharge/care-plan']?.get).toBeDefined();
    expect(doc.paths['/hospital-discharge/cases/{id}/care-plan']?.get?.deprecated).toBe(true);
  });

  it('a decision through the canonical URL and its repeat through the old one reach the same case and the same rules', async () => {
    const open = await stack.app.inject({
      method: 'POST',
      url: '/cases',
      headers: as('dev-hospital'),
      payload: { type: 'hospital_discharge', cpr: fakeCpr('1948-02-03'), receivedAt: hourAgo(), ward: 'Afsnit 7', admittedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(), functionalLevel: 'FSIII 2' },
    });
    expect(open.statusCode, open.body).toBe(201);
    const id = open.json().id as string;

    const now = await stack.app.inject({ method: 'POST', url: `/cases/${id}/hospital-discharge/reroute`, headers: as('dev-assessor'), payload: { to: 'SOF', reason: 'social need' } });
    expect(now.statusCode, now.body).toBe(200);
    expect(now.headers.deprecation).toBeUndefined();

    // the old URL is the same route: the same validator refuses the same re-route (409), with the deprecation headers
    const old = await stack.app.inject({ method: 'POST', url: `/hospital-discharge/cases/${id}/reroute`, headers: as('dev-assessor'), payload: { to: 'SOF', reason: 'again' } });
    expect(old.statusCode, old.body).toBe(409);
    expect(old.headers.deprecation).toBe('true');
    expect(old.headers.link).toBe(`</cases/${id}/hospital-discharge/reroute>; rel="successor-version"`);
    // same roles
    const wrong = await stack.app.inject({ method: 'POST', url: `/hospital-discharge/cases/${id}/reroute`, headers: as('dev-hospital'), payload: { to: 'SUF', reason: 'x' } });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.headers.deprecation, 'every answer of an old URL says so').toBe('true');

    // one decision, one Idempotency-Key, whichever URL: the repeat through the old URL gets the first answer
    const key = `conference-${id}`;
    const first = await stack.app.inject({ method: 'POST', url: `/cases/${id}/hospital-discharge/vulnerability-assessment`, headers: { ...as('dev-assessor'), 'idempotency-key': key }, payload: { vulnerable: true } });
    expect(first.statusCode, first.body).toBe(200);
    const repeat = await stack.app.inject({ method: 'POST', url: `/hospital-discharge/cases/${id}/vulnerability-assessment`, headers: { ...as('dev-assessor'), 'idempotency-key': key }, payload: { vulnerable: true } });
    expect(repeat.statusCode, repeat.body).toBe(200);
    expect(repeat.headers['idempotent-replay']).toBe('true');
    expect(repeat.json()).toEqual(first.json());

    // the audit names both calls the same decision on the same case (a refused role is audited too)
    const rows = await stack.database.db
      .select({ path: auditLog.path, status: auditLog.statusCode })
      .from(auditLog)
      .where(and(eq(auditLog.caseId, id), eq(auditLog.action, 'hospital_discharge.reroute')));
    expect(rows.map((r) => [r.path, r.status]).sort()).toEqual(
      [
        [`/cases/${id}/hospital-discharge/reroute`, 200],
        [`/hospital-discharge/cases/${id}/reroute`, 409],
        [`/hospital-discharge/cases/${id}/reroute`, 403],
      ].sort(),
    );
  });
});
