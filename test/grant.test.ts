/**
 * The grant case (bevilling, 003) end to end through the API on the time-skipping server: a
 * temporary grant's expiry decision and its end across a daylight-saving change; a change of
 * provider across a month end (the old provider's reports for its notice still count); a
 * significant deviation of the delivered time opening a reassessment; the 14:30 rule; a refusal;
 * the letters and messages in the outbox (exactly one per decision and per provider and event);
 * a provider reading only its own grants.
 */
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { cases, escalations, grants, obligations, outbox } from '../db/schema/index.js';
import { addDays, localDate, localInstant, overnightAfter } from '../domain/calendar.js';
import { defaultRules, rulesFromConfig } from '../domain/rules.js';
import { loadConfig } from '../config/index.js';
import { providerChangeDay } from '../domain/grants.js';
import { CaseStepKey, NextDueDayKey } from '../workflows/shared/search-attributes.js';
import { as, sendingKeys, tokens } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, useTestStack } from './helpers.js';
import { randomUUID } from 'node:crypto';
import { upsertCitizen } from '../db/queries/cases.js';
import { defaultGrantRules } from '../domain/grants.js';
import { grantStatusQuery, recordDeliveredTimeUpdate, endGrantUpdate } from '../workflows/grant/messages.js';
import { grantCaseWorkflow } from '../workflows/grant/workflow.js';
import { grantCaseType } from '../workflows/grant/case-type.js';
import { caseOpenedUpdate } from '../workflows/shared/messages.js';
import { CaseTypeKey } from '../workflows/shared/search-attributes.js';

const MINUTE = 60_000;
const stack = useTestStack({ temporal: 'time-skipping' });
let app: FastifyInstance;
/** An API whose rule set carries configured grant rules (not the defaults): the child grants must take them. */
let configured: FastifyInstance;
const CONFIGURED = { GRANT_EXPIRY_LEAD_DAYS: '5', GRANT_REASSESSMENT_DAYS: '3', PROVIDER_NOTICE_MONTHS: '2' };
const db = () => stack.database.db;
const now = () => stack.env.currentTimeMs();
const sleepUntil = async (instant: number) => stack.env.sleep(instant - (await now()));

beforeAll(async () => {
  // two more providers' tokens besides the dev provider (privat-a)
  const more = new Map(tokens);
  more.set('test-provider-b', { user: 'leverandoer-b', role: 'provider', team: 'privat-b' });
  more.set('test-provider-kommune', { user: 'leverandoer-k', role: 'provider', team: 'kommune-hjemmepleje' });
  app = sendingKeys(await buildApp({ database: stack.database, temporal: stack.env.client, taskQueue: stack.worker.taskQueue, rules: defaultRules, tokens: more, logLevel: 'silent', refuseLateDecisions: false }));
  await app.ready();
  configured = sendingKeys(await buildApp({ database: stack.database, temporal: stack.env.client, taskQueue: stack.worker.taskQueue, rules: rulesFromConfig(loadConfig(CONFIGURED)), tokens: more, logLevel: 'silent', refuseLateDecisions: false }));
  await configured.ready();
});
afterAll(async () => {
  await app?.close();
  await configured?.close();
});

async function openGrant(body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/grants', headers: as('dev-assessor'), payload: { cpr: fakeCpr('1938-04-05'), decision: 'granted', serviceCode: 'personlig-pleje', minutesPerDelivery: 15, deliveriesPerWeek: 7, reason: 'need_assessed', providerCode: 'privat-a', ...body } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; caseNumber: string };
}
const post = (token: string, caseId: string, path: string, payload: unknown) => app.inject({ method: 'POST', url: `/cases/${caseId}/grant/${path}`, headers: as(token), payload: payload as object });
const messagesOf = (caseId: string) => db().select().from(outbox).where(eq(outbox.caseId, caseId));
const grantRow = async (caseId: string) => (await db().select().from(grants).where(eq(grants.caseId, caseId)))[0]!;
const obligationRow = async (caseId: string, key: string) => (await db().select().from(obligations).where(and(eq(obligations.caseId, caseId), eq(obligations.key, key))))[0];

