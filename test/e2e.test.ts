/**
 * End to end over real HTTP: the Temporal dev server, the worker, the API listening on a
 * port, PostgreSQL. Also the privacy rule: a case opened with a CPR number leaves no trace
 * of it in the workflow's history, search attributes or memo.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CaseStepKey, CaseTypeKey, NextDueDayKey } from '../workflows/shared/search-attributes.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, useTestStack } from './helpers.js';
import { testCodec } from './test-keys.js';
import type { Payload } from '@temporalio/common';

let base: string;

const stack = useTestStack({ temporal: 'dev', app: true });
beforeAll(async () => {
  base = await stack.app.listen({ host: '127.0.0.1', port: 0 });
});

async function http(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...as(token), ...(body ? { 'content-type': 'application/json' } : {}), ...(method === 'GET' ? {} : { 'idempotency-key': randomUUID() }) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('end to end over HTTP', () => {
  it('opens a case, reads it back with its live status, and keeps the CPR out of Temporal', async () => {
    const health = await http('GET', '/health', 'dev-supervisor');
    expect(health.status).toBe(200);

    const cpr = fakeCpr('1985-06-15');
    const opened = await http('POST', '/cases', 'dev-hospital', {
      type: 'psychiatric_discharge',
      cpr,
      notice: 'forvarsling',
      receivedAt: new Date().toISOString(),
      ward: 'Psykiatrisk Center København',
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;

    const read = await http('GET', `/cases/${id}?live=true`, 'dev-psychiatry');
    expect(read.status).toBe(200);
    expect(read.body.citizen.cpr).toBe(cpr);
    expect(read.body.live.caseId).toBe(id);
    expect(read.body.live.deadlineDay).toBe(read.body.details.deadlineDay);

    expect(opened.body.workflowId).toMatch(/^PSY-\d{4}-\d{6}$/);
    const handle = stack.env.client.workflow.getHandle(opened.body.workflowId as string);
    const description = await eventually(async () => {
      const d = await handle.describe();
      return d.typedSearchAttributes.get(CaseStepKey) ? d : undefined;
    });
    expect(description.typedSearchAttributes.get(CaseTypeKey)).toBe('psychiatric_discharge');
    expect(description.typedSearchAttributes.get(NextDueDayKey)).toBe(read.body.details.deadlineDay);

    const history = JSON.stringify(await handle.fetchHistory());
    const everything = history + JSON.stringify(description.raw);
    const digits = cpr.replace('-', '');
    expect(everything).not.toContain(digits);
    expect(everything).not.toContain(`${digits.slice(0, 6)}-${digits.slice(6)}`);
    // payloads are encrypted in the history (docs/encryption.md): check their decrypted form too
    const raw = (await handle.fetchHistory()) as unknown;
    const payloads: Payload[] = [];
    const walk = (v: unknown): void => {
      if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
      if (Array.isArray(v)) return v.forEach(walk);
      const o = v as Record<string, unknown>;
      if (o.metadata && typeof o.metadata === 'object' && Object.values(o.metadata).every((b) => b instanceof Uint8Array)) payloads.push(o as Payload);
      else Object.values(o).forEach(walk);
    };
    walk(raw);
    expect(history).not.toContain(Buffer.from(id).toString('base64').slice(0, 24));
    const decoded = (await testCodec().decode(payloads)).map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n');
    expect(decoded).toContain(id);
    expect(decoded).not.toContain(digits);
  });
});
