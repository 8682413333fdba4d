/**
 * The outbox activity (udbakke): puts one letter or message in the outbox per (case, key),
 * rendered from its template in the database's process — the workflow passes ids, codes, dates
 * and numbers, never a text. A retry or a replay writes nothing twice. A template that cannot be
 * rendered with the facts given (unknown, for another addressee, a fact missing) is a
 * non-retryable failure.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/client.js';
import { OutboxTemplateError, putInOutboxOnce, type OutboxInput } from '../db/queries/outbox.js';
import { loadConfig } from '../config/index.js';
import { COMPLAINT_WEEKS, MissingLetterFact } from '../domain/letters.js';

export type { OutboxInput } from '../db/queries/outbox.js';

export interface OutboxOptions {
  /** Weeks to complain, stated in every letter with appeal guidance (retssikkerhedsloven § 67). */
  complaintWeeks?: number;
}

export function createOutboxActivities(db: Db, opts: OutboxOptions = {}) {
  const complaintWeeks = opts.complaintWeeks ?? loadConfig().COMPLAINT_WEEKS ?? COMPLAINT_WEEKS;
  return {
    /** One message in the outbox per (case, key); answers its id (the same on a repeat). */
    async putInOutbox(m: OutboxInput): Promise<{ id: number; created: boolean }> {
      try {
        const r = await putInOutboxOnce(db, m, complaintWeeks);
        Context.current().log.info(r.created ? 'message put in the outbox' : 'message already in the outbox', {
          caseId: m.caseId,
          key: m.key,
          template: m.template,
          addresseeKind: m.addressee.kind,
        });
        return r;
      } catch (err) {
        if (err instanceof OutboxTemplateError || err instanceof MissingLetterFact) {
          throw ApplicationFailure.nonRetryable(err.message, err.name);
        }
        throw err;
      }
    },
  };
}
