/**
 * Messages every case type has, defined once.
 */
import { defineUpdate } from '@temporalio/workflow';

/** Resolves once the case row is in the database (the API's intake waits for it). */
export const caseOpenedUpdate = defineUpdate<{ caseId: string; caseNumber: string; duplicateOf?: string }>('awaitOpened');
