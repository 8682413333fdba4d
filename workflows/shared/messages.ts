/**
 * Messages every case type has, defined once.
 */
import { defineUpdate } from '@temporalio/workflow';

/**
 * The instant the workflow accepted a decision (epoch ms, the Update handler's `Date.now()`), in
 * the result of a decision that keeps a free text: the text is dated by it, not by when the API
 * got to write it (a retry after a 503 is dated by the first acceptance). Absent in the answers
 * of versions before it.
 */
export type Accepted = { at?: number };

/** Resolves once the case row is in the database (the API's intake waits for it). */
export const caseOpenedUpdate = defineUpdate<{ caseId: string; caseNumber: string; duplicateOf?: string }>('awaitOpened');
