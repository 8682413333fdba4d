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

/**
 * The citizen's leave from the hospital (orlov: MedCom STOR starts it, SLOR ends it), on every
 * open case of the citizen: the case shows it, and the obligations whose kind pauses on leave
 * (`pausesOnLeave` in domain/rules.ts) stand still until the citizen is back. Answers whether the
 * citizen is on leave now and the keys of the obligations paused (or resumed).
 */
export const citizenLeaveUpdate = defineUpdate<{ onLeave: boolean; obligations: string[] }, [{ onLeave: boolean }]>('citizenLeave');
