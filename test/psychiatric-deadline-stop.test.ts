/**
 * Issue 9 point 7 (002): the 12-week deadline is the municipality's case processing. It is met
 * when the placement is decided (own offer or external purchase) with the citizen involved; the
 * case stays open (bed-days, disagreement, discharge) until the discharge, and nothing escalates
 * when only the region holds the discharge back.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cases, obligations } from '../db/schema/index.js';
import { addDays, localDate, overnightAfter } from '../domain/calendar.js';
import {
  buyExternalPlaceUpdate,
  endPsychiatricCaseUpdate,
  psychiatricStatusQuery,
  raiseDisagreementUpdate,
  recordInvolvementUpdate,
} from '../workflows/psychiatric/workflow.js';
import { DAY, psychiatricTestKit } from './psychiatric-support.js';
import { eventually, resultOf, useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'time-skipping' });
const kit = psychiatricTestKit(() => ({ env: stack.env, database: stack.database, taskQueue: stack.worker.taskQueue }));

const obligationRow = async (caseId: string, key: string) =>
  (await stack.database.db.select().from(obligations).where(and(eq(obligations.caseId, caseId), eq(obligations.key, key))))[0];
const caseRow = async (caseId: string) => (await stack.database.db.select().from(cases).where(eq(cases.id, caseId)))[0]!;

describe('the 12-week deadline stops when the case processing is done (time-skipping server)', () => {
  it('placed in week 3 with the citizen involved: the deadline is met then; past day 84 nothing escalates while the region holds the discharge back; bed-days keep counting', async () => {
    const now = await stack.env.currentTimeMs();
    const { caseId, handle } = await kit.openCase(now, { notice: 'faerdigmelding', readyAt: now });
    const deadlineDay = addDays(localDate(now), 84);

    await kit.sleepUntil(now + 20 * DAY);
    await handle.executeUpdate(recordInvolvementUpdate, { args: [{}] });
    const placedAt = await stack.env.currentTimeMs();
    await handle.executeUpdate(buyExternalPlaceUpdate, { args: [{ providerId: '5b0c2a9e-0000-4000-8000-00000000e57e', reasonCode: 'no_vacant_own_place_fits' }] });
    const met = await eventually(async () => {
      const r = await obligationRow(caseId, 'deadline-12w');
      return r?.state === 'met' ? r : undefined;
    });
    expect(met.closedAt!.getTime()).toBeGreaterThanOrEqual(placedAt);
    expect(met.closedAt!.getTime()).toBeLessThan(placedAt + 60_000);

    // the region refuses the discharge; the chief level takes it (its own 7-day obligation)
    await handle.executeUpdate(raiseDisagreementUpdate, { args: [{ raisedBy: 'hospital', regionRefusesDischarge: true }] });

    // well past the 12 weeks: no warning, no deadline escalation; the case is open and counting
    await kit.sleepUntil(overnightAfter(deadlineDay, 0) + 2 * DAY);
    const rows = await kit.rowsFor(caseId);
    expect(rows.filter((r) => r.key.startsWith('deadline-'))).toEqual([]);
    const status = await handle.query(psychiatricStatusQuery);
    expect(status.ended).toBe(false);
    expect(status.step).toBe('external_place_bought');
    expect(status.caseProcessingDoneAt).toBeDefined();
    expect(status.obligations.find((o) => o.key === 'deadline-12w')!.state).toBe('met');
    expect(status.bedDays.counting).toBe(true);
    expect((await caseRow(caseId)).step).toBe('external_place_bought');

    await handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'discharged_external' }] });
    const ended = await resultOf(stack.env, handle);
    expect(ended.obligations.find((o) => o.key === 'deadline-12w')!.state).toBe('met');
  });

  it('a placement without involvement is refused, so the deadline keeps running (involvement is part of the case processing)', async () => {
    const now = await stack.env.currentTimeMs();
    const { caseId, handle } = await kit.openCase(now);
    await expect(handle.executeUpdate(buyExternalPlaceUpdate, { args: [{ providerId: '5b0c2a9e-0000-4000-8000-00000000e57e' }] })).rejects.toThrow();
    expect((await eventually(() => obligationRow(caseId, 'deadline-12w')))!.state).toBe('on_track');
  });
});
