/** Recording paths of the hospital discharge (udskrivning), with the temporary stays it starts. */
import { localDate } from '../../domain/calendar.js';
import { hospitalDischargeCaseType } from '../../workflows/hospital-discharge/case-type.js';
import { eq } from 'drizzle-orm';
import { hospitalNotifications } from '../../db/schema/index.js';
import { medcomScenario, type Fixture } from '../../test/medcom-support.js';
import { call, fakeCpr, hoursAgo, sleep, today, type Ctx, type RecordingPath, offerOf } from './context.js';

const isoAgo = hoursAgo;
const inDays = (n: number) => localDate(Date.now() + n * 86_400_000);

/** A care plan (plejeforløbsplan) of a citizen admitted a while ago, received `receivedAgo` ago, discharge expected in `expectedIn` days. */
const carePlan = (cpr: string, o: { receivedAgo?: number; expectedIn?: number } = {}) => ({
  type: hospitalDischargeCaseType.name,
  cpr,
  receivedAt: isoAgo(o.receivedAgo ?? 1),
  ward: 'Afsnit 42',
  admittedAt: isoAgo(120),
  expectedDischargeDate: inDays(o.expectedIn ?? 1),
  functionalLevel: 'FSIII',
});

/**
 * Hospital discharge, two paths: (1) vulnerable → conference → more help at home → discharged
 * home → follow-up visit and help follow-up → closed; (2) vulnerable → conference → temporary
 * stay (a child case) → the child gets a place and starts the stay (temporary-stay path, with its
 * place type's allocator); then (3) discharge home while waiting, (4) a decision re-pointed to an
 * open application, (5) a decision re-pointed to a stay already running (the hospital case is
 * told at once and closes).
 */
