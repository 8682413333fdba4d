/**
 * Activities of temporary 24-hour stays: the allocator's database projection, the application
 * row, reassessments, and joining a place type's waiting list (signal-with-start of the
 * allocator, so the first application of a type starts its allocator).
 */
import { Context } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import {
  applyAllocationEffect,
  closeApplication,
  insertApplicationOnce,
  recordReassessment,
  type AllocationEffect,
  type JoinRequest,
} from '../db/queries/temporary-stay.js';

export function createTemporaryStayActivities(db: Db) {
  const recordApplication = (a: StayApplication) =>
    insertApplicationOnce(db, {
      caseId: a.caseId,
      citizenId: a.citizenId,
      placeType: a.placeType,
      purpose: a.purpose,
      priority: a.priority,
      waitingSince: new Date(a.appliedAt),
      originCaseId: a.originCaseId,
    });
  return {
    async applyAllocationEffect(effect: AllocationEffect): Promise<boolean> {
      return applyAllocationEffect(db, effect);
    },

    async recordStayApplication(a: StayApplication): Promise<{ duplicateOf?: string; duplicateWorkflowId?: string }> {
      return recordApplication(a);
    },

    async closeStayApplication(input: { caseId: string; reason: string }): Promise<void> {
      await closeApplication(db, input.caseId, input.reason);
    },

    async recordStayReassessment(r: { stayId: string; outcome: string; at: number; plannedEndDate?: string }): Promise<void> {
      await recordReassessment(db, { ...r, at: new Date(r.at) });
    },

    /** The case workflow names its place type's allocator (`allocatorWorkflowId`), so activities import nothing from workflows/. */
    async joinStayWaitingList(input: { allocatorWorkflowId: string; placeType: string; entry: JoinRequest }): Promise<void> {
      await joinWaitingList(input);
    },

    /**
     * An application's opening in one activity: the application row (once per case; a citizen's
     * second open application is answered with the first), then — unless a duplicate — the place
     * type's waiting list (signal-with-start of its allocator, which ignores a repeated join).
     * A retry repeats neither.
     */
    async openStayApplication(a: {
      application: StayApplication;
      join: { allocatorWorkflowId: string; placeType: string; entry: JoinRequest };
    }): Promise<{ duplicateOf?: string; duplicateWorkflowId?: string }> {
      const recorded = await recordApplication(a.application);
      if (!recorded.duplicateOf) await joinWaitingList(a.join);
      return recorded;
    },
  };
}

type StayApplication = {
  caseId: string;
  citizenId: string;
  placeType: string;
  purpose: string;
  priority: string;
  appliedAt: number;
  originCaseId?: string;
};

async function joinWaitingList(input: { allocatorWorkflowId: string; placeType: string; entry: JoinRequest }): Promise<void> {
  const ctx = Context.current();
  await ctx.client.workflow.signalWithStart('placeTypeAllocatorWorkflow', {
    workflowId: input.allocatorWorkflowId,
    taskQueue: ctx.info.taskQueue,
    args: [{ placeType: input.placeType }],
    signal: 'joinWaitingList',
    signalArgs: [input.entry],
    staticSummary: `Allocator of ${input.placeType} places (midlertidigt døgnophold)`,
  });
}
