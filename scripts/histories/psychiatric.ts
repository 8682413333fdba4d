/** Recording paths of the psychiatric case (færdigmelding). */
import { caseNumberFor } from '../../api/case-numbers.js';
import { upsertCitizen } from '../../db/queries/cases.js';
import { birthDateFromCpr } from '../../domain/cpr.js';
import { defaultRules } from '../../domain/rules.js';
import { psychiatricCaseType } from '../../workflows/psychiatric/case-type.js';
import { psychiatricCaseWorkflow } from '../../workflows/psychiatric/workflow.js';
import { caseOpenedUpdate } from '../../workflows/shared/messages.js';
import { CaseTypeKey } from '../../workflows/shared/search-attributes.js';
import { call, fakeCpr, hoursAgo, sleep, today, type Ctx, type RecordingPath } from './context.js';

/** Psychiatric: forvarsling → færdigmelding → long course, meeting, involvements, disagreement, chief decision, placement; continued-as-new on the way. */
async function psychiatric(ctx: Ctx): Promise<string> {
  const cpr = fakeCpr('1985-05-05');
  const citizenId = await upsertCitizen(ctx.database.db, cpr, birthDateFromCpr(cpr)!);
  const caseId = crypto.randomUUID();
  const workflowId = await caseNumberFor(ctx.database.db, caseId, psychiatricCaseType);
  const handle = await ctx.client.workflow.start(psychiatricCaseWorkflow, {
    workflowId,
    taskQueue: ctx.taskQueue,
    args: [{ caseId, citizenId, notice: 'forvarsling', receivedAt: Date.now() - 3_600_000, ward: 'Psykiatrisk Center', rules: defaultRules, maxHistoryEvents: 80 }],
    typedSearchAttributes: [{ key: CaseTypeKey, value: psychiatricCaseType.name }],
  });
  await handle.executeUpdate(caseOpenedUpdate);
  const base = `/cases/${caseId}/psychiatric`;
  const offer = await call(ctx, 'POST', '/housing-offers', 'dev-psychiatry', { name: `Botilbud ${Date.now()}`, targetGroup: 'Adults', places: ['Room 1'] });
  await call(ctx, 'POST', `${base}/notices`, 'dev-hospital', { notice: 'faerdigmelding', receivedAt: hoursAgo(0.5), readyAt: hoursAgo(0.6) });
  await call(ctx, 'POST', `${base}/long-course`, 'dev-psychiatry', { reason: 'No fitting offer yet' });
  await call(ctx, 'POST', `${base}/status-meetings`, 'dev-chief', { heldOn: today, decision: 'Look in own offers first' });
  for (let i = 0; i < 4; i++) {
    await call(ctx, 'POST', `${base}/involvement`, 'dev-psychiatry', { wishesForSupport: 'Staff at night', wishesForFuture: 'Own flat', chosenOfferId: offer.id });
    await call(ctx, 'POST', `${base}/disagreements`, 'dev-hospital', { regionRefusesDischarge: true, reason: 'The ward disagrees' });
    await call(ctx, 'POST', `${base}/chief-decision`, 'dev-chief', { decision: 'municipality_support_upheld', reasoning: 'Night staff', regionRefusesDischarge: false });
  }
  await sleep(1500);
  await call(ctx, 'POST', `${base}/placement`, 'dev-psychiatry', { offerId: offer.id });
  return workflowId;
}

/** Psychiatric, external purchase: færdigmelding → involvement → an external place bought (provider by registry id) → discharged there. */
async function psychiatricExternal(ctx: Ctx): Promise<string> {
  const opened = await call(ctx, 'POST', '/cases', 'dev-hospital', {
    type: psychiatricCaseType.name,
    cpr: fakeCpr('1979-07-07'),
    notice: 'faerdigmelding',
    receivedAt: hoursAgo(1),
    readyAt: hoursAgo(1.1),
    ward: 'Psykiatrisk Center',
  });
  const base = `/cases/${opened.id}/psychiatric`;
  await call(ctx, 'POST', `${base}/involvement`, 'dev-psychiatry', { wishesForSupport: 'Staff at night', wishesForFuture: 'Own flat' });
  await call(ctx, 'POST', `${base}/external-placement`, 'dev-psychiatry', { provider: 'Privat Bosted ApS', reasonCode: 'no_vacant_own_place_fits' });
  await call(ctx, 'POST', `${base}/discharge`, 'dev-hospital', { dischargedAt: hoursAgo(0), destination: 'external' });
  return opened.caseNumber as string;
}

export const psychiatricPaths: Record<string, RecordingPath> = { psychiatric, 'psychiatric-external': psychiatricExternal };
