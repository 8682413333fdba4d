/**
 * Bed-day periods longer than MAX_BED_DAY_PERIOD_DAYS are refused at the API edge (issue 8,
 * point 6): a færdigmelding whose ready instant lies further back → 400 naming `body.readyAt`,
 * on every route that takes one. Validation runs before Temporal is asked, so a Temporal that
 * never answers is enough here.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { loadConfig } from '../config/index.js';
import type { Database } from '../db/client.js';
import { defaultRules } from '../domain/rules.js';
import { as, deadTemporalClient, sendingKeys, tokens } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { testDatabase } from './helpers.js';

const DAY = 86_400_000;
const MAX_DAYS = 30;
const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString();

let database: Database;
let app: FastifyInstance;
beforeAll(async () => {
  database = await testDatabase();
  app = await buildApp({
    database,
    temporal: deadTemporalClient(),
    taskQueue: 'no-such-queue',
    rules: defaultRules,
    tokens,
    logLevel: 'silent',
    faults: { dependencyTimeoutMs: 1_000, workerTimeoutMs: 1_000 },
    maxBedDayPeriodDays: MAX_DAYS,
  });
  await app.ready();
  sendingKeys(app);
});
afterAll(async () => {
  await app?.close();
  await database?.close();
});

const routes: [string, (readyAt: string) => { url: string; payload: Record<string, unknown> }][] = [
  [
    'POST /cases (psychiatric færdigmelding)',
    (readyAt) => ({
      url: '/cases',
      payload: {
        type: 'psychiatric_discharge',
        cpr: fakeCpr('1960-06-06'),
        notice: 'faerdigmelding',
        receivedAt: daysAgo(1),
        readyAt,
        ward: 'Psykiatrisk Center',
      },
    }),
  ],
  [
    'POST /cases/:id/psychiatric/notices',
    (readyAt) => ({
      url: `/cases/${randomUUID()}/psychiatric/notices`,
      payload: { notice: 'faerdigmelding', receivedAt: daysAgo(1), readyAt },
    }),
  ],
  [
    'POST /cases/:id/hospital-discharge/faerdigbehandlet',
    (readyAt) => ({ url: `/cases/${randomUUID()}/hospital-discharge/faerdigbehandlet`, payload: { readyAt } }),
  ],
];

describe('a færdigmelding that would open a bed-day period longer than the maximum', () => {
  it.each(routes)('%s → 400 naming body.readyAt', async (_name, req) => {
    const { url, payload } = req(daysAgo(MAX_DAYS + 1));
    const res = await app.inject({ method: 'POST', url, headers: as('dev-hospital'), payload });
    expect(res.statusCode, res.body).toBe(400);
    const fields = res.json().fields as { field: string; message: string }[];
    expect(fields).toEqual([{ field: 'body.readyAt', message: expect.stringMatching(/MAX_BED_DAY_PERIOD_DAYS \(30 days\)/) }]);
  });

  it.each(routes)('%s: a period within the maximum passes validation', async (_name, req) => {
    const { url, payload } = req(daysAgo(MAX_DAYS - 1));
    const res = await app.inject({ method: 'POST', url, headers: as('dev-hospital'), payload });
    expect(res.statusCode, res.body).not.toBe(400);
  });

  it('1901 is named once (beyond the plausibility horizon), not twice', async () => {
    const { url, payload } = routes[2]![1]('1901-03-01T09:00:00+01:00');
    const res = await app.inject({ method: 'POST', url, headers: as('dev-hospital'), payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().fields).toEqual([{ field: 'body.readyAt', message: expect.stringMatching(/PLAUSIBLE_PAST_DAYS/) }]);
  });

  it('MAX_BED_DAY_PERIOD_DAYS defaults to 365 days', () => {
    expect(loadConfig({}).MAX_BED_DAY_PERIOD_DAYS).toBe(365);
    expect(loadConfig({ MAX_BED_DAY_PERIOD_DAYS: '90' }).MAX_BED_DAY_PERIOD_DAYS).toBe(90);
  });
});
