/**
 * Shared by the SLA tests of every case type (time-skipping server): read an obligation's state
 * everywhere it shows (its row, the case row's worst state, the workflow's status query) and
 * check that it turns exactly at an instant.
 */
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { cases, obligations } from '../db/schema/index.js';
import { eventually, type TestStack } from './helpers.js';

const MINUTE = 60_000;

interface StatusWithObligations {
  slaState: string | null;
  obligations: { key: string; state: string }[];
}

export function slaKit<H, S extends StatusWithObligations>(stack: TestStack, status: (handle: H) => Promise<S>) {
  const obligationRow = async (caseId: string, key: string) =>
    (await stack.database.db.select().from(obligations).where(and(eq(obligations.caseId, caseId), eq(obligations.key, key))))[0];
  const caseRow = async (caseId: string) => (await stack.database.db.select().from(cases).where(eq(cases.id, caseId)))[0]!;

  async function skipTo(instant: number): Promise<void> {
    const now = await stack.env.currentTimeMs();
    if (instant > now) await stack.env.sleep(instant - now);
  }

  /** Until the obligation shows `state` everywhere: its row, the case row's worst state and the status query. */
  async function expectState(handle: H, caseId: string, key: string, state: string, caseSla: string | null = state) {
    const row = await eventually(async () => {
      const r = await obligationRow(caseId, key);
      return r?.state === state ? r : undefined;
    });
    await eventually(async () => (await caseRow(caseId)).slaState === caseSla);
    const s = await eventually(async () => {
      const v = await status(handle);
      return v.obligations.find((o) => o.key === key)?.state === state ? v : undefined;
    });
    expect(s.slaState).toBe(caseSla);
    return { row, status: s };
  }

  /** One minute before `at`: still `before`; one minute after: `after` (the case's SLA state alongside). */
  async function expectTurnsAt(handle: H, caseId: string, key: string, at: number, before: string, after: string, caseSla?: [string, string]) {
    await skipTo(at - MINUTE);
    await expectState(handle, caseId, key, before, caseSla?.[0] ?? before);
    expect((await obligationRow(caseId, key))!.state).toBe(before); // not a moment early
    await stack.env.sleep(2 * MINUTE);
    return expectState(handle, caseId, key, after, caseSla?.[1] ?? after);
  }

  return { obligationRow, caseRow, skipTo, expectState, expectTurnsAt };
}
