/**
 * The supervisor's view on the real dev server: cases listed under their case numbers, the
 * Web UI list queries of docs/supervisor.md (overdue, at risk, escalated, waiting on the area chief,
 * `CaseStep="offered"`, per case type) find exactly the right cases, and `GET /work-queue`
 * with the area chief's token lists what the area chief must do, most urgent first. A breached
 * case keeps its earliest open due day in `NextDueDay` (the overdue query finds it; the most late
 * sorts first) and names the next escalation still to come in `NextEscalationAt`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../config/index.js';
import { ActingRoleKey, CaseStepKey, EscalatedKey, NextDueAtKey, NextDueDayKey, NextEscalationAtKey, SlaStateKey } from '../workflows/shared/search-attributes.js';
import { addDays, localDate, overnightAfter } from '../domain/calendar.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { earlierToday, eventually, useTestStack } from './helpers.js';
import { registerPlaceType } from './temporary-stay-support.js';

const stack = useTestStack({ temporal: 'dev', app: true });
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function post(url: string, token: string, payload: unknown) {
  const res = await stack.app.inject({ method: 'POST', url, headers: as(token), payload: payload as object });
  expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
  return res.json();
}

/** Every CPR this file sent (none may come back in a work queue). */
const cprsSent: string[] = [];
const cpr = (birthDate: string) => {
  const c = fakeCpr(birthDate);
  cprsSent.push(c, c.replace('-', ''));
  return c;
};

async function psychiatric(receivedDaysAgo: number) {
  return post('/cases', 'dev-hospital', {
    type: 'psychiatric_discharge',
    cpr: cpr('1980-04-04'),
    notice: 'forvarsling',
    receivedAt: iso(Date.now() - receivedDaysAgo * DAY - 3_600_000),
    ward: 'Psykiatrisk Center',
  }) as Promise<{ id: string; caseNumber: string }>;
}

/** One obligation of a case as the API shows it. */
async function obligationOf(caseId: string, key: string) {
  const res = await stack.app.inject({ method: 'GET', url: `/cases/${caseId}`, headers: as('dev-supervisor') });
  expect(res.statusCode, res.body).toBe(200);
  const found = (res.json().obligations as { key: string; dueDay: string; escalationAt: string; state: string }[]).find((o) => o.key === key);
  expect(found, `${caseId} has ${key}`).toBeDefined();
  return found!;
}

/** Workflow ids a visibility query finds among this file's cases (its own task queue). */
async function find(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of stack.env.client.workflow.list({ query: `${query} AND TaskQueue="${stack.worker.taskQueue}"` })) ids.push(w.workflowId);
  return ids.sort();
}

