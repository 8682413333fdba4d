/**
 * A cancellation (MedCom AN_STIN) of an admission that had closed a hospital-discharge case, end
 * to end on the time-skipping server: never a silent undo — a review case of its own (it
 * outlives the closed case) with the needs assessor's obligation, due the next working day, in
 * the work queue, escalating overnight to the team lead, met (late) by the review.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { escalations, hospitalNotifications } from '../db/schema/index.js';
import { localDate, overnightAfter, workingDaysAfter } from '../domain/calendar.js';
import { defaultRules } from '../domain/rules.js';
import { notificationReviewStatusQuery } from '../workflows/notification-review/messages.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { carePlanCase, deliverOk } from './medcom-cases.js';
import { eventually, useTestStack } from './helpers.js';
import { medcomScenario } from './medcom-support.js';
import { slaKit } from './sla-support.js';

const stack = useTestStack({ temporal: 'time-skipping', app: true });
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const { obligationRow, caseRow, skipTo } = slaKit(stack, () => Promise.resolve({ slaState: null, obligations: [] }));



describe('a cancellation (AN_) of an event that closed a case → a review obligation (time-skipping server)', () => {
  it('a review case outlives the closed case: the needs assessor\'s obligation is due the next working day, in the work queue, escalates overnight, is met late by the review', async () => {
    const cpr = fakeCpr('1948-05-06');
    const now = await stack.env.currentTimeMs();
    const opened = await carePlanCase(stack.app, cpr, { now, receivedAgoMs: 2 * HOUR });
    const post = (action: string, token: string, payload: object) =>
      stack.app.inject({ method: 'POST', url: `/cases/${opened.id}/hospital-discharge/${action}`, headers: as(token), payload });
    expect((await post('vulnerability-assessment', 'dev-assessor', { vulnerable: false, providerStartsOn: localDate(now) })).statusCode).toBe(200);
    expect((await post('discharged', 'dev-hospital', { dischargedAt: new Date(now - HOUR).toISOString() })).statusCode).toBe(200);
    const s = medcomScenario({ cpr, stinAt: now - 30 * MINUTE });
    await deliverOk(stack.app, s, 'STIN');
    await eventually(async () => ((await caseRow(opened.id)).outcome === 'readmitted' ? true : undefined));
    const cancelledAt = await stack.env.currentTimeMs();
    await deliverOk(stack.app, s, 'AN_STIN');

    const [row] = await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, s.messageId('AN_STIN')));
    const effect = row!.effects!.find((e) => e.caseId === opened.id)!;
    expect(effect).toMatchObject({ event: 'cancelled', outcome: 'review', reviewCaseId: expect.any(String) });
    const reviewId = effect.reviewCaseId!;
    // the closed case stays closed (never undone silently); the review case is open
    expect((await caseRow(opened.id)).outcome).toBe('readmitted');
    const review = await caseRow(reviewId);
    expect(review).toMatchObject({ step: 'awaiting_review', closedAt: null, actingRole: 'needs_assessor' });
    const due = workingDaysAfter(localDate(cancelledAt), 1, defaultRules.closingDays);
    const ob = await obligationRow(reviewId, 'review');
    expect(ob).toMatchObject({ kind: 'cancellation_review', actorRole: 'needs_assessor', escalateTo: 'visitation_team_lead', dueDay: due, state: 'on_track' });
    expect(ob!.escalateAt.getTime()).toBe(overnightAfter(due, defaultRules.escalationLocalHour));
    const res = await stack.app.inject({ method: 'GET', url: '/work-queue?limit=200', headers: as('dev-assessor') });
    expect(res.json().items.find((i: { caseId: string }) => i.caseId === reviewId)).toMatchObject({ obligation: 'review', dueDay: due, action: { code: 'review_cancelled_notification' } });
    // the same AN_ again: no second review case
    await deliverOk(stack.app, s, 'AN_STIN');
    expect((await stack.database.db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, s.messageId('AN_STIN'))))[0]!.effects).toEqual(row!.effects);

    // not reviewed: escalates overnight after the due day, to the team lead
    const handle = stack.env.client.workflow.getHandle(review.workflowId);
    const escalateAt = overnightAfter(due, defaultRules.escalationLocalHour);
    await skipTo(escalateAt - MINUTE);
    expect(await stack.database.db.select().from(escalations).where(eq(escalations.caseId, reviewId))).toHaveLength(0);
    await stack.env.sleep(2 * MINUTE);
    const [escalation] = await eventually(async () => {
      const rows = await stack.database.db.select().from(escalations).where(eq(escalations.caseId, reviewId));
      return rows.length ? rows : undefined;
    });
    expect(escalation).toMatchObject({ key: 'review', kind: 'cancellation_review_overdue', recipientRole: 'visitation_team_lead', dueDay: due });
    expect(escalation!.scheduledFor.getTime()).toBe(escalateAt);

    // either role but the needs assessor is refused; the review closes the case, met late
    const wrong = await stack.app.inject({ method: 'POST', url: `/cases/${reviewId}/notification-review/reviewed`, headers: as('dev-hospital'), payload: {} });
    expect(wrong.statusCode).toBe(403);
    const done = await stack.app.inject({ method: 'POST', url: `/cases/${reviewId}/notification-review/reviewed`, headers: as('dev-assessor'), payload: {} });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ key: 'review', late: true });
    await eventually(async () => ((await caseRow(reviewId)).outcome === 'reviewed' ? true : undefined));
    expect((await obligationRow(reviewId, 'review'))!.state).toBe('met_late');
    const status = await handle.query(notificationReviewStatusQuery).catch(() => undefined);
    if (status) expect(status.concerns).toEqual([{ caseId: opened.id, caseNumber: opened.caseNumber }]);
  });
});
