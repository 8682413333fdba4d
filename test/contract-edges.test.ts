/**
 * Answers go through their contracts, and what an earlier version left behind never turns a
 * request into a 500: a decision repeated after its case ended, details or a status in an older
 * shape, a stored first answer replayed; and what a reader may not see stays out (a ward's name
 * kept before the ward registry).
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cases, idempotencyKeys } from '../db/schema/index.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'dev', app: true });
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

const inject = (method: 'GET' | 'POST', url: string, token: string, payload?: object, key?: string) =>
  stack.app.inject({ method, url, headers: { ...as(token), ...(key ? { 'idempotency-key': key } : {}) }, ...(payload ? { payload } : {}) });

async function psychiatricCase(): Promise<string> {
  const res = await inject('POST', '/cases', 'dev-hospital', {
    type: 'psychiatric_discharge',
    cpr: fakeCpr('1977-07-07'),
    notice: 'faerdigmelding',
    receivedAt: hoursAgo(2),
    readyAt: hoursAgo(2),
    ward: 'Psykiatrisk Center Glostrup',
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe('answers through their contracts, also on what an earlier version left', () => {
  it('an external placement repeated after the case ended, its key forgotten, still answers with the provider', async () => {
    const id = await psychiatricCase();
    const base = `/cases/${id}/psychiatric`;
    expect((await inject('POST', `${base}/involvement`, 'dev-psychiatry', { wishesForSupport: 'Night staff', wishesForFuture: 'Own flat' })).statusCode).toBe(200);
    const body = { provider: `Privat Bosted ${id.slice(0, 8)}`, reasonCode: 'no_vacant_own_place_fits' };
    const first = await inject('POST', `${base}/external-placement`, 'dev-psychiatry', body, `ext-${id}`);
    expect(first.statusCode, first.body).toBe(200);
    expect((await inject('POST', `${base}/discharge`, 'dev-hospital', { dischargedAt: hoursAgo(0), destination: 'external' })).statusCode).toBe(200);
    // the key's row has expired (or was released by a 503): the repeat reaches the ended case
    await stack.database.db.delete(idempotencyKeys).where(eq(idempotencyKeys.key, `ext-${id}`));
    const repeat = await inject('POST', `${base}/external-placement`, 'dev-psychiatry', body, `ext-${id}`);
    expect(repeat.statusCode, repeat.body).toBe(200);
    expect(repeat.json()).toEqual(first.json());
  });

  it('details written in a shape this version does not know are left out; the page answers', async () => {
    const id = await psychiatricCase();
    await stack.database.db.update(cases).set({ details: { notices: 'faerdigmelding', meetingsHeld: 'none' } }).where(eq(cases.id, id));
    const res = await inject('GET', `/cases/${id}?live=true`, 'dev-psychiatry');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().details).toBeNull();
    expect(res.json().live).toMatchObject({ caseId: id });
  });

  it('a ward name kept before the ward registry is shown only to those who see the CPR', async () => {
    const id = await psychiatricCase();
    const [row] = await stack.database.db.select({ details: cases.details }).from(cases).where(eq(cases.id, id));
    await stack.database.db
      .update(cases)
      .set({ details: { ...(row!.details as object), ward: 'Psykiatrisk Center Glostrup, afsnit for spiseforstyrrelser' } })
      .where(eq(cases.id, id));
    const coordinator = await inject('GET', `/cases/${id}`, 'dev-psychiatry');
    expect(coordinator.json().details.ward).toBe('Psykiatrisk Center Glostrup, afsnit for spiseforstyrrelser');
    const supervisor = await inject('GET', `/cases/${id}`, 'dev-supervisor');
    expect(supervisor.statusCode, supervisor.body).toBe(200);
    expect(supervisor.body).not.toContain('spiseforstyrrelser');
  });

  it('a first answer stored by an earlier version replays as it was stored', async () => {
    const id = await psychiatricCase();
    const key = `flag-${id}`;
    const first = await inject('POST', `/cases/${id}/psychiatric/long-course`, 'dev-psychiatry', { reason: 'No offer fits yet' }, key);
    expect(first.statusCode, first.body).toBe(200);
    // as an earlier version stored it: without a field today's contract requires
    const { firstMeetingDueDay: _dropped, ...older } = first.json() as Record<string, unknown>;
    await stack.database.db.update(idempotencyKeys).set({ response: older }).where(eq(idempotencyKeys.key, key));
    const replay = await inject('POST', `/cases/${id}/psychiatric/long-course`, 'dev-psychiatry', { reason: 'No offer fits yet' }, key);
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.headers['idempotent-replay']).toBe('true');
    expect(replay.json()).toEqual(older);
  });
});
