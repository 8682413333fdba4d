/**
 * The supervisor's view in a real browser: Debian's Chromium (headless, driven by playwright-core)
 * opens the Temporal Web UI of a dev server of this file's own (the run's dev server has no UI)
 * and finds a breached case's row still showing its due day in the `NextDueDay` column — the
 * column a supervisor adds with the list's column settings, kept in the browser's localStorage —
 * beside a case on track; the README's overdue query (`NextDueDay < "<today>"`) lists the breached
 * one only; its detail page shows the current details with Copenhagen instants.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`; CHROMIUM_PATH to use
 * another); without it the test is skipped and its name says why. A screenshot of the list is
 * written to $WEB_UI_SCREENSHOT (default: the OS temp folder, overgang-web-ui-list.png).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { Client } from '@temporalio/client';
import { and, eq, gt } from 'drizzle-orm';
import { accessLog, cases } from '../db/schema/index.js';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { localDate } from '../domain/calendar.js';
import { searchAttributeArgs } from '../api/search-attributes.js';
import { freePort, waitForPort } from '../scripts/ports.js';
import { temporalCliPath } from '../scripts/temporal-bin.js';
import { EscalatedKey, NextDueDayKey, SlaStateKey } from '../workflows/shared/search-attributes.js';
import { as, testApp, tokens } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, waitUntilIdle, existingServerEnv, quietRuntime, startWorker, testDatabase, type RunningWorker } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SCREENSHOT = process.env.WEB_UI_SCREENSHOT ?? path.join(os.tmpdir(), 'overgang-web-ui-list.png');
/** Headless, offline: no GPU, no QUIC, no first-run, update or sync traffic. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The list's columns as a supervisor sets them (the Web UI keeps them in localStorage, per namespace). */
const COLUMNS = ['Status', 'Workflow ID', 'NextDueDay', 'NextEscalationAt', 'SlaState', 'Escalated', 'ActingRole'];
const DAY = 86_400_000;

