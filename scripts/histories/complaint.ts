/**
 * Recording paths of complaints (klagesager): against a decision of an ended hospital-discharge
 * case, upheld (Ankestyrelsen + letter) and changed in favour (letter); a delivery complaint
 * forwarded by a provider (to the provider); a withdrawn one.
 */
import { hospitalDischargeCaseType } from '../../workflows/hospital-discharge/case-type.js';
import { call, fakeCpr, hoursAgo, today, type Ctx, type RecordingPath } from './context.js';

async function complaints(ctx: Ctx): Promise<string[]> {
  const hd = await call(ctx, 'POST', '/cases', 'dev-hospital', {
    type: hospitalDischargeCaseType.name,
    cpr: fakeCpr('1940-10-11'),
    receivedAt: hoursAgo(2),
    ward: 'Afsnit 42',
    admittedAt: hoursAgo(72),
    functionalLevel: 'FSIII',
  });
  await call(ctx, 'POST', `/cases/${hd.id}/hospital-discharge/vulnerability-assessment`, 'dev-assessor', { vulnerable: false, providerStartsOn: today });
  await call(ctx, 'POST', `/cases/${hd.id}/hospital-discharge/readmitted`, 'dev-hospital', { readmittedAt: hoursAgo(0.5) });
  const base = { concernsCaseId: hd.id, receivedOn: today, complaint: 'Jeg er uenig.' };
  const upheld = await call(ctx, 'POST', '/complaints', 'dev-assessor', { ...base, about: 'decision', receivedVia: 'citizen' });
  await call(ctx, 'POST', `/cases/${upheld.id}/complaint/reconsidered`, 'dev-assessor', { outcome: 'upheld', statement: 'Afgørelsen fastholdes.' });
  const changed = await call(ctx, 'POST', '/complaints', 'dev-assessor', { ...base, about: 'decision', receivedVia: 'provider', providerCode: 'privat-a', providerReceivedOn: today });
  await call(ctx, 'POST', `/cases/${changed.id}/complaint/reconsidered`, 'dev-assessor', { outcome: 'changed_in_favour' });
  const delivery = await call(ctx, 'POST', '/complaints', 'dev-assessor', { ...base, about: 'delivery', receivedVia: 'citizen', providerCode: 'privat-b' });
  const withdrawn = await call(ctx, 'POST', '/complaints', 'dev-assessor', { ...base, about: 'decision', receivedVia: 'citizen' });
  await call(ctx, 'POST', `/cases/${withdrawn.id}/complaint/withdraw`, 'dev-assessor', {});
  return [upheld.workflowId, changed.workflowId, delivery.workflowId, withdrawn.workflowId];
}

export const complaintPaths: Record<string, RecordingPath> = { complaint: complaints };