/** The first day on or after `from` for which `ok` holds. */
function dayFrom(from: string, ok: (d: string) => boolean): string {
  let d = from;
  while (!ok(d)) d = addDays(d, 1);
  return d;
}
/** The day summer time starts (the last Sunday of March) after `from`. */
const nextSpringForward = (from: string) => dayFrom(addDays(from, 1), (d) => d.slice(5, 7) === '03' && Number(d.slice(8)) >= 25 && new Date(`${d}T12:00:00Z`).getUTCDay() === 0);
const monday = (from: string) => dayFrom(from, (d) => new Date(`${d}T12:00:00Z`).getUTCDay() === 1);

describe('grant case (time-skipping server)', () => {
  it('a temporary stay\'s reassessment "home with help" with a grant opens a grant case from the day after the stay, with the configured grant rules', async () => {
    const t = await now();
    const placeType = `grant-stay-${randomUUID().slice(0, 8)}`;
    const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) => {
      const res = await configured.inject({ method, url, headers: as(token), ...(payload !== undefined ? { payload: payload as object } : {}) });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.json();
    };
    await call('POST', '/place-types', 'dev-housing', { code: placeType, name: 'Aflastning' });
    const stay = await call('POST', '/temporary-stays', 'dev-assessor', { cpr: fakeCpr('1934-03-04'), eligible: true, placeType, purpose: 'rehabilitation', priority: 'hoej', appliedAt: new Date(t).toISOString() });
    const facility = await call('POST', '/facilities', 'dev-housing', { name: `Plejecenter ${placeType}`, address: 'Nørrebrogade 1' });
    await call('POST', '/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' });
    const offerId = await eventually(async () => (await call('GET', `/temporary-stays/${stay.id}`, 'dev-assessor')).offer?.offerId as string | undefined);
    const plannedEndDate = addDays(localDate(t), 21);
    await call('POST', `/cases/${stay.id}/temporary-stay/offer-reply`, 'dev-housing', { offerId, accept: true, plannedEndDate });
    await eventually(async () => (await call('GET', `/temporary-stays/${stay.id}`, 'dev-assessor')).stay);
    // far out: an abandoned child that completes after its parent closed stalls the time-skipping server's later sleeps
    const endsOn = addDays(plannedEndDate, 800);
    const order = { serviceCode: 'praktisk-hjaelp', minutesPerDelivery: 30, deliveriesPerWeek: 1, providerCode: 'kommune-hjemmepleje', endsOn };
    const refused = await configured.inject({ method: 'POST', url: `/cases/${stay.id}/temporary-stay/reassessment`, headers: as('dev-assessor'), payload: { outcome: 'home', grant: order } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().fields).toEqual([{ field: 'body.grant', message: 'only with outcome home_with_help' }]);
    expect(refused.json().message).toContain('body.grant: only with outcome home_with_help');
    const st = await call('POST', `/cases/${stay.id}/temporary-stay/reassessment`, 'dev-assessor', { outcome: 'home_with_help', grant: order });
    const child = st.grantCase as { caseId: string; caseNumber: string };
    expect(child.caseNumber).toMatch(/^BEV-/);
    const row = await eventually(async () => (await db().select().from(grants).where(eq(grants.caseId, child.caseId)))[0]);
    expect(row).toMatchObject({ startsOn: addDays(plannedEndDate, 1), providerCode: 'kommune-hjemmepleje', minutesPerDelivery: 30, deliveriesPerWeek: 1 });
    const msgs = await eventually(async () => {
      const m = await messagesOf(child.caseId);
      return m.length === 2 ? m : undefined;
    });
    expect(msgs.find((m) => m.key === 'letter:1')!.body).toContain('behovet efter det midlertidige ophold');
    // the configured lead days (5), not the default (14)
    const ob = await eventually(() => obligationRow(child.caseId, `expiry-${endsOn}`));
    expect(ob).toMatchObject({ kind: 'grant_expiry', dueDay: addDays(endsOn, -5) });
  });

  it('a hospital discharge\'s "more help at home" with a grant opens a grant case: the grant is the hand-over, with the configured grant rules', async () => {
    const t = await now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const hd = await configured.inject({
      method: 'POST',
      url: '/cases',
      headers: as('dev-hospital'),
      payload: { type: 'hospital_discharge', cpr: fakeCpr('1945-05-05'), receivedAt: iso(t - 3_600_000), ward: 'Afsnit 42', admittedAt: iso(t - 5 * 86_400_000), expectedDischargeDate: addDays(localDate(t), 2), functionalLevel: 'FSIII' },
    });
    expect(hd.statusCode, hd.body).toBe(201);
    const id = hd.json().id as string;
    const step = (action: string, token: string, payload: unknown) => configured.inject({ method: 'POST', url: `/cases/${id}/hospital-discharge/${action}`, headers: as(token), payload: payload as object });
    expect((await step('vulnerability-assessment', 'dev-assessor', { vulnerable: true })).statusCode).toBe(200);
    expect((await step('conference', 'dev-coordinator', { heldAt: iso(t - 1_800_000) })).statusCode).toBe(200);
    const startsOn = addDays(localDate(t), 2);
    const endsOn = addDays(startsOn, 800);
    const grant = { serviceCode: 'personlig-pleje', minutesPerDelivery: 15, deliveriesPerWeek: 14, providerCode: 'privat-a', endsOn };
    const wrong = await step('decision', 'dev-coordinator', { holisticAssessment: 'x', decision: { kind: 'more_help_at_home', help: 'morgenpleje', minutesPerWeek: 200, providerStartsOn: startsOn, grant } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().message).toContain('must equal minutesPerWeek');
    const decided = await step('decision', 'dev-coordinator', { holisticAssessment: 'x', decision: { kind: 'more_help_at_home', help: 'morgenpleje', minutesPerWeek: 210, providerStartsOn: startsOn, grant } });
    expect(decided.statusCode, decided.body).toBe(200);
    const child = decided.json().grantCase as { caseId: string; caseNumber: string };
    expect(child.caseNumber).toMatch(/^BEV-\d{4}-\d{6}$/);
    const row = await eventually(async () => (await db().select().from(grants).where(eq(grants.caseId, child.caseId)))[0]);
    expect(row).toMatchObject({ serviceCode: 'personlig-pleje', minutesPerDelivery: 15, deliveriesPerWeek: 14, startsOn, providerCode: 'privat-a', state: 'granted' });
    const msgs = await eventually(async () => {
      const m = await messagesOf(child.caseId);
      return m.length === 2 ? m : undefined;
    });
    expect(msgs.map((m) => [m.key, m.templateCode]).sort()).toEqual([
      ['letter:1', 'grant_granted'],
      ['provider:1:privat-a', 'provider_grant_started'],
    ]);
    expect(msgs.find((m) => m.key === 'letter:1')!.body).toContain('behovet efter udskrivning fra sygehus');
    expect(decided.json().handovers).toEqual([]);
    // need to know: the discharge coordinator reads the grant its decision opened (with the CPR), not one the needs assessor granted
    const read = (caseId: string, token: string) => configured.inject({ method: 'GET', url: `/cases/${caseId}`, headers: as(token) });
    const mine = await eventually(async () => {
      const res = await read(child.caseId, 'dev-coordinator');
      return res.statusCode === 200 ? res : undefined;
    });
    expect(mine.json().details).toMatchObject({ openedBy: 'discharge_coordinator', originCaseId: id });
    expect(mine.json().citizen.cpr).toEqual(expect.any(String));
    const other = await openGrant({ startsOn: addDays(localDate(t), 1) });
    await eventually(async () => ((await read(other.id, 'dev-assessor')).json().details?.openedBy === 'needs_assessor' ? true : undefined));
    const refused = await read(other.id, 'dev-coordinator');
    expect(refused.statusCode, refused.body).toBe(404);
    // the configured rules, not the defaults: expiry lead days 5, provider notice 2 months
    const ob = await eventually(() => obligationRow(child.caseId, `expiry-${endsOn}`));
    expect(ob).toMatchObject({ kind: 'grant_expiry', dueDay: addDays(endsOn, -5) });
    const moved = await configured.inject({ method: 'POST', url: `/cases/${child.caseId}/grant/change-provider`, headers: as('dev-assessor'), payload: { toProviderCode: 'privat-b' } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().lastDayOfOld).toBe(providerChangeDay(localDate(await now()), 2).lastDayOfOld);
  });

  it('a temporary grant: the expiry decision escalates overnight, the grant ends at its end day across a daylight-saving change', async () => {
    const today = localDate(await now());
    const spring = nextSpringForward(addDays(today, 16)); // its expiry decision (spring − 7) at risk no earlier than a week ahead: on track when opened
    const endsOn = addDays(spring, 7);
    const g = await openGrant({ startsOn: addDays(today, 1), endsOn });
    const dueDay = addDays(endsOn, -14);
    const escalateAt = overnightAfter(dueDay, 0);
    const endAt = localInstant(addDays(endsOn, 1));
    // the escalation in winter time, the end in summer time: 23:00 and 22:00 UTC
    expect(new Date(escalateAt).toISOString()).toMatch(/T23:00:00\.000Z$/);
    expect(new Date(endAt).toISOString()).toMatch(/T22:00:00\.000Z$/);

    // the letter and the provider's message, once each
    const first = await messagesOf(g.id);
    expect(first.map((m) => [m.key, m.addresseeKind, m.addresseeId, m.templateCode]).sort()).toEqual([
      ['letter:1', 'citizen', expect.any(String), 'grant_granted'],
      ['provider:1:privat-a', 'provider', 'privat-a', 'provider_grant_started'],
    ]);
    const letter = first.find((m) => m.key === 'letter:1')!;
    expect(letter.body).toContain('Personlig pleje: 15 minutter pr. gang, 7 gange om ugen');
    expect(letter.body).toContain(`til og med ${endsOn} (midlertidig)`);
    expect(letter.body).toContain('Klagevejledning');
    expect(letter.complaintBy).toBe(addDays(today, 28));

    const ob = await eventually(() => obligationRow(g.id, `expiry-${endsOn}`));
    expect(ob).toMatchObject({ kind: 'grant_expiry', actorRole: 'needs_assessor', escalateTo: 'visitation_team_lead', dueDay, state: 'on_track' });
    expect(ob.escalateAt.getTime()).toBe(escalateAt);
    const queue = await app.inject({ method: 'GET', url: '/work-queue?caseType=grant&limit=200', headers: as('dev-assessor') });
    expect(queue.json().items.map((i: { obligation: string }) => i.obligation)).toContain(`expiry-${endsOn}`);
    const handle = stack.env.client.workflow.getHandle(g.caseNumber);
    expect((await handle.describe()).typedSearchAttributes.get(NextDueDayKey)).toBe(dueDay);

    await sleepUntil(escalateAt - MINUTE);
    expect((await obligationRow(g.id, `expiry-${endsOn}`))!.state).not.toBe('breached');
    await stack.env.sleep(2 * MINUTE);
    const breached = await eventually(async () => ((await obligationRow(g.id, `expiry-${endsOn}`))?.state === 'breached' ? true : undefined));
    expect(breached).toBe(true);
    const [esc] = await db().select().from(escalations).where(and(eq(escalations.caseId, g.id), eq(escalations.key, `expiry-${endsOn}`)));
    expect(esc).toMatchObject({ kind: 'grant_expiry_overdue', recipientRole: 'visitation_team_lead' });
    expect(esc!.scheduledFor!.getTime()).toBe(escalateAt);
    const decided = await post('dev-assessor', g.id, 'expiry', { outcome: 'let_end' });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toEqual({ key: `expiry-${endsOn}`, late: true });

    // the end: not a minute before the start of the day after the last day
    await sleepUntil(endAt - MINUTE);
    expect((await grantRow(g.id)).state).toBe('granted');
    await stack.env.sleep(2 * MINUTE);
    const closed = await eventually(async () => {
      const [r] = await db().select().from(cases).where(eq(cases.id, g.id));
      return r?.closedAt ? r : undefined;
    });
    expect(closed.outcome).toBe('expired');
    expect(closed.closedAt!.getTime()).toBeGreaterThanOrEqual(endAt);
    expect(closed.closedAt!.getTime()).toBeLessThan(endAt + MINUTE);
    expect((await grantRow(g.id)).state).toBe('ended');
    const all = await messagesOf(g.id);
    expect(all.map((m) => m.key).sort()).toEqual(['letter:1', 'provider:1:privat-a', 'provider:expired:privat-a']);
    expect(all.find((m) => m.key === 'provider:expired:privat-a')).toMatchObject({ addresseeId: 'privat-a', templateCode: 'provider_grant_ended' });
    expect((await handle.describe()).typedSearchAttributes.get(CaseStepKey)).toBe('closed');
  });

  it('change of provider across a month end: notice, both told, the old one reports for its notice, the grant passes on the first day after it', async () => {
    const today = localDate(await now());
    const g = await openGrant({ startsOn: addDays(today, 1), minutesPerDelivery: 30, deliveriesPerWeek: 2 });
    const on31 = dayFrom(addDays(today, 2), (d) => d.endsWith('-31') && !d.includes('-07-') && !d.includes('-12-'));
    await sleepUntil(localInstant(on31, 10));
    const changed = await post('dev-assessor', g.id, 'change-provider', { toProviderCode: 'privat-b' });
    expect(changed.statusCode, changed.body).toBe(200);
    const { lastDayOfOld, firstDayOfNew } = changed.json();
    // the month after has 30 days (or February): the notice ends on its last day, the new provider starts on the 1st
    expect(firstDayOfNew.endsWith('-01')).toBe(true);
    expect(addDays(lastDayOfOld, 1)).toBe(firstDayOfNew);
    expect(lastDayOfOld.slice(5, 7)).not.toBe(on31.slice(5, 7));
    const msgs = await messagesOf(g.id);
    expect(msgs.filter((m) => m.key.startsWith('provider:2:') || m.key === 'letter:2').map((m) => [m.key, m.templateCode]).sort()).toEqual([
      ['letter:2', 'grant_provider_changed'],
      ['provider:2:privat-a', 'provider_notice'],
      ['provider:2:privat-b', 'provider_grant_started'],
    ]);
    expect(msgs.find((m) => m.key === 'provider:2:privat-a')!.body).toContain(`lever til og med ${lastDayOfOld}`);

    // during the notice: the old provider reports; the new one may not report a week before its first day
    const lastWeek = monday(addDays(lastDayOfOld, -6));
    const oldReport = await post('dev-provider', g.id, 'delivered-time', { weekStart: lastWeek, minutes: 60 });
    expect(oldReport.statusCode, oldReport.body).toBe(200);
    const early = await post('test-provider-b', g.id, 'delivered-time', { weekStart: lastWeek, minutes: 60 });
    expect(early.statusCode, early.body).toBe(409);
    const kommune = await post('test-provider-kommune', g.id, 'delivered-time', { weekStart: lastWeek, minutes: 60 });
    expect(kommune.statusCode).toBe(404);
    // a change during the notice is told to both: the current provider and the incoming one (one message each)
    const during = await post('dev-assessor', g.id, 'change', { minutesPerDelivery: 35, deliveriesPerWeek: 2, fromDay: addDays(on31, 1), reason: 'need_changed' });
    expect(during.statusCode, during.body).toBe(200);
    const told = (await messagesOf(g.id)).filter((m) => m.key.startsWith('provider:3:')).map((m) => [m.key, m.templateCode]).sort();
    expect(told).toEqual([
      ['provider:3:privat-a', 'provider_grant_changed'],
      ['provider:3:privat-b', 'provider_grant_changed'],
    ]);

    await sleepUntil(localInstant(firstDayOfNew) - MINUTE);
    expect((await grantRow(g.id)).providerCode).toBe('privat-a');
    await stack.env.sleep(2 * MINUTE);
    const passed = await eventually(async () => {
      const r = await grantRow(g.id);
      return r.providerCode === 'privat-b' ? r : undefined;
    });
    expect(passed).toMatchObject({ previousProviderCode: 'privat-a', previousProviderUntil: lastDayOfOld, nextProviderCode: null });
    // the old provider's report for its last week still counts after the change; a later week does not
    expect((await post('dev-provider', g.id, 'delivered-time', { weekStart: lastWeek, minutes: 62 })).statusCode).toBe(200);
    expect((await post('dev-provider', g.id, 'delivered-time', { weekStart: monday(firstDayOfNew), minutes: 60 })).statusCode).toBe(409);
    expect((await post('test-provider-b', g.id, 'delivered-time', { weekStart: monday(firstDayOfNew), minutes: 60 })).statusCode).toBe(200);
    // the new provider does not report the old one's weeks (a week that ends before its first day)
    const before = await post('test-provider-b', g.id, 'delivered-time', { weekStart: addDays(monday(firstDayOfNew), -14), minutes: 60 });
    expect(before.statusCode, before.body).toBe(409);
    // one message per provider and event, one letter per decision
    expect((await messagesOf(g.id)).map((m) => m.key).sort()).toEqual(['letter:1', 'letter:2', 'letter:3', 'provider:1:privat-a', 'provider:2:privat-a', 'provider:2:privat-b', 'provider:3:privat-a', 'provider:3:privat-b']);
  });

  it('delivered time: the source example 5 → 10 minutes five times a week opens a reassessment after more than 14 days; a change meets it', async () => {
    const today = localDate(await now());
    const start = monday(addDays(today, 1));
    const g = await openGrant({ startsOn: start, minutesPerDelivery: 5, deliveriesPerWeek: 5, serviceCode: 'praktisk-hjaelp' });
    await sleepUntil(localInstant(addDays(start, 21), 9));
    const report = (weekStart: string) => post('dev-provider', g.id, 'delivered-time', { weekStart, minutes: 50 });
    expect((await report(start)).json()).toMatchObject({ significant: false, reason: 'not_lasting' });
    expect((await report(addDays(start, 7))).json()).toMatchObject({ significant: false, reason: 'not_lasting' });
    const third = await report(addDays(start, 14));
    expect(third.json()).toMatchObject({ significant: true, reason: 'per_week', changePerDelivery: 5, changePerWeek: 25, reassessment: 'reassess-1' });
    const ob = await eventually(() => obligationRow(g.id, 'reassess-1'));
    expect(ob).toMatchObject({ kind: 'grant_reassessment', actorRole: 'needs_assessor', dueDay: addDays(localDate(await now()), 14) });
    const change = await post('dev-assessor', g.id, 'change', { minutesPerDelivery: 10, deliveriesPerWeek: 5, fromDay: localDate(await now()), reason: 'delivered_time_deviates' });
    expect(change.statusCode, change.body).toBe(200);
    expect((await obligationRow(g.id, 'reassess-1'))!.state).toBe('met');
    const letter = (await messagesOf(g.id)).find((m) => m.key === 'letter:2')!;
    expect(letter.templateCode).toBe('grant_changed');
    expect(letter.body).toContain('10 minutter pr. gang, 5 gange om ugen');
    expect(letter.body).toContain('før: 5 minutter, 5 gange om ugen');
    expect(letter.body).toContain('mere end 14 dage afveget væsentligt');
  });

  it('reassessed and kept as it is: the judgement starts afresh; the next reassessment has a key of its own and the first keeps its record', async () => {
    const today = localDate(await now());
    const start = monday(addDays(today, 1));
    const g = await openGrant({ startsOn: start, minutesPerDelivery: 5, deliveriesPerWeek: 5, serviceCode: 'praktisk-hjaelp' });
    await sleepUntil(localInstant(addDays(start, 42), 9));
    const report = (week: number) => post('dev-provider', g.id, 'delivered-time', { weekStart: addDays(start, 7 * week), minutes: 50 });
    for (const w of [0, 1]) expect((await report(w)).json()).toMatchObject({ significant: false });
    expect((await report(2)).json()).toMatchObject({ significant: true, reassessment: 'reassess-1' });
    const kept = await post('dev-assessor', g.id, 'reassessed', {});
    expect(kept.statusCode, kept.body).toBe(200);
    expect((await obligationRow(g.id, 'reassess-1'))!.state).toBe('met');
    // the next week alone does not reopen it: the weeks already judged were judged
    expect((await report(3)).json()).toMatchObject({ significant: false, reason: 'not_lasting' });
    expect((await report(4)).json()).toMatchObject({ significant: false });
    const again = await report(5);
    expect(again.json()).toMatchObject({ significant: true, reassessment: 'reassess-1.1' });
    await eventually(() => obligationRow(g.id, 'reassess-1.1'));
    expect((await obligationRow(g.id, 'reassess-1'))!.state).toBe('met');
  });

  it('a decided end stands: a later change keeps the last day (told to citizen and provider), moving or undoing it is refused with 409', async () => {
    const today = localDate(await now());
    const g = await openGrant({ startsOn: addDays(today, 1), serviceCode: 'praktisk-hjaelp', minutesPerDelivery: 20, deliveriesPerWeek: 2 });
    const lastDay = addDays(today, 20);
    const ended = await post('dev-assessor', g.id, 'end', { lastDay, reason: 'citizen_request' });
    expect(ended.statusCode, ended.body).toBe(200);
    const undo = await post('dev-assessor', g.id, 'change', { minutesPerDelivery: 30, deliveriesPerWeek: 2, fromDay: addDays(today, 2), endsOn: null, reason: 'need_changed' });
    expect(undo.statusCode, undo.body).toBe(409);
    expect(undo.json().message).toContain(`the end is decided (last day ${lastDay})`);
    const later = await post('dev-assessor', g.id, 'change', { minutesPerDelivery: 30, deliveriesPerWeek: 2, fromDay: addDays(today, 2), endsOn: addDays(today, 60), reason: 'need_changed' });
    expect(later.statusCode, later.body).toBe(409);
    const prolong = await post('dev-assessor', g.id, 'end', { lastDay: addDays(today, 40), reason: 'citizen_request' });
    expect(prolong.statusCode, prolong.body).toBe(409);
    expect(prolong.json().message).toContain('cannot prolong');
    // a change of the extent until the end is decided: the last day stays
    const change = await post('dev-assessor', g.id, 'change', { minutesPerDelivery: 30, deliveriesPerWeek: 2, fromDay: addDays(today, 2), reason: 'need_changed' });
    expect(change.statusCode, change.body).toBe(200);
    expect(await grantRow(g.id)).toMatchObject({ minutesPerDelivery: 30, endsOn: lastDay, state: 'granted' });
    const msgs = await messagesOf(g.id);
    expect(msgs.find((m) => m.key === 'letter:3')!.body).toContain(`til og med ${lastDay}`);
    expect(msgs.find((m) => m.key === 'provider:3:privat-a')).toBeDefined();
    // and the grant ends at 00:00 after the decided last day
    await sleepUntil(localInstant(addDays(lastDay, 1)) + MINUTE);
    const closed = await eventually(async () => ((await db().select().from(cases).where(eq(cases.id, g.id)))[0]?.outcome === 'ended' ? true : undefined));
    expect(closed).toBe(true);
  });

  it('the 14:30 rule: granted after 14:30 for a start the same day → a phone task for the assessor; a refusal is a letter and closes the case', async () => {
    const day = addDays(localDate(await now()), 1);
    await sleepUntil(localInstant(day, 14, 45));
    const g = await openGrant({ startsOn: day });
    const phone = await eventually(() => obligationRow(g.id, 'phone-1-privat-a'));
    expect(phone).toMatchObject({ kind: 'provider_phone_call', actorRole: 'needs_assessor', dueDay: day, state: 'at_risk' });
    const done = await post('dev-assessor', g.id, 'provider-phoned', { key: 'phone-1-privat-a' });
    expect(done.statusCode, done.body).toBe(200);
    expect((await obligationRow(g.id, 'phone-1-privat-a'))!.state).toBe('met');

    const refused = await app.inject({ method: 'POST', url: '/grants', headers: as('dev-assessor'), payload: { cpr: fakeCpr('1940-01-01'), decision: 'refused', serviceCode: 'madservice', minutesPerDelivery: 10, deliveriesPerWeek: 7, startsOn: day, reason: 'covered_otherwise' } });
    expect(refused.statusCode, refused.body).toBe(201);
    const r = refused.json().id as string;
    const closed = await eventually(async () => ((await db().select().from(cases).where(eq(cases.id, r)))[0]?.closedAt ? true : undefined));
    expect(closed).toBe(true);
    const msgs = await messagesOf(r);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ key: 'letter:1', addresseeKind: 'citizen', templateCode: 'grant_refused' });
    expect(msgs[0]!.body).toContain('Du får afslag på Madservice');
    expect(msgs[0]!.body).toContain('behovet dækkes på anden måde');
    expect(msgs[0]!.body).toContain('Klagevejledning');
  });

  it('need to know: a provider reads its own grants only (404 for another provider\'s, 403 for every other case type and the lists)', async () => {
    const g = await openGrant({ startsOn: addDays(localDate(await now()), 3) });
    const read = (token: string, url: string) => app.inject({ method: 'GET', url, headers: as(token) });
    expect((await read('dev-provider', `/cases/${g.id}`)).statusCode).toBe(200);
    const own = await read('dev-provider', `/cases/${g.id}/grant`);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().messages.map((m: { addresseeId: string }) => m.addresseeId)).toEqual(['privat-a']);
    expect((await read('test-provider-b', `/cases/${g.id}`)).statusCode).toBe(404);
    expect((await read('test-provider-b', `/cases/${g.id}/grant`)).statusCode).toBe(404);
    expect((await post('test-provider-b', g.id, 'delivered-time', { weekStart: monday(localDate(await now())), minutes: 1 })).statusCode).toBe(404);
    // a report on a case not handed to it says nothing of that case: not its type, not that it ended
    const other = await app.inject({ method: 'POST', url: '/nursing-home-follow-ups', headers: as('dev-assessor'), payload: { cpr: fakeCpr('1934-03-04'), movedInOn: localDate(await now()) } });
    expect(other.statusCode, other.body).toBe(201);
    const onOther = await post('dev-provider', other.json().id, 'delivered-time', { weekStart: monday(localDate(await now())), minutes: 1 });
    expect(onOther.statusCode, onOther.body).toBe(404);
    expect(onOther.json().message).toBe(`no case ${other.json().id}`);
    const mine = await read('test-provider-b', '/provider/grants');
    expect(mine.json().items.map((i: { caseId: string }) => i.caseId)).not.toContain(g.id);
    expect((await read('dev-provider', '/provider/grants')).json().items.map((i: { caseId: string }) => i.caseId)).toContain(g.id);
    expect((await read('dev-provider', '/work-queue')).statusCode).toBe(403);
    expect((await read('dev-provider', '/escalations')).statusCode).toBe(403);
    // the assessor sees every message of the grant
    expect((await read('dev-assessor', `/cases/${g.id}/grant`)).json().messages).toHaveLength(2);
  });

  it('a grant lives for years: it continues-as-new carrying its state, its open obligations and its timers', async () => {
    const t = await now();
    const caseId = randomUUID();
    const citizenId = await upsertCitizen(db(), fakeCpr('1935-01-02'), '1935-01-02');
    const start = monday(localDate(t));
    const endsOn = addDays(start, 200);
    const handle = await stack.env.client.workflow.start(grantCaseWorkflow, {
      workflowId: `BEV-CAN-${caseId.slice(0, 8)}`,
      taskQueue: stack.worker.taskQueue,
      typedSearchAttributes: [{ key: CaseTypeKey, value: grantCaseType.name }],
      args: [{ caseId, citizenId, rules: defaultRules, grantRules: defaultGrantRules, decision: 'granted', terms: { serviceCode: 'praktisk-hjaelp', minutesPerDelivery: 5, deliveriesPerWeek: 5, startsOn: start, endsOn }, providerCode: 'privat-a', reason: 'need_assessed', decidedBy: 'needs_assessor', maxHistoryEvents: 60 }],
    });
    await handle.executeUpdate(caseOpenedUpdate, { args: [] as never, updateId: 'case-opened' });
    for (let w = 0; w < 12; w++) {
      await stack.env.sleep(7 * 86_400_000);
      const weekStart = addDays(start, 7 * w);
      await eventually(async () => handle.executeUpdate(recordDeliveredTimeUpdate, { args: [{ providerCode: 'privat-a', weekStart, minutes: 50 }] }));
    }
    const st = await eventually(async () => {
      const s = await handle.query(grantStatusQuery);
      return s.runs > 0 ? s : undefined;
    });
    expect(st.runs).toBeGreaterThan(0);
    expect(st.step).toBe('granted');
    expect(st.terms.endsOn).toBe(endsOn);
    // the reassessment opened in an earlier run is still open; the expiry obligation still waits
    expect(st.obligations.filter((o) => o.state !== 'met' && o.state !== 'cancelled').map((o) => o.key).sort()).toEqual([`expiry-${endsOn}`, 'reassess-1']);
    const ended = await handle.executeUpdate(endGrantUpdate, { args: [{ lastDay: localDate(await now()), reason: 'citizen_request', decidedBy: 'needs_assessor' }] });
    expect(ended.decision).toBe(2);
    await sleepUntil(localInstant(addDays(localDate(await now()), 1)) + MINUTE);
    const closed = await eventually(async () => ((await db().select().from(cases).where(eq(cases.id, caseId)))[0]?.outcome === 'ended' ? true : undefined));
    expect(closed).toBe(true);
    expect((await messagesOf(caseId)).map((m) => m.key).sort()).toEqual(['letter:1', 'letter:2', 'provider:1:privat-a', 'provider:2:privat-a']);
  });
});
