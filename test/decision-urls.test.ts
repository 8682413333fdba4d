/**
 * One URL style for decisions (`POST /cases/:id/<case type>/<decision>`): the hospital-discharge
 * and temporary-stay decisions answer there, and their older URLs still answer as the same route
 * until the announced day, documented once (in the canonical operation, not as operations of their
 * own) and saying so in every answer (`Deprecation`, `Sunset` and `Link` headers).
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { LEGACY_URLS_REMOVED_ON } from '../api/decision-urls.js';
import { CASE_TYPES } from '../api/case-types/index.js';
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
      if (/^\/(escalations|housing-offers|places|facilities|medcom|interval-bookings)\//.test(path) || path.startsWith('/hospital-discharge/tasks/')) continue; // not decisions on a case
      expect(path, 'one style for decisions').toMatch(new RegExp(`^/cases/\\{id\\}/(${CASE_TYPES.map((t) => t.slug).join('|')})/[a-z-]+$`));
    }
    // the older URLs are not operations of their own: each canonical operation names its old URL and the removal day
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/hospital-discharge/cases/') || p.startsWith('/temporary-stays/{id}/'))).toEqual([]);
    const withOldUrl = [
      ...['reroute', 'vulnerability-assessment', 'conference', 'decision', 'faerdigbehandlet', 'discharged', 'readmitted', 'died', 'follow-up-visit', 'help-follow-up'].map(
        (d) => [`/cases/{id}/hospital-discharge/${d}`, `/hospital-discharge/cases/{id}/${d}`],
      ),
      ...['priority', 'offer-reply', 'reassessment', 'end-stay', 'withdraw', 'hospital-events'].map((d) => [`/cases/{id}/temporary-stay/${d}`, `/temporary-stays/{id}/${d}`]),
    ];
    for (const [canonical, old] of withOldUrl) {
      const op = doc.paths[canonical]!.post! as { description?: string; deprecated?: boolean };
      expect(op.deprecated, canonical).toBeUndefined();
      expect(op.description, canonical).toContain(`deprecated URL \`${old}\` until ${LEGACY_URLS_REMOVED_ON}`);
    }
    expect((doc.paths['/cases/{id}/hospital-discharge/care-plan']?.get as { description?: string }).description).toContain('/hospital-discharge/cases/{id}/care-plan');
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
    expect(old.headers.sunset).toBe(new Date(`${LEGACY_URLS_REMOVED_ON}T00:00:00Z`).toUTCString());
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
