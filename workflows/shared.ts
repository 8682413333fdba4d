/**
 * Building blocks every case workflow uses: business workflow IDs, the custom search
 * attributes shown in the Web UI, and durable "wake me at this instant" timers.
 * Deterministic: no I/O, no clock but the workflow's own.
 */
import { condition, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import { startOfDay, type LocalDate } from './calendar.js';

export type CaseType = 'psychiatric_discharge' | 'hospital_discharge' | 'temporary_stay';

/** Business workflow ID of a case: never anything but the case id. */
export function caseWorkflowId(caseId: string): string {
  return `case-${caseId}`;
}

/** Custom search attributes (registered on the server by `npm start` / the test setup). */
export const CaseTypeKey = defineSearchAttributeKey('CaseType', SearchAttributeType.KEYWORD);
export const CaseStepKey = defineSearchAttributeKey('CaseStep', SearchAttributeType.KEYWORD);
export const DeadlineDayKey = defineSearchAttributeKey('DeadlineDay', SearchAttributeType.DATETIME);

export const searchAttributeDefinitions = [CaseTypeKey, CaseStepKey, DeadlineDayKey];

export function showStep(step: string): void {
  upsertSearchAttributes([{ key: CaseStepKey, value: step }]);
}

export function showDeadlineDay(day: LocalDate | undefined): void {
  upsertSearchAttributes([{ key: DeadlineDayKey, value: day ? new Date(startOfDay(day)) : null }]);
}

/**
 * Durable timer to an absolute instant, cut short when `stop()` becomes true.
 * Returns true when the instant was reached, false when stopped first.
 */
export async function untilInstant(instantMs: number, summary: string, stop: () => boolean): Promise<boolean> {
  if (stop()) return false;
  const remaining = instantMs - Date.now();
  if (remaining <= 0) return true;
  const stopped = await condition(stop, remaining, { summary });
  return !stopped;
}

/** Activities with the retry policy every case uses (retry until the database answers). */
export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
