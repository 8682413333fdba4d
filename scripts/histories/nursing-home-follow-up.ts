/**
 * Recording paths of the nursing-home follow-up (plejebolig): the move registered directly and
 * decided; a temporary stay that ends with the nursing-home place found and starts the follow-up
 * as a child (patch `stay-starts-nursing-home-follow-up`), closed as decided at moving in.
 */
import { and, eq } from 'drizzle-orm';
import { cases } from '../../db/schema/index.js';
import { localDate } from '../../domain/calendar.js';
import { nursingHomeFollowUpCaseType } from '../../workflows/nursing-home-follow-up/case-type.js';
import { call, fakeCpr, sleep, today, type Ctx, type RecordingPath, offerOf } from './context.js';

const inDays = (n: number) => localDate(Date.now() + n * 86_400_000);

async function nursingHome(ctx: Ctx): Promise<string[]> {
  const direct = await call(ctx, 'POST', '/nursing-home-follow-ups', 'dev-assessor', { cpr: fakeCpr('1933-01-02'), movedInOn: today });
  await call(ctx, 'POST', `/cases/${direct.id}/nursing-home-follow-up/decision`, 'dev-assessor', { decision: 'Personlig pleje morgen og aften.' });

  const placeType = `plejebolig-venter-${Date.now()}`;
  await call(ctx, 'POST', '/place-types', 'dev-housing', { code: placeType, name: 'Venter på plejebolig' });
  const facility = await call(ctx, 'POST', '/facilities', 'dev-housing', { name: `Plejecenter ${placeType}` });
  await call(ctx, 'POST', '/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' });
  const stay = await call(ctx, 'POST', '/temporary-stays', 'dev-assessor', { cpr: fakeCpr('1932-03-04'), eligible: true, placeType, purpose: 'awaiting_nursing_home', priority: 'middel' });
  const offerId = await offerOf(ctx, stay.id);
  await call(ctx, 'POST', `/cases/${stay.id}/temporary-stay/offer-reply`, 'dev-housing', { offerId, accept: true, plannedEndDate: inDays(30) });
  await call(ctx, 'POST', `/cases/${stay.id}/temporary-stay/reassessment`, 'dev-assessor', { outcome: 'nursing_home' });
  await call(ctx, 'POST', `/cases/${stay.id}/temporary-stay/end-stay`, 'dev-housing', { reason: 'nursing_home_place_found' });
  const [row] = await ctx.database.db.select().from(cases).where(eq(cases.id, stay.id));
  let child: { id: string; workflowId: string } | undefined;
  for (let i = 0; i < 100 && !child; i++) {
    await sleep(200);
    [child] = await ctx.database.db.select().from(cases).where(and(eq(cases.citizenId, row!.citizenId), eq(cases.type, nursingHomeFollowUpCaseType.name)));
  }
  if (!child) throw new Error('the stay started no nursing-home follow-up');
  await sleep(500);
  await call(ctx, 'POST', `/cases/${child.id}/nursing-home-follow-up/close`, 'dev-assessor', { reason: 'decision_made_at_moving_in' });
  return [direct.workflowId, stay.workflowId, child.workflowId];
}

export const nursingHomeFollowUpPaths: Record<string, RecordingPath> = { 'nursing-home': nursingHome };
