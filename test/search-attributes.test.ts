/**
 * The API registers the project's search attributes on a Temporal server that lacks them (an
 * external server: docker-compose, production), once. Against the real dev server, in a
 * namespace of its own that starts without them.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSearchAttributes } from '../api/search-attributes.js';
import { searchAttributeDefinitions } from '../workflows/shared/search-attributes.js';
import { devServerEnv, eventually } from './helpers.js';

let env: TestWorkflowEnvironment;
const namespace = `sa-${randomUUID().slice(0, 8)}`;
beforeAll(async () => {
  env = await devServerEnv();
  // one day's retention (protobuf takes a number for its Long seconds)
  const request = { namespace, workflowExecutionRetentionPeriod: { seconds: 86_400 } };
  await env.connection.workflowService.registerNamespace(request as unknown as Parameters<typeof env.connection.workflowService.registerNamespace>[0]);
});
afterAll(async () => env?.teardown());

const custom = async () =>
  Object.keys((await env.connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {});

describe('search attributes on an external server', () => {
  it('are registered when missing, and only then', async () => {
    const names = searchAttributeDefinitions.map((k) => k.name);
    await eventually(async () => (await custom()) !== undefined);
    expect((await custom()).filter((n) => names.includes(n))).toEqual([]);
    expect(await ensureSearchAttributes(env.connection, namespace)).toEqual(names);
    const after = await eventually(async () => {
      const now = await custom();
      return names.every((n) => now.includes(n)) ? now : undefined;
    });
    expect(names.filter((n) => after.includes(n))).toEqual(names);
    expect(await ensureSearchAttributes(env.connection, namespace)).toEqual([]);
  });
});