async function hospital(ctx: Ctx): Promise<string[]> {
  const plan = () => carePlan(fakeCpr('1948-03-15'));
  const a = await call(ctx, 'POST', '/cases', 'dev-hospital', plan());
  const hd = (id: string, action: string, token: string, body: unknown) => call(ctx, 'POST', `/cases/${id}/hospital-discharge/${action}`, token, body);
  await hd(a.id, 'faerdigbehandlet', 'dev-hospital', { readyAt: isoAgo(2) });
  await hd(a.id, 'vulnerability-assessment', 'dev-assessor', { vulnerable: true });
  await hd(a.id, 'conference', 'dev-coordinator', { heldAt: isoAgo(0.5) });
  await hd(a.id, 'decision', 'dev-coordinator', {
    holisticAssessment: 'can manage at home with more help',
    decision: { kind: 'more_help_at_home', help: 'personlig pleje', minutesPerWeek: 210, providerStartsOn: inDays(0) },
  });
  const tasks = await call(ctx, 'GET', `/hospital-discharge/tasks?caseId=${a.id}&status=open`, 'dev-coordinator');
  for (const t of tasks as { id: string }[]) await call(ctx, 'POST', `/hospital-discharge/tasks/${t.id}/done`, 'dev-coordinator');
  await hd(a.id, 'discharged', 'dev-hospital', { dischargedAt: new Date(Date.now() - 60_000).toISOString() });
  await hd(a.id, 'follow-up-visit', 'dev-assessor', { visitedAt: new Date().toISOString() });
  await hd(a.id, 'help-follow-up', 'dev-assessor', { followedUpAt: new Date().toISOString() });

  const placeType = `rehab-${Date.now()}`;
  await call(ctx, 'POST', '/place-types', 'dev-housing', { code: placeType, name: 'Rehabilitering (optagelse)' });
  const b = await call(ctx, 'POST', '/cases', 'dev-hospital', plan());
  await hd(b.id, 'vulnerability-assessment', 'dev-assessor', { vulnerable: true });
  await hd(b.id, 'conference', 'dev-coordinator', { heldAt: isoAgo(0.5) });
  const decided = await hd(b.id, 'decision', 'dev-coordinator', {
    holisticAssessment: 'needs a temporary stay',
    decision: { kind: 'temporary_stay', placeType, purpose: 'rehabilitation' },
  });
  const stay = decided.temporaryStay as { caseId: string; workflowId: string };
  const facility = await call(ctx, 'POST', '/facilities', 'dev-housing', { name: `Plejecenter ${placeType}`, address: 'Nørrebrogade 1' });
  await call(ctx, 'POST', '/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' });
  const offerId = await offerOf(ctx, stay.caseId);
  await call(ctx, 'POST', `/cases/${stay.caseId}/temporary-stay/offer-reply`, 'dev-housing', { offerId, accept: true, plannedEndDate: inDays(30) });
  // the stay's start is the discharge to it: the hospital case closes by itself
  for (let i = 0; i < 100; i++) {
    await sleep(200);
    if ((await call(ctx, 'GET', `/cases/${b.id}`, 'dev-supervisor')).step === 'closed') break;
  }
  await call(ctx, 'POST', `/cases/${stay.caseId}/temporary-stay/reassessment`, 'dev-assessor', { outcome: 'extension', newEndDate: inDays(40) });

  // discharged before a place exists: home while waiting, the stay case reviews the priority
  const c = await call(ctx, 'POST', '/cases', 'dev-hospital', plan());
  await hd(c.id, 'faerdigbehandlet', 'dev-hospital', { readyAt: isoAgo(2) });
  await hd(c.id, 'vulnerability-assessment', 'dev-assessor', { vulnerable: true });
  await hd(c.id, 'conference', 'dev-coordinator', { heldAt: isoAgo(0.5) });
  const waitingType = `rehab-wait-${Date.now()}`;
  await call(ctx, 'POST', '/place-types', 'dev-housing', { code: waitingType, name: 'Rehabilitering, venteliste (optagelse)' });
  const decidedC = await hd(c.id, 'decision', 'dev-coordinator', {
    holisticAssessment: 'needs a temporary stay',
    decision: { kind: 'temporary_stay', placeType: waitingType, purpose: 'rehabilitation' },
  });
  const stayC = decidedC.temporaryStay as { caseId: string; workflowId: string };
  await sleep(1000);
  await hd(c.id, 'discharged', 'dev-hospital', { dischargedAt: new Date(Date.now() - 30_000).toISOString() });
  await sleep(1000);
  await call(ctx, 'POST', `/cases/${stayC.caseId}/temporary-stay/priority`, 'dev-assessor', { priority: 'hoej', reason: 'no_help_at_home' });
  await hd(c.id, 'follow-up-visit', 'dev-assessor', { visitedAt: new Date().toISOString() });

  // the citizen already has an open application: the decision re-points to it; a readmission takes it off the list
  const cpr = fakeCpr('1946-06-06');
  const openApp = await call(ctx, 'POST', '/temporary-stays', 'dev-assessor', { cpr, eligible: true, placeType: waitingType, purpose: 'respite', priority: 'middel' });
  await sleep(1000);
  const d = await call(ctx, 'POST', '/cases', 'dev-hospital', carePlan(cpr));
  await hd(d.id, 'vulnerability-assessment', 'dev-assessor', { vulnerable: true });
  await hd(d.id, 'conference', 'dev-coordinator', { heldAt: isoAgo(0.5) });
  const decidedD = await hd(d.id, 'decision', 'dev-coordinator', {
    holisticAssessment: 'needs a temporary stay',
    decision: { kind: 'temporary_stay', placeType: waitingType, purpose: 'rehabilitation' },
  });
  await sleep(1500);
  await hd(d.id, 'readmitted', 'dev-hospital', { readmittedAt: new Date(Date.now() - 10_000).toISOString() });

  // the citizen is already in a temporary stay: the decision re-points to it and the hospital case is told at once (it closes)
  const cprE = fakeCpr('1944-04-04');
  const runningApp = await call(ctx, 'POST', '/temporary-stays', 'dev-assessor', { cpr: cprE, eligible: true, placeType, purpose: 'respite', priority: 'hoej' });
  await call(ctx, 'POST', '/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 2' });
  const runningOffer = await offerOf(ctx, runningApp.id);
  await call(ctx, 'POST', `/cases/${runningApp.id}/temporary-stay/offer-reply`, 'dev-housing', { offerId: runningOffer, accept: true, plannedEndDate: inDays(30) });
  await sleep(1000);
  const e = await call(ctx, 'POST', '/cases', 'dev-hospital', carePlan(cprE));
  await hd(e.id, 'faerdigbehandlet', 'dev-hospital', { readyAt: isoAgo(0.5) });
  await hd(e.id, 'vulnerability-assessment', 'dev-assessor', { vulnerable: true, note: 'returns to the stay' });
  await hd(e.id, 'conference', 'dev-coordinator', { heldAt: isoAgo(0.2) });
  const decidedE = await hd(e.id, 'decision', 'dev-coordinator', {
    holisticAssessment: 'back to the temporary stay',
    decision: { kind: 'temporary_stay', placeType, purpose: 'rehabilitation' },
  });
  for (let i = 0; i < 100; i++) {
    await sleep(200);
    if ((await call(ctx, 'GET', `/cases/${e.id}`, 'dev-supervisor')).step === 'closed') break;
  }
  return [
    a.workflowId,
    b.workflowId,
    stay.workflowId,
    `allocator-${placeType}`,
    c.workflowId,
    stayC.workflowId,
    d.workflowId,
    (decidedD.temporaryStay as { workflowId: string }).workflowId,
    openApp.workflowId as string,
    e.workflowId,
    (decidedE.temporaryStay as { workflowId: string }).workflowId,
    runningApp.workflowId as string,
  ];
}

