/**
 * One case of each case type, opened through the API on a test stack (the need-to-know walk,
 * the look-up log's walk, the encrypted histories).
 */
import { eq } from 'drizzle-orm';
import { localDate } from '../domain/calendar.js';
import { expect } from 'vitest';
import type { CaseTypeName } from '../api/case-types/index.js';
import { grants, hospitalNotifications } from '../db/schema/index.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, type TestStack } from './helpers.js';
import { medcomScenario } from './medcom-support.js';
import { registerPlaceType } from './temporary-stay-support.js';

export interface OpenedCase {
  id: string;
  cpr: string;
  birth: string;
}
export type OpenedCases = Record<CaseTypeName, OpenedCase>;

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();


/** A hospital discharge case of a citizen, opened by the hospital. */
async function openHospitalDischarge(stack: TestStack, cpr: string) {
  const res = await stack.app.inject({
    method: 'POST',
    url: '/cases',
    headers: as('dev-hospital'),
    payload: { type: 'hospital_discharge', cpr, receivedAt: hourAgo(), ward: 'Bispebjerg, afsnit 42', admittedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(), functionalLevel: 'FSIII 3' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res;
}

/**
 * A grant opened by a hospital discharge's "more help at home" (the discharge coordinator's
 * decision: every role of the read matrix reads it, the coordinator included), handed to the dev
 * provider's own provider (config/dev-tokens.json): it reads this one.
 */
async function grantFromDischarge(stack: TestStack, cpr: string): Promise<string> {
  const id = (await openHospitalDischarge(stack, cpr)).json().id as string;
  const step = async (action: string, token: string, payload: object) => {
    const res = await stack.app.inject({ method: 'POST', url: `/cases/${id}/hospital-discharge/${action}`, headers: as(token), payload });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  await step('vulnerability-assessment', 'dev-assessor', { vulnerable: true });
  await step('conference', 'dev-coordinator', { heldAt: new Date(Date.now() - 1_800_000).toISOString() });
  const startsOn = localDate(Date.now() + 7 * 86_400_000);
  const decided = await step('decision', 'dev-coordinator', {
    holisticAssessment: 'more help at home',
    decision: { kind: 'more_help_at_home', help: 'praktisk hjælp', minutesPerWeek: 30, providerStartsOn: startsOn, grant: { serviceCode: 'praktisk-hjaelp', minutesPerDelivery: 30, deliveriesPerWeek: 1, providerCode: 'privat-a' } },
  });
  const grantId = decided.grantCase.caseId as string;
  await eventually(async () => (await stack.database.db.select().from(grants).where(eq(grants.caseId, grantId)))[0]);
  return grantId;
}

/** A review case: a citizen with a temporary-stay application admitted (STIN: it withdraws), then the admission cancelled (AN_STIN). */
async function openReview(stack: TestStack, PLACE_TYPE: string): Promise<OpenedCase> {
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

/** A booked interval stay (its case opens with the booking) on an interval-capable place type of its own. */
async function bookIntervalStay(stack: TestStack, placeType: string): Promise<OpenedCase> {
  const call = async (url: string, token: string, payload: object) => {
    const r = await stack.app.inject({ method: 'POST', url, headers: as(token), payload });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  };
  const cpr = fakeCpr('1943-04-05');
  await call('/place-types', 'dev-housing', { code: placeType, name: 'Aflastning (interval)' });
  await call('/interval-place-types', 'dev-housing', { placeType });
  const facility = await call('/facilities', 'dev-housing', { name: `Plejecenter ${placeType}` });
  const place = await call('/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' });
  const entry = await call('/interval-list', 'dev-assessor', { cpr, placeType, everyWeeks: 6, stayDays: 7 });
  const from = localDate(Date.now() + 7 * 86_400_000);
  const booked = await call('/interval-bookings', 'dev-housing', { entryId: entry.id, placeId: place.id, from, to: localDate(Date.now() + 13 * 86_400_000) });
  return { id: booked.caseId, cpr, birth: '1943-04-05' };
}

/**
 * One case of each type through the API (each citizen its own): a psychiatric færdigmelding, a
 * hospital discharge, a temporary-stay application (on `PLACE_TYPE`, a place type of the calling
 * file's own), a notification review (a MedCom admission and its cancellation), a nursing-home
 * follow-up, a complaint (about a hospital discharge of its own), a grant and a booked interval stay.
 */
export async function openEveryCaseType(stack: TestStack, PLACE_TYPE: string): Promise<OpenedCases> {
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
  const hd = await openHospitalDischarge(stack, hdCpr);
  const tsCpr = fakeCpr('1939-11-12');
  await registerPlaceType(stack.database.db, PLACE_TYPE);
  const ts = await stack.app.inject({
    method: 'POST',
    url: '/temporary-stays',
    headers: as('dev-assessor'),
    payload: { cpr: tsCpr, eligible: true, placeType: PLACE_TYPE, purpose: 'rehabilitation', priority: 'middel' },
  });
  expect(ts.statusCode, ts.body).toBe(201);
  const review = await openReview(stack, PLACE_TYPE);
  const nhCpr = fakeCpr('1936-05-06');
  const nh = await stack.app.inject({ method: 'POST', url: '/nursing-home-follow-ups', headers: as('dev-assessor'), payload: { cpr: nhCpr, movedInOn: localDate(Date.now()) } });
  expect(nh.statusCode, nh.body).toBe(201);
  // the complaint's citizen is the citizen of the case complained about: a case of a citizen of its own
  const complainedCpr = fakeCpr('1938-09-10');
  const complained = await openHospitalDischarge(stack, complainedCpr);
  const complaint = await stack.app.inject({
    method: 'POST',
    url: '/complaints',
    headers: as('dev-assessor'),
    payload: { concernsCaseId: complained.json().id, about: 'decision', receivedOn: localDate(Date.now()), receivedVia: 'citizen', complaint: 'Jeg er uenig i afgørelsen.' },
  });
  expect(complaint.statusCode, complaint.body).toBe(201);
  const grantCpr = fakeCpr('1937-05-06');
  const grantId = await grantFromDischarge(stack, grantCpr);
  const interval = await bookIntervalStay(stack, `${PLACE_TYPE}-int`);
  return {
    interval_stay: interval,
    complaint: { id: complaint.json().id, cpr: complainedCpr, birth: '1938-09-10' },
    nursing_home_follow_up: { id: nh.json().id, cpr: nhCpr, birth: '1936-05-06' },
    grant: { id: grantId, cpr: grantCpr, birth: '1937-05-06' },
    notification_review: review,
    psychiatric_discharge: { id: psy.json().id, cpr: psyCpr, birth: '1961-03-04' },
    hospital_discharge: { id: hd.json().id, cpr: hdCpr, birth: '1944-07-08' },
    temporary_stay: { id: ts.json().id, cpr: tsCpr, birth: '1939-11-12' },
  };
}

