/**
 * Recording paths of the grant case (bevilling): (1) a temporary grant through every decision —
 * delivered time with a significant deviation, reassessed, changed, change of provider, the
 * expiry decided, ended — and a refusal; (2) a hospital discharge whose "more help at home"
 * opens a grant case (patch `discharge-opens-grant`); (3) a temporary stay whose reassessment
 * "home with help" opens a grant case (patch `stay-opens-grant`).
 */
import { localDate } from '../../domain/calendar.js';
import { hospitalDischargeCaseType } from '../../workflows/hospital-discharge/case-type.js';
import { call, fakeCpr, hoursAgo, sleep, today, type Ctx, type RecordingPath } from './context.js';

const inDays = (n: number) => localDate(Date.now() + n * 86_400_000);
const order = { serviceCode: 'personlig-pleje', minutesPerDelivery: 30, deliveriesPerWeek: 7, providerCode: 'privat-a' };

/** The Monday `weeks` weeks before this week's. */
function mondayWeeksAgo(weeks: number): string {
  let d = inDays(-7 * weeks);
  while (new Date(`${d}T12:00:00Z`).getUTCDay() !== 1) d = localDate(Date.parse(`${d}T12:00:00Z`) - 86_400_000);
  return d;
}

async function grantDecisions(ctx: Ctx): Promise<string[]> {
  const start = mondayWeeksAgo(3);
  const g = await call(ctx, 'POST', '/grants', 'dev-assessor', { cpr: fakeCpr('1939-06-07'), decision: 'granted', serviceCode: 'praktisk-hjaelp', minutesPerDelivery: 5, deliveriesPerWeek: 5, startsOn: start, endsOn: inDays(90), providerCode: 'privat-a', reason: 'need_assessed' });
  const d = (action: string, token: string, body: unknown) => call(ctx, 'POST', `/cases/${g.id}/grant/${action}`, token, body);
  for (const w of [0, 7, 14]) await d('delivered-time', 'dev-provider', { weekStart: localDate(Date.parse(`${start}T12:00:00Z`) + w * 86_400_000), minutes: 50 });
  await d('reassessed', 'dev-assessor', {});
  // kept as it is: the judgement starts afresh (patch grant-kept-restarts-judgement) — this week's report alone is no deviation yet
  await d('delivered-time', 'dev-provider', { weekStart: localDate(Date.parse(`${start}T12:00:00Z`) + 21 * 86_400_000), minutes: 50 });
  await d('change', 'dev-assessor', { minutesPerDelivery: 10, deliveriesPerWeek: 5, fromDay: today, reason: 'delivered_time_deviates' });
  await d('change-provider', 'dev-assessor', { toProviderCode: 'privat-b' });
  await d('expiry', 'dev-assessor', { outcome: 'let_end' });
  await d('end', 'dev-assessor', { lastDay: inDays(20), reason: 'citizen_request' });
  const refused = await call(ctx, 'POST', '/grants', 'dev-assessor', { cpr: fakeCpr('1940-07-08'), decision: 'refused', serviceCode: 'madservice', minutesPerDelivery: 10, deliveriesPerWeek: 7, startsOn: today, reason: 'no_need' });
  return [g.workflowId, refused.workflowId];
}

async function fromDischarge(ctx: Ctx): Promise<string[]> {
  const a = await call(ctx, 'POST', '/cases', 'dev-hospital', {
    type: hospitalDischargeCaseType.name,
    cpr: fakeCpr('1944-02-03'),
    receivedAt: hoursAgo(1),
    ward: 'Afsnit 42',
    admittedAt: hoursAgo(120),
    expectedDischargeDate: inDays(1),
    functionalLevel: 'FSIII',
  });
  const hd = (action: string, token: string, body: unknown) => call(ctx, 'POST', `/cases/${a.id}/hospital-discharge/${action}`, token, body);
  await hd('vulnerability-assessment', 'dev-assessor', { vulnerable: true });
  await hd('conference', 'dev-coordinator', { heldAt: hoursAgo(0.5) });
  const decided = await hd('decision', 'dev-coordinator', {
    holisticAssessment: 'more help in the mornings',
    decision: { kind: 'more_help_at_home', help: 'personlig pleje', minutesPerWeek: 210, providerStartsOn: inDays(1), grant: order },
  });
  const grantCase = decided.grantCase as { caseNumber: string };
  await hd('discharged', 'dev-hospital', { dischargedAt: new Date(Date.now() - 60_000).toISOString() });
  return [a.workflowId, grantCase.caseNumber];
}

async function fromStay(ctx: Ctx): Promise<string[]> {
  const placeType = `grant-${Date.now()}`;
  await call(ctx, 'POST', '/place-types', 'dev-housing', { code: placeType, name: 'Aflastning (bevilling)' });
  const app = await call(ctx, 'POST', '/temporary-stays', 'dev-assessor', { cpr: fakeCpr('1936-08-09'), eligible: true, placeType, purpose: 'rehabilitation', priority: 'hoej' });
  const facility = await call(ctx, 'POST', '/facilities', 'dev-housing', { name: `Plejecenter ${placeType}`, address: 'Nørrebrogade 1' });
  await call(ctx, 'POST', '/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' });
  let offerId: string | undefined;
  for (let i = 0; i < 100 && !offerId; i++) {
    await sleep(200);
    offerId = (await call(ctx, 'GET', `/temporary-stays/${app.id}`, 'dev-assessor')).offer?.offerId;
  }
  if (!offerId) throw new Error('no offer');
  await call(ctx, 'POST', `/cases/${app.id}/temporary-stay/offer-reply`, 'dev-housing', { offerId, accept: true, plannedEndDate: inDays(21) });
  await sleep(500);
  const st = await call(ctx, 'POST', `/cases/${app.id}/temporary-stay/reassessment`, 'dev-assessor', { outcome: 'home_with_help', grant: { ...order, providerCode: 'kommune-hjemmepleje' } });
  return [app.workflowId, (st.grantCase as { caseNumber: string }).caseNumber];
}

export const grantPaths: Record<string, RecordingPath> = { grant: grantDecisions, 'grant-from-discharge': fromDischarge, 'grant-from-stay': fromStay };
