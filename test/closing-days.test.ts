/**
 * Issue 9 point 5: municipal closing days (lukkedage) are configuration — dates and yearly rules,
 * default 5 June, 24 and 31 December — and every working-day deadline skips them. The rule set
 * handed to a case at its start carries them (a case opened without them keeps counting without).
 */
import { hospitalDischargeCaseType } from '../workflows/hospital-discharge/case-type.js';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { caseNumberFor } from '../api/case-numbers.js';
import { loadConfig } from '../config/index.js';
import { escalations, obligations } from '../db/schema/index.js';
import { addDays, closingDayRuleError, isClosingDay, isWorkingDay, localDate, localInstant, nextWorkingDay } from '../domain/calendar.js';
import { workingDaysAfter } from '../workflows/hospital-discharge/state.js';
import { hospitalDischargeStatusQuery } from '../workflows/hospital-discharge/messages.js';
import { hospitalDischargeCaseWorkflow } from '../workflows/hospital-discharge/workflow.js';
import { DEFAULT_CLOSING_DAYS, defaultRules, rulesFromConfig } from '../domain/rules.js';
import { caseOpenedUpdate } from '../workflows/shared/messages.js';
import { CaseTypeKey } from '../workflows/shared/search-attributes.js';
import { newCitizen } from './fixtures.js';
import { eventually, useTestStack } from './helpers.js';

describe('closing days (pure)', () => {
  it('default: Grundlovsdag, 24 and 31 December, every year', () => {
    expect(DEFAULT_CLOSING_DAYS).toEqual(['06-05', '12-24', '12-31']);
    expect(defaultRules.closingDays).toEqual(DEFAULT_CLOSING_DAYS);
    for (const d of ['2026-06-05', '2026-12-24', '2026-12-31', '2030-12-24']) expect(isClosingDay(d, DEFAULT_CLOSING_DAYS), d).toBe(true);
    expect(isWorkingDay('2026-06-05')).toBe(true); // a Friday, no public holiday
    expect(isWorkingDay('2026-06-05', DEFAULT_CLOSING_DAYS)).toBe(false);
    expect(nextWorkingDay('2026-06-04', DEFAULT_CLOSING_DAYS)).toBe('2026-06-08');
    expect(nextWorkingDay('2026-12-23', DEFAULT_CLOSING_DAYS)).toBe('2026-12-28');
    expect(nextWorkingDay('2026-12-30', DEFAULT_CLOSING_DAYS)).toBe('2027-01-04');
    expect(workingDaysAfter('2026-12-23', 1, DEFAULT_CLOSING_DAYS)).toBe('2026-12-28');
    expect(workingDaysAfter('2027-12-23', 1, DEFAULT_CLOSING_DAYS)).toBe('2027-12-27'); // Friday 24 closed, then the weekend
  });

  it('one-off dates and rules relative to Easter', () => {
    const rules = ['2027-05-07', 'easter+40']; // a bridge day; the Friday after Ascension Day
    expect(isClosingDay('2027-05-07', rules)).toBe(true);
    expect(isClosingDay('2028-05-07', rules)).toBe(false);
    expect(isClosingDay('2026-05-15', rules)).toBe(true); // Easter 2026-04-05 + 40
    expect(workingDaysAfter('2026-05-13', 1, rules)).toBe('2026-05-18'); // Ascension Thursday 14 May, Friday closed
    expect(closingDayRuleError('13-01')).toBeDefined();
    expect(closingDayRuleError('02-29')).toBeUndefined();
    expect(closingDayRuleError('juleaften')).toBeDefined();
  });

  it('configuration: MUNICIPAL_CLOSING_DAYS (default, none, a bad rule is named)', () => {
    expect(rulesFromConfig(loadConfig({})).closingDays).toEqual(['06-05', '12-24', '12-31']);
    expect(rulesFromConfig(loadConfig({ MUNICIPAL_CLOSING_DAYS: 'none' })).closingDays).toEqual([]);
    expect(rulesFromConfig(loadConfig({ MUNICIPAL_CLOSING_DAYS: '12-24, easter-1' })).closingDays).toEqual(['12-24', 'easter-1']);
    expect(() => loadConfig({ MUNICIPAL_CLOSING_DAYS: '12-24,24-12' })).toThrow(/MUNICIPAL_CLOSING_DAYS/);
  });
});

const stack = useTestStack({ temporal: 'time-skipping', app: false });
const MINUTE = 60_000;

async function skipTo(instant: number): Promise<void> {
  const now = await stack.env.currentTimeMs();
  if (instant > now) await stack.env.sleep(instant - now);
}

describe('closing days on the time-skipping server', () => {
  it('a care plan received on 23 December: the assessment is due the next working day after 24 December (closed) and 25–26 (holidays) — Monday 28 December in 2026 — escalating the night after', async () => {
    // the next 23 December still ahead of the server's clock (the clock only moves forward)
    const start = await stack.env.currentTimeMs();
    let year = Number(localDate(start).slice(0, 4));
    while (localInstant(`${year}-12-23`, 10, 0) <= start) year += 1;
    const dueDay = workingDaysAfter(`${year}-12-23`, 1, DEFAULT_CLOSING_DAYS);
    expect(dueDay >= `${year}-12-27`).toBe(true);
    await skipTo(localInstant(`${year}-12-23`, 10, 0));
    const caseId = randomUUID();
    const { citizenId } = await newCitizen(stack.database.db, '1950-06-01');
    const handle = await stack.env.client.workflow.start(hospitalDischargeCaseWorkflow, {
      workflowId: await caseNumberFor(stack.database.db, caseId, hospitalDischargeCaseType),
      taskQueue: stack.worker.taskQueue,
      args: [{ caseId, citizenId, receivedAt: await stack.env.currentTimeMs(), administration: 'SUF', rules: defaultRules }],
      typedSearchAttributes: [{ key: CaseTypeKey, value: 'hospital_discharge' }],
    });
    await handle.executeUpdate(caseOpenedUpdate);
    const status = await handle.query(hospitalDischargeStatusQuery);
    expect(status.vulnerabilityAssessment.dueDay).toBe(dueDay);
    const row = async () =>
      (await stack.database.db.select().from(obligations).where(and(eq(obligations.caseId, caseId), eq(obligations.key, 'vulnerability-assessment'))))[0];
    expect((await eventually(row))!.dueDay).toBe(dueDay);

    // Nothing on the night after 24 December (the old due day)
    await skipTo(localInstant(`${year}-12-25`, 0) + MINUTE);
    await new Promise((r) => setTimeout(r, 500));
    expect(await stack.database.db.select().from(escalations).where(eq(escalations.caseId, caseId))).toHaveLength(0);

    const at = localInstant(addDays(dueDay, 1), 0);
    await skipTo(at - MINUTE);
    expect(await stack.database.db.select().from(escalations).where(eq(escalations.caseId, caseId))).toHaveLength(0);
    await stack.env.sleep(2 * MINUTE);
    const [escalation] = await eventually(async () => {
      const rows = await stack.database.db.select().from(escalations).where(eq(escalations.caseId, caseId));
      return rows.length ? rows : undefined;
    });
    expect(escalation!.scheduledFor.getTime()).toBe(at);
    expect(escalation!.dueDay).toBe(dueDay);
  });
});
