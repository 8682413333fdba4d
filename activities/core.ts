/**
 * Activities shared by every case type. Thin and idempotent: each write is keyed by the
 * case id (+ the step's key), so a retried activity never writes a row twice.
 */
import { Context } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import { reserveCaseNumber, writeCaseMirror, type CaseMirror } from '../db/queries/case-mirror.js';
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

    /**
     * The one mirror of a case: its row (step, SLA state, next due, who acts), its changed
     * obligations and any escalations it raised, in one transaction (idempotent).
     */
    async mirrorCase(m: CaseMirror): Promise<void> {
      const ids = await writeCaseMirror(db, m);
      if (ids.length) {
        Context.current().log.info('escalations recorded', { caseId: m.caseId, keys: m.escalations.map((e) => e.key) });
      }
    },

    /** Reserves the case number of a case id (the workflow id of a case started from a workflow). */
    async reserveCaseNumber(input: { caseId: string; type: string; prefix: string; year: number }): Promise<string> {
      return reserveCaseNumber(db, input.caseId, input.type, input.prefix, input.year);
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
