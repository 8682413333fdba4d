/**
 * Admission of decisions (api/admission.ts): when as many decisions as allowed are waiting for
 * the workflow service, the next one queues for the admission wait and is then answered 503
 * `dependency: capacity` with `Retry-After: 1` — before its Update is sent, so nothing changed —
 * and a place freed lets the next decision through. The first decision is held by a case whose
 * worker has stopped (it waits out the worker deadline), so "in flight" is not a timing.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { Admission } from '../api/admission.js';
import { DependencyUnavailable } from '../api/faults.js';
import { auditLog, decisionTexts } from '../db/schema/index.js';
import { as, testApp } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, startWorker, useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'dev' });

describe('decisions beyond what the workers take get 503 capacity, unsent', () => {
  it('one place: the second decision queues, is refused with Retry-After 1 before the first ends, and is never sent; the place is handed on', async () => {
    const taskQueue = `tq-admission-${randomUUID()}`;
    const app = await testApp({
      database: stack.database,
      temporal: stack.env.client,
      taskQueue,
      faults: { dependencyTimeoutMs: 2_500, workerTimeoutMs: 2_500 },
      admission: { maxInFlight: 1, waitMs: 300 },
    });
    const worker = await startWorker(stack.env, stack.database, taskQueue);
    try {
      const opened = await app.inject({
        method: 'POST',
        url: '/cases',
        headers: { ...as('dev-hospital'), 'idempotency-key': randomUUID() },
        payload: { type: 'psychiatric_discharge', cpr: fakeCpr('1971-03-04'), notice: 'faerdigmelding', receivedAt: new Date(Date.now() - 3_600_000).toISOString(), readyAt: new Date(Date.now() - 7_200_000).toISOString(), ward: 'Psykiatrisk Center Amager' },
      });
      expect(opened.statusCode, opened.body).toBe(201);
      const caseId = opened.json().id as string;
      await worker.stop(); // from now on no worker takes the case's decisions
      const decide = (reason: string) =>
        app.inject({ method: 'POST', url: `/cases/${caseId}/psychiatric/long-course`, headers: { ...as('dev-psychiatry'), 'idempotency-key': randomUUID() }, payload: { reason } });
      const order: string[] = [];
      const first = decide('first').then((r) => (order.push('first'), r));
      await new Promise((r) => setTimeout(r, 200));
      const second = await decide('second').then((r) => (order.push('second'), r));
      expect(second.statusCode, second.body).toBe(503);
      expect(second.json()).toMatchObject({ dependency: 'capacity' });
      expect(second.json().message).toMatch(/not sent \(nothing changed\)/);
      expect(second.headers['retry-after']).toBe('1');
      const held = await first;
      // the first waited for a worker the whole time: it was in flight while the second was refused
      expect(order).toEqual(['second', 'first']);
      expect([503, 202]).toContain(held.statusCode);
      if (held.statusCode === 503) expect(held.json().dependency).toBe('worker');
      // never sent: the workflow holds no Update with the second's text, and no text was kept
      const texts = await stack.database.db.select().from(decisionTexts).where(eq(decisionTexts.caseId, caseId));
      expect(texts.map((t) => (t.body as { reason?: string }).reason)).not.toContain('second');
      // one audit row each (a 503's row is written after its answer: api/later.ts)
      const statuses = async () =>
        (await stack.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, caseId), eq(auditLog.action, 'psychiatric.long_course.flag')))).map((a) => a.statusCode).sort();
      await eventually(async () => (await statuses()).length >= 2);
      expect(await statuses()).toEqual([held.statusCode, 503].sort());
      // the place is free again: the next decision is admitted (and waits for the worker, not for a place)
      const third = await decide('third');
      if (third.statusCode === 503) expect(third.json().dependency).toBe('worker');
      else expect(third.statusCode).toBe(202);
    } finally {
      if (worker.worker.getState() === 'RUNNING') await worker.stop();
      await app.close();
    }
  });
});

describe('the admission queue', () => {
  it('hands a freed place to the first in line, counts what it refused, and lets a failed decision free its place', async () => {
    const admission = new Admission({ maxInFlight: 2, waitMs: 1_000 });
    const gates: (() => void)[] = [];
    const held = () => new Promise<string>((resolve) => gates.push(() => resolve('done')));
    const started: string[] = [];
    const a = admission.run(() => (started.push('a'), held()));
    const b = admission.run(() => (started.push('b'), Promise.reject(new Error('refused by the workflow'))));
    await expect(b).rejects.toThrow('refused by the workflow');
    const c = admission.run(() => (started.push('c'), held()));
    const d = admission.run(() => (started.push('d'), held()));
    const e = admission.run(() => (started.push('e'), held()));
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual(['a', 'b', 'c']);
    expect(admission.waiting).toBe(2);
    gates.shift()!(); // a ends: d, first in line, takes its place
    await a;
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    const refusedE = await e.catch((err: unknown) => err);
    expect(refusedE).toBeInstanceOf(DependencyUnavailable);
    expect((refusedE as DependencyUnavailable).dependency).toBe('capacity');
    expect(started).not.toContain('e');
    expect(admission.refused).toBe(1);
    for (const g of gates.splice(0)) g();
    await Promise.all([c, d]);
    expect(admission.waiting).toBe(0);
  });
});