/**
 * Hospital discharge with a leave (orlov) from MedCom HospitalNotification: a care plan, the
 * hospital's STIN, STOR (the vulnerability assessment pauses) and SLOR (it resumes), then the
 * assessment and the SLHJ (the discharge home).
 */
async function leave(ctx: Ctx): Promise<string[]> {
  const cpr = fakeCpr('1946-03-14');
  const a = await call(ctx, 'POST', '/cases', 'dev-hospital', carePlan(cpr));
  const s = medcomScenario({ cpr });
  const deliver = (name: Fixture) => deliverMedcom(ctx, s, name);
  await deliver('STIN');
  await deliver('STOR');
  await sleep(1000);
  await deliver('SLOR');
  await call(ctx, 'POST', `/cases/${a.id}/hospital-discharge/vulnerability-assessment`, 'dev-assessor', { vulnerable: false });
  await deliver('SLHJ-inpatient');
  return [a.workflowId];
}

/**
 * A cancellation's review (notification review): a citizen in follow-up after discharge home is
 * readmitted (STIN: the case ends), the hospital cancels the admission (AN_STIN: a review case
 * opens), the needs assessor reviews it (the review case closes).
 */
async function review(ctx: Ctx): Promise<string[]> {
  const cpr = fakeCpr('1945-08-09');
  const a = await call(ctx, 'POST', '/cases', 'dev-hospital', carePlan(cpr, { receivedAgo: 3, expectedIn: 0 }));
  await call(ctx, 'POST', `/cases/${a.id}/hospital-discharge/vulnerability-assessment`, 'dev-assessor', { vulnerable: false });
  await call(ctx, 'POST', `/cases/${a.id}/hospital-discharge/discharged`, 'dev-hospital', { dischargedAt: isoAgo(2) });
  const s = medcomScenario({ cpr, stinAt: Date.now() - 3_600_000 });
  await deliverMedcom(ctx, s, 'STIN');
  await deliverMedcom(ctx, s, 'AN_STIN');
  const reviews = await ctx.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, s.messageId('AN_STIN')));
  const reviewCaseId = reviews[0]!.effects!.find((e) => e.reviewCaseId)!.reviewCaseId!;
  const opened = await call(ctx, 'GET', `/cases/${reviewCaseId}`, 'dev-assessor');
  await call(ctx, 'POST', `/cases/${reviewCaseId}/notification-review/reviewed`, 'dev-assessor', {});
  return [opened.workflowId as string];
}

async function deliverMedcom(ctx: Ctx, s: ReturnType<typeof medcomScenario>, name: Fixture): Promise<void> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/medcom/hospital-notifications',
    headers: { authorization: 'Bearer dev-hospital', 'content-type': 'application/fhir+json' },
    payload: JSON.stringify(s.json(name)),
  });
  if (res.statusCode !== 200 || !res.body.includes('"code":"ok"')) throw new Error(`MedCom ${name} → ${res.statusCode}: ${res.body}`);
}

export const hospitalDischargePaths: Record<string, RecordingPath> = { hospital, leave, review };