describe("the supervisor's view", () => {
  it('the queries of docs/supervisor.md find exactly the right cases, and the area chief has a work queue', async () => {
    const openedOn = localDate(Date.now());
    const overdue = await psychiatric(90); // the 12-week deadline passed: breached, escalated
    const atRisk = await psychiatric(58); // past the 8-week warning: at risk
    const disputed = await psychiatric(1); // a disagreement awaits the chief level
    await post(`/cases/${disputed.id}/psychiatric/disagreements`, 'dev-hospital', { regionRefusesDischarge: true, reason: 'The ward disagrees' });
    const discharge = (await post('/cases', 'dev-hospital', {
      type: 'hospital_discharge',
      cpr: cpr('1948-03-15'),
      receivedAt: iso(earlierToday(3_600_000)), // today: its vulnerability assessment is due the next working day, on track
      ward: 'Afsnit 42',
      admittedAt: iso(Date.now() - 5 * DAY),
      expectedDischargeDate: addDays(localDate(Date.now()), 3),
      functionalLevel: 'FSIII',
    })) as { id: string; caseNumber: string };
    const placeType = await registerPlaceType(stack.database.db, `sv-${Date.now()}`);
    const facility = await post('/facilities', 'dev-housing', { name: `Plejecenter ${placeType}`, address: 'Nørrebrogade 1' });
    const stay = (await post('/temporary-stays', 'dev-assessor', {
      cpr: cpr('1940-05-05'),
      eligible: true,
      placeType,
      purpose: 'rehabilitation',
      priority: 'hoej',
    })) as { caseId: string; caseNumber: string };
    await post('/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' });

    for (const c of [overdue, atRisk, disputed, discharge, stay]) expect(c.caseNumber).toMatch(/^(PSY|UDS|MDO)-\d{4}-\d{6}$/);

    const expectations: [string, string[]][] = [
      ['SlaState="breached"', [overdue.caseNumber]],
      ['SlaState="at_risk"', [atRisk.caseNumber]],
      ['Escalated=true', [overdue.caseNumber]],
      ['ActingRole="area_chief"', [disputed.caseNumber]],
      ['CaseStep="offered"', [stay.caseNumber]],
      ['CaseType="hospital_discharge"', [discharge.caseNumber]],
      ['CaseType="temporary_stay"', [stay.caseNumber]],
      ['CaseType="psychiatric_discharge"', [overdue.caseNumber, atRisk.caseNumber, disputed.caseNumber].sort()],
    ];
    const doc = readFileSync(path.join(projectRoot, 'docs', 'supervisor.md'), 'utf8');
    for (const [query, expected] of expectations) {
      expect(doc, `docs/supervisor.md lists ${query}`).toContain(`| \`${query}\` |`);
      await eventually(async () => JSON.stringify(await find(query)) === JSON.stringify(expected), 45_000).catch(async () => {
        expect(await find(query), query).toEqual(expected);
      });
    }

    // The search attributes of the overdue case say who acts and since when it is breached.
    const d = await stack.env.client.workflow.getHandle(overdue.caseNumber).describe();
    expect(d.typedSearchAttributes.get(SlaStateKey)).toBe('breached');
    expect(d.typedSearchAttributes.get(EscalatedKey)).toBe(true);
    expect(d.typedSearchAttributes.get(ActingRoleKey)).toBe('psychiatry_coordinator');
    expect(d.typedSearchAttributes.get(CaseStepKey)).toBe('open');
    // how late it is: the breached 12-week deadline's due day stays in NextDueDay (and its escalation instant in NextDueAt)
    const deadline = await obligationOf(overdue.id, 'deadline-12w');
    expect(deadline).toMatchObject({ state: 'breached' });
    expect(d.typedSearchAttributes.get(NextDueDayKey)).toBe(deadline.dueDay);
    expect(deadline.dueDay < localDate(Date.now())).toBe(true);
    expect(d.typedSearchAttributes.get(NextDueAtKey)?.getTime()).toBe(Date.parse(deadline.escalationAt));
    // the next escalation still to come: status meeting 1 (the system flagged a long course at the 8-week warning)
    const meeting = await obligationOf(overdue.id, 'meeting-1');
    expect([addDays(openedOn, 14), addDays(localDate(Date.now()), 14)]).toContain(meeting.dueDay); // flagged the day the case opened (midnight may have passed since)
    expect(Date.parse(meeting.escalationAt)).toBe(overnightAfter(meeting.dueDay, 0));
    expect(d.typedSearchAttributes.get(NextEscalationAtKey)?.getTime()).toBe(Date.parse(meeting.escalationAt));

    // The area chief's work queue: the chief-level decision first (due in 7 days), then the status meetings.
    const queue = await stack.app.inject({ method: 'GET', url: '/work-queue?limit=200', headers: as('dev-chief') });
    expect(queue.statusCode).toBe(200);
    const mine = new Set([overdue.caseNumber, atRisk.caseNumber, disputed.caseNumber, discharge.caseNumber, stay.caseNumber]);
    const items = (queue.json().items as { caseNumber: string; obligation: string; actor: { role: string }; slaState: string; action: { code: string; da: string } }[]).filter((i) =>
      mine.has(i.caseNumber),
    );
    expect(items.every((i) => i.actor.role === 'area_chief')).toBe(true);
    expect(items[0]).toMatchObject({ caseNumber: disputed.caseNumber, obligation: 'chief-level-1' });
    // the two meetings fall due the same instant (both flagged today): their order among themselves is the case id's
    expect(items.slice(1).map((i) => [i.caseNumber, i.obligation]).sort()).toEqual(
      [overdue.caseNumber, atRisk.caseNumber].sort().map((n) => [n, 'meeting-1']),
    );
    expect(items).toHaveLength(3);
    expect(items[0]!.action).toMatchObject({ code: 'decide_at_chief_level', da: expect.stringContaining('chefniveau') });
    const body = JSON.stringify(queue.json());
    for (const c of cprsSent) expect(body).not.toContain(c); // no CPR
    expect(body).not.toMatch(/"(cpr|birthDate|name)"/);
    // The psychiatry coordinator's queue starts with the breached deadline.
    const coordinator = (await stack.app.inject({ method: 'GET', url: '/work-queue?limit=200', headers: as('dev-psychiatry') })).json();
    const coordItems = coordinator.items.filter((i: { caseNumber: string }) => mine.has(i.caseNumber));
    expect(coordItems[0]).toMatchObject({ caseNumber: overdue.caseNumber, obligation: 'deadline-12w', slaState: 'breached' });
    expect(coordItems[1]).toMatchObject({ caseNumber: atRisk.caseNumber, obligation: 'deadline-12w', slaState: 'at_risk' });
    // A caseworker may not read another role's queue; a supervisor may.
    expect((await stack.app.inject({ method: 'GET', url: '/work-queue?role=area_chief', headers: as('dev-psychiatry') })).statusCode).toBe(403);
    const sup = (await stack.app.inject({ method: 'GET', url: '/work-queue?role=area_chief&caseType=psychiatric_discharge&limit=200', headers: as('dev-supervisor') })).json();
    expect(sup.items.filter((i: { caseNumber: string }) => mine.has(i.caseNumber))).toHaveLength(3);
    expect((await stack.app.inject({ method: 'GET', url: '/work-queue', headers: as('dev-hospital') })).statusCode).toBe(403);
  });

  it('GET /escalations: recipientRole, kind, case (id or number) and dueBefore filter; newest first', async () => {
    const a = await psychiatric(90);
    const b = await psychiatric(90);
    const get = async (q: string) => {
      const res = await stack.app.inject({ method: 'GET', url: `/escalations?${q}`, headers: as('dev-supervisor') });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items as { key: string; caseId: string; caseNumber: string; recipientRole: string; kind: string; dueDay: string; scheduledFor: string }[];
    };
    const all = await eventually(async () => {
      const rows = await get(`case=${a.caseNumber}`);
      return rows.length === 3 ? rows : undefined;
    });
    // newest first: the 12-week escalation, then the 11- and 8-week warnings
    expect(all.map((r) => r.key)).toEqual(['deadline-12w', 'deadline-warning-11w', 'deadline-warning-8w']);
    expect(all.every((r) => r.caseNumber === a.caseNumber && r.caseId === a.id)).toBe(true);
    expect((await get(`case=${a.id}`)).map((r) => r.key)).toEqual(all.map((r) => r.key));
    expect((await get(`case=${a.caseNumber}&recipientRole=area_chief`)).map((r) => r.key)).toEqual(['deadline-12w']);
    expect((await get(`case=${a.caseNumber}&recipientRole=psychiatry_coordinator`)).map((r) => r.key)).toEqual(['deadline-warning-11w', 'deadline-warning-8w']);
    expect((await get(`case=${a.caseNumber}&kind=psychiatric_deadline_warning`)).map((r) => r.key)).toEqual(['deadline-warning-11w', 'deadline-warning-8w']);
    const dueDay = all[0]!.dueDay;
    expect(await get(`case=${a.caseNumber}&dueBefore=${dueDay}`)).toEqual([]);
    expect(await get(`case=${a.caseNumber}&dueBefore=${addDays(dueDay, 1)}`)).toHaveLength(3);
    // an instant: scheduled before it (the 12-week escalation fired after the 11-week warning)
    const before12 = new Date(Date.parse(all[0]!.scheduledFor) - 1).toISOString();
    expect((await get(`case=${a.caseNumber}&dueBefore=${encodeURIComponent(before12)}`)).map((r) => r.key)).toEqual(['deadline-warning-11w', 'deadline-warning-8w']);
    // filters combine with other cases around
    expect((await get(`recipientRole=area_chief&kind=psychiatric_deadline_passed&limit=500`)).map((r) => r.caseNumber)).toEqual(
      expect.arrayContaining([a.caseNumber, b.caseNumber]),
    );
    expect((await get(`case=NOPE-0000-000000`))).toEqual([]);
    const bad = await stack.app.inject({ method: 'GET', url: '/escalations?recipientRole=janitor', headers: as('dev-supervisor') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields.map((f: { field: string }) => f.field)).toEqual(['querystring.recipientRole']);
  });

  it('GET /work-queue pages with a cursor in the same order as one page, never repeating an item', async () => {
    const created = [await psychiatric(90), await psychiatric(58), await psychiatric(90)];
    for (const c of created) {
      await eventually(async () => (await stack.app.inject({ method: 'GET', url: `/cases/${c.id}`, headers: as('dev-supervisor') })).json().sla?.state !== 'on_track');
    }
    // other test files share the database and add items while this one pages: compare this file's items
    const mine = new Set(created.map((c) => c.caseNumber));
    const key = (i: { caseNumber: string; obligation: string }) => `${i.caseNumber}/${i.obligation}`;
    const url = (q: string) => `/work-queue?role=psychiatry_coordinator&${q}`;
    const whole = (await stack.app.inject({ method: 'GET', url: url('limit=200'), headers: as('dev-supervisor') })).json();
    const wholeMine = whole.items.filter((i: { caseNumber: string }) => mine.has(i.caseNumber)).map(key);
    // the 12-week deadlines, and the status meetings the coordinator holds with the area chief (flagged at 8 weeks)
    expect(wholeMine.filter((k: string) => k.endsWith('/deadline-12w'))).toHaveLength(3);
    expect(wholeMine.some((k: string) => /\/meeting-\d+$/.test(k))).toBe(true);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { caseNumber: string; obligation: string }[]; nextCursor: string | null } = (
        await stack.app.inject({ method: 'GET', url: url(`limit=2${cursor ? `&cursor=${cursor}` : ''}`), headers: as('dev-supervisor') })
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map(key));
      cursor = page.nextCursor;
    } while (cursor && seen.length <= whole.items.length + 200);
    expect(new Set(seen).size).toBe(seen.length); // never an item twice
    expect(seen.filter((k) => mine.has(k.split('/')[0]!))).toEqual(wholeMine);
    // most urgent first: breached before at risk before on track
    const rank = { breached: 0, at_risk: 1, on_track: 2, paused: 3 } as Record<string, number>;
    const ranks = whole.items.map((i: { slaState: string }) => rank[i.slaState]!);
    expect([...ranks].sort((x, y) => x - y)).toEqual(ranks);
    const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const uuid = created[0]!.id;
    for (const c of ['not-a-cursor', forged([0, 1e300, uuid, 'k']), forged([0, 1, '-'.repeat(36), 'k']), forged([1e12, 1, uuid, 'k']), forged([0, 1, uuid, 'k\u0000'])]) {
      const bad = await stack.app.inject({ method: 'GET', url: url(`cursor=${c}`), headers: as('dev-supervisor') });
      expect(bad.statusCode, c).toBe(400);
    }
  });
  it('overdue cases: NextDueDay < today finds them, the most late first (sorted here: SQL visibility has no ORDER BY)', async () => {
    const today = localDate(Date.now());
    const mostLate = await psychiatric(120);
    const late = await psychiatric(90);
    const onTrack = await psychiatric(1);
    const mine = `WorkflowId IN (${[mostLate, late, onTrack].map((c) => `"${c.caseNumber}"`).join(', ')})`;
    const overdueQuery = `NextDueDay < "${today}" AND ${mine}`;
    await eventually(async () => (await find(overdueQuery)).length === 2);
    expect(await find(overdueQuery)).toEqual([mostLate.caseNumber, late.caseNumber].sort());
    expect(await find(`SlaState="breached" AND ${mine}`)).toEqual([mostLate.caseNumber, late.caseNumber].sort());

    const rows: { id: string; day: string; escalationAt?: number }[] = [];
    for await (const w of stack.env.client.workflow.list({ query: overdueQuery })) {
      rows.push({ id: w.workflowId, day: w.typedSearchAttributes.get(NextDueDayKey)!, escalationAt: w.typedSearchAttributes.get(NextEscalationAtKey)?.getTime() });
    }
    for (const [c, r] of [[mostLate, rows.find((x) => x.id === mostLate.caseNumber)!], [late, rows.find((x) => x.id === late.caseNumber)!]] as const) {
      expect(r.day).toBe((await obligationOf(c.id, 'deadline-12w')).dueDay); // the breached deadline's day
      expect(r.escalationAt).toBe(overnightAfter(addDays(today, 14), 0)); // status meeting 1 escalates next
    }
    // Copenhagen days sort as text: ascending NextDueDay is most late first
    const byDay = [...rows].sort((a, b) => a.day.localeCompare(b.day)).map((r) => r.id);
    expect(byDay).toEqual([mostLate.caseNumber, late.caseNumber]);
    expect(rows.find((r) => r.id === mostLate.caseNumber)!.day < rows.find((r) => r.id === late.caseNumber)!.day).toBe(true);

    // ORDER BY: the dev server's SQLite visibility (like PostgreSQL/MySQL visibility) refuses it; should it
    // ever answer, the answer must be most late first
    const ordered: string[] = [];
    const refused = await (async () => {
      for await (const w of stack.env.client.workflow.list({ query: `${overdueQuery} ORDER BY NextDueDay ASC` })) ordered.push(w.workflowId);
    })().then(
      () => undefined,
      (err: Error & { cause?: { details?: string; message?: string } }) => `${err.message}: ${err.cause?.details ?? err.cause?.message ?? ''}`,
    );
    if (refused === undefined) expect(ordered).toEqual([mostLate.caseNumber, late.caseNumber]);
    else expect(refused).toMatch(/not supported.*ORDER BY/i);

    // the case on track: its earliest due day is its deadline, ahead; nothing escalated
    const onTrackAttrs = (await stack.env.client.workflow.getHandle(onTrack.caseNumber).describe()).typedSearchAttributes;
    const onTrackDeadline = await obligationOf(onTrack.id, 'deadline-12w');
    expect(onTrackAttrs.get(NextDueDayKey)).toBe(onTrackDeadline.dueDay);
    expect(onTrackAttrs.get(NextEscalationAtKey)?.getTime()).toBe(Date.parse(onTrackDeadline.escalationAt));
    expect(onTrackAttrs.get(NextDueAtKey)?.getTime()).toBe(Date.parse(onTrackDeadline.escalationAt));
    expect(onTrackAttrs.get(EscalatedKey)).toBe(false);
  });
});
