/** The nightly retention run (workflows/retention/workflow.ts), as its schedule starts it. */
import type { RecordingPath } from './context.js';

export const retentionPaths: Record<string, RecordingPath> = {
  async retention(ctx) {
    const workflowId = `overgang-retention-run-${Date.now()}`;
    await ctx.client.workflow.execute('retentionWorkflow', { workflowId, taskQueue: ctx.taskQueue, args: [{ accessLogRetentionDays: 183, idempotencyKeyTtlHours: 24 }] });
    return workflowId;
  },
};
