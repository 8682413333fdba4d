/**
 * Activities shared by every case type. Thin and idempotent: each write is keyed by the
 * case id (+ the step's key), so a retried activity never writes a row twice.
 */
import { Context } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import {
  insertCaseOnce,
  insertEscalationOnce,
  mergeCaseDetails,
  setCaseStep,
  type EscalationInput,
  type NewCaseRecord,
} from '../db/queries/cases.js';

export function createCoreActivities(db: Db) {
  return {
    async recordCaseOpened(rec: Omit<NewCaseRecord, 'openedAt'> & { openedAt: number }): Promise<void> {
      await insertCaseOnce(db, { ...rec, openedAt: new Date(rec.openedAt) });
    },

    async recordCaseStep(input: {
      caseId: string;
      step: string;
      end?: { closedAt: number; outcome: string };
    }): Promise<void> {
      await setCaseStep(
        db,
        input.caseId,
        input.step,
        input.end ? { closedAt: new Date(input.end.closedAt), outcome: input.end.outcome } : undefined,
      );
    },

    async recordCaseDetails(input: { caseId: string; details: Record<string, unknown> }): Promise<void> {
      await mergeCaseDetails(db, input.caseId, input.details);
    },

    async raiseEscalation(e: EscalationInput): Promise<string> {
      const { id, created } = await insertEscalationOnce(db, e);
      Context.current().log.info(created ? 'escalation raised' : 'escalation already recorded', {
        caseId: e.caseId,
        key: e.key,
        kind: e.kind,
      });
      return id;
    },
  };
}