const title = hasChromium
  ? 'the Web UI list in a real browser (headless Chromium)'
  : `the Web UI list in a real browser — skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;

describe.skipIf(!hasChromium)(title, () => {
  let server: ChildProcess | undefined;
  let uiPort = 0;
  let apiPort = 0;
  let env: TestWorkflowEnvironment;
  let database: Database;
  let worker: RunningWorker;
  let app: FastifyInstance;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    uiPort = await freePort();
    apiPort = await freePort();
    // a dev server of its own, with the Web UI (in memory; the project's search attributes)
    server = spawn(
      temporalCliPath(),
      [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--ui-port',
        String(uiPort),
        '--http-port',
        String(await freePort()),
        '--metrics-port',
        String(await freePort()),
        '--log-level',
        'error',
        '--ui-disable-news-fetch',
        // histories are encrypted: the UI decodes them through the API's codec endpoint, as `npm start` sets it
        '--ui-codec-endpoint',
        `http://127.0.0.1:${apiPort}/codec`,
        ...searchAttributeArgs(),
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    await waitForPort(port);
    await waitForPort(uiPort);
    quietRuntime();
    env = await existingServerEnv(`127.0.0.1:${port}`);
    database = await testDatabase();
    worker = await startWorker(env, database);
    // the dev server's UI forwards no token: the codec acts as the dev supervisor (CODEC_DEVELOPMENT_TOKEN, as `npm start`)
    app = await testApp({
      database,
      temporal: env.client,
      taskQueue: worker.taskQueue,
      codec: { corsOrigins: [`http://127.0.0.1:${uiPort}`], anonymousAs: tokens.get('dev-supervisor')! },
    });
    await app.listen({ host: '127.0.0.1', port: apiPort });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await worker?.stop();
    await database?.close();
    await env?.teardown();
    server?.kill('SIGKILL');
  });

  async function psychiatric(receivedDaysAgo: number): Promise<{ id: string; caseNumber: string }> {
    const res = await app.inject({
      method: 'POST',
      url: '/cases',
      headers: as('dev-hospital'),
      payload: {
        type: 'psychiatric_discharge',
        cpr: fakeCpr('1981-06-06'),
        notice: 'forvarsling',
        receivedAt: new Date(Date.now() - receivedDaysAgo * DAY - 3_600_000).toISOString(),
        ward: 'Psykiatrisk Center',
      },
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  }

  it("shows a breached case's due day in the NextDueDay column, and the overdue query finds it", async () => {
    const today = localDate(Date.now());
    const breached = await psychiatric(90); // the 12-week deadline passed
    const onTrack = await psychiatric(1);
    const ids = [breached.caseNumber, onTrack.caseNumber];

    // what visibility holds (the list reads visibility, not the running workflow)
    const seen = await eventually(async () => {
      const found = new Map<string, { day?: string; sla?: string; escalated?: boolean }>();
      for await (const w of env.client.workflow.list({ query: `WorkflowId IN ("${ids.join('", "')}")` })) {
        const sa = w.typedSearchAttributes;
        found.set(w.workflowId, { day: sa.get(NextDueDayKey), sla: sa.get(SlaStateKey), escalated: sa.get(EscalatedKey) });
      }
      return found.get(breached.caseNumber)?.sla === 'breached' && found.get(onTrack.caseNumber)?.day ? found : undefined;
    });
    const breachedDay = seen.get(breached.caseNumber)!.day!;
    const onTrackDay = seen.get(onTrack.caseNumber)!.day!;
    expect(breachedDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(breachedDay < today).toBe(true); // how late it is
    expect(onTrackDay > today).toBe(true);

    const context = await browser.newContext({ timezoneId: 'Europe/Copenhagen', locale: 'en-GB', viewport: { width: 1600, height: 900 } });
    try {
      await context.addInitScript((columns: string[]) => {
        localStorage.setItem('namespace-workflow-table-columns', JSON.stringify({ default: columns.map((label, i) => ({ label, pinned: i < 2 })) }));
      }, COLUMNS);
      const page = await context.newPage();
      const list = (query: string) => `http://127.0.0.1:${uiPort}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;

      // both cases, the columns as configured
      await page.goto(list(`WorkflowId IN ("${ids.join('", "')}")`));
      const row = (id: string) => page.locator('tr[data-testid="workflows-summary-configurable-table-row"]', { hasText: id });
      await row(breached.caseNumber).waitFor({ timeout: 20_000 });
      await row(onTrack.caseNumber).waitFor({ timeout: 20_000 });
      const header = (await page.locator('table thead').first().innerText()).split(/\s+/).filter(Boolean);
      for (const c of ['NextDueDay', 'NextEscalationAt', 'SlaState']) expect(header).toContain(c);
      const cells = async (id: string) => (await row(id).locator('td').allInnerTexts()).map((t) => t.trim());
      const lower = (c: string[]) => c.map((t) => t.toLowerCase()); // the UI writes booleans as TRUE / FALSE
      const breachedCells = await cells(breached.caseNumber);
      const onTrackCells = await cells(onTrack.caseNumber);
      expect(lower(breachedCells)).toEqual(expect.arrayContaining([breached.caseNumber.toLowerCase(), breachedDay, 'breached', 'true']));
      expect(lower(onTrackCells)).toEqual(expect.arrayContaining([onTrack.caseNumber.toLowerCase(), onTrackDay, 'on_track', 'false']));
      // the NextDueDay column of each row holds its day (the header's order is the cells' order, after the checkbox cell)
      const dayColumn = (c: string[]) => c[c.length - COLUMNS.length + COLUMNS.indexOf('NextDueDay')];
      expect(dayColumn(breachedCells)).toBe(breachedDay);
      expect(dayColumn(onTrackCells)).toBe(onTrackDay);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      // the README's overdue query: the breached case only
      await page.goto(list(`NextDueDay < "${today}" AND WorkflowId IN ("${ids.join('", "')}")`));
      await row(breached.caseNumber).waitFor({ timeout: 20_000 });
      expect(await page.locator('tr[data-testid="workflows-summary-configurable-table-row"]').count()).toBe(1);
      expect(dayColumn(await cells(breached.caseNumber))).toBe(breachedDay);

      // the case's own page: its current details, instants with the Copenhagen offset (never epoch ms or Z)
      await page.goto(`http://127.0.0.1:${uiPort}/namespaces/default/workflows/${breached.caseNumber}`);
      // the current details live under the page's "User Metadata" tab, rendered as Markdown in a frame of their own
      await page.getByText('User Metadata', { exact: true }).first().click({ timeout: 20_000 });
      const details = await eventually(async () => {
        for (const f of page.frames()) {
          const text = await f.locator('body').innerText().catch(() => '');
          if (text.includes('Next action')) return text;
        }
        return undefined;
      }, 20_000);
      await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-case.png'), fullPage: true });
      expect(details).toContain(breached.caseNumber);
      expect(details).toContain(`Due ${breachedDay} · overdue since `);
      const instants = details.match(/\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})/g) ?? [];
      expect(instants.length).toBeGreaterThanOrEqual(2); // overdue since, next escalation
      for (const t of instants) expect(t).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/); // Copenhagen offset, never Z
      expect(details).not.toMatch(/\b1\d{12}\b/); // no epoch milliseconds
    } finally {
      await context.close();
    }
  });

  it('shows an encrypted history decoded through the codec endpoint, and logs the look-up', async () => {
    const opened = await psychiatric(1);
    const raw = new Client({ connection: env.connection }).workflow.getHandle(opened.caseNumber);
    await waitUntilIdle(raw);
    // on the server: encrypted (no codec), the case id nowhere in clear
    const history = JSON.stringify(await raw.fetchHistory()); // metadata and data base64
    expect(history).toContain(Buffer.from('binary/encrypted').toString('base64'));
    expect(history).not.toContain(Buffer.from(opened.id).toString('base64').slice(0, 24));
    expect(history).not.toContain(opened.id);
    const [caseRow] = await database.db.select().from(cases).where(eq(cases.id, opened.id));
    const from = (await database.db.select({ id: accessLog.id }).from(accessLog).orderBy(accessLog.id)).at(-1)?.id ?? 0;

    const context = await browser.newContext({ timezoneId: 'Europe/Copenhagen', locale: 'en-GB', viewport: { width: 1600, height: 1200 } });
    try {
      const page = await context.newPage();
      const decodeCalls: number[] = [];
      page.on('response', (r) => {
        if (r.url().includes('/codec/decode') && r.request().method() === 'POST') decodeCalls.push(r.status());
      });

      await page.goto(`http://127.0.0.1:${uiPort}/namespaces/default/workflows/${opened.caseNumber}`);
      // the workflow's input (its first event) as the supervisor sees it: decoded JSON with the case id
      const text = await eventually(async () => {
        const t = await page.locator('body').innerText().catch(() => '');
        return t.includes(opened.id) ? t : undefined;
      }, 30_000);
      await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-decoded.png'), fullPage: true });
      expect(text).toContain(caseRow!.citizenId);
      expect(text).not.toContain('binary/encrypted');
      expect(decodeCalls.length).toBeGreaterThan(0);
      expect(decodeCalls.every((s) => s === 200)).toBe(true);
      console.log(`[web-ui] ${opened.caseNumber}: ${decodeCalls.length} decode call(s), all 200; the page shows the input's caseId ${opened.id} and citizenId; screenshot ${SCREENSHOT.replace(/\.png$/, '-decoded.png')}`);
    } finally {
      await context.close();
    }
    // every decode the browser made is a look-up of the citizen by the (development) supervisor
    const rows = await database.db.select().from(accessLog).where(and(gt(accessLog.id, from), eq(accessLog.use, 'POST /codec/decode'), eq(accessLog.citizenId, caseRow!.citizenId)));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r).toMatchObject({ userId: 'supervisor-frida', role: 'supervisor', purpose: 'supervision', caseId: opened.id, statusCode: 200 });
  });
});
