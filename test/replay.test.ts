/**
 * Safe evolution: every recorded history in test/histories/ (recorded from the real dev server
 * by `npm run record-histories`, one or more per case-type path) replays against today's
 * workflow code without a non-determinism error. A change to a workflow that breaks a running
 * case fails here; see docs/changing-a-workflow.md for patched() / deprecatePatch(). The worker
 * replays through the payload codec (codec/), as production runs: the recorded histories are plain
 * and pass through it unchanged (docs/encryption.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../config/index.js';
import { quietRuntime, testDataConverter } from './helpers.js';

const dir = path.join(projectRoot, 'test', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

interface Recorded {
  workflowId: string;
  workflowType: string;
  history: unknown;
}

const recorded = files.map((f) => ({ file: f, ...(JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Recorded) }));

describe('recorded histories replay against the current workflow code', () => {
  it('has at least one history of each case type, one of them continued-as-new', () => {
    const types = new Set(recorded.map((r) => r.workflowType));
    expect([...types]).toEqual(expect.arrayContaining(['psychiatricCaseWorkflow', 'hospitalDischargeCaseWorkflow', 'temporaryStayCaseWorkflow']));
    const continued = recorded.some((r) =>
      JSON.stringify(r.history).includes('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW'),
    );
    expect(continued).toBe(true);
  });

  it.each(recorded.map((r) => [r.file, r] as const))('%s', async (_file, r) => {
    quietRuntime();
    // The worker reads the history in Temporal's JSON form (as `temporal workflow show --output json` writes it),
    // through the payload codec as every worker runs: plain payloads (recorded before encryption) pass through it.
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: testDataConverter() }, r.history, r.workflowId);
  });

  it('the recorded (plain) histories decode through the codec unchanged', async () => {
    const codec = testDataConverter().payloadCodecs![0]!;
    let payloads = 0;
    for (const r of recorded) {
      const found: { metadata?: Record<string, string>; data?: string }[] = [];
      JSON.stringify(r.history, (_k, v: unknown) => {
        if (v && typeof v === 'object' && 'metadata' in v && typeof (v as { metadata: unknown }).metadata === 'object') found.push(v as { metadata?: Record<string, string>; data?: string });
        return v;
      });
      const asPayloads = found.map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, b]) => [k, new Uint8Array(Buffer.from(b, 'base64'))])),
        data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
      }));
      expect(await codec.decode(asPayloads), r.file).toEqual(asPayloads);
      payloads += asPayloads.length;
    }
    expect(payloads).toBeGreaterThan(1000);
  });
});
