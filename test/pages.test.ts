/**
 * The pages (`/ui`) in a real browser: Debian's Chromium, headless, driven by playwright-core,
 * against the API listening on a port of its own.
 *
 * - A needs assessor signs in (a dev token picked on the sign-in page), sees a hospital-discharge
 *   case's vulnerability assessment under "I risiko" (at risk: the time-skipping server's clock
 *   moved to 00:00 of its due day), opens the case, takes the decision through the form generated
 *   from its contract, and sees the case leave the queue; the same decision again is refused and
 *   the page shows the reason in words; a missing answer shows the field's message. No CPR in a
 *   URL, a title or the history.
 * - The dashboard (on a database of its own, seeded here, with a Temporal that never answers: the
 *   dashboard reads the database only) shows the counts the test computes from its seed.
 * - axe-core finds no serious or critical violation (WCAG 2.1 A/AA rules) on each page.
 * - Screenshots of the work queue, the case page and the dashboard: to docs/pages/ with
 *   `UPDATE_SCREENSHOTS=1`, otherwise to the OS temp folder.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`; CHROMIUM_PATH to use
 * another); without it the tests are skipped and their names say why. Firefox:
 * test/pages-firefox.test.ts (Playwright's Firefox is a patched build, not Debian's firefox-esr).
 */
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_TYPE_NAMES } from '../api/case-types/index.js';
import { projectRoot } from '../config/index.js';
import type { Database } from '../db/client.js';
import { auditLog, cases, obligations } from '../db/schema/index.js';
import { as, deadTemporalClient, testApp } from './api-helpers.js';
import { devServerEnv, eventually, pgliteDatabase, startWorker, testDatabase, type RunningWorker } from './helpers.js';
import { AXE, axeRun, BUILD_EVERY_FORM, caseStack, closeCaseStack, listen, openCase, useOfflineApp, seedDashboard, untilAtRisk, type AxeViolation, type BuiltForm, type CaseStack } from './pages-support.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = process.env.UPDATE_SCREENSHOTS ? path.join(projectRoot, 'docs', 'pages') : os.tmpdir();

const title = hasChromium
  ? 'the pages in a real browser (headless Chromium)'
  : `the pages in a real browser — skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;


/** axe-core on the page as it stands: the serious and critical violations of the WCAG 2.1 A/AA rules. */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(axeRun);
}

async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/ui/sign-in`);
  await page.locator(`button[data-token="${token}"]`).click();
  await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
}

describe.skipIf(!hasChromium)(title, () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });
  // axe is injected as a script: the pages' Content-Security-Policy (script-src 'self') is bypassed for the check only
  const newContext = () => browser.newContext({ bypassCSP: true, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport: { width: 1280, height: 900 } });

  describe('work queue and case page (time-skipping server)', () => {
    let stack: CaseStack;
    let env: TestWorkflowEnvironment;
    let database: Database;
    let app: FastifyInstance;
    let base: string;
    let context: BrowserContext;

    beforeAll(async () => {
      stack = await caseStack();
      ({ env, database, app, base } = stack);
      context = await newContext();
    });
    afterAll(async () => {
      await context?.close();
      await closeCaseStack(stack);
    });

    it('a needs assessor sees an at-risk assessment, opens the case, decides, sees it leave the queue; the same decision again shows the refusal', async () => {
      const { id, caseNumber, cpr } = await openCase(app);
      // the server's clock to a minute after the assessment turns at risk (00:00 of its due day)
      await untilAtRisk(env, database, id);

      const page = await context.newPage();
      const visited: string[] = [];
      page.on('framenavigated', (f) => visited.push(f.url()));
      await signIn(page, base, 'dev-assessor');
      await page.goto(`${base}/ui/queue`);
      const atRisk = page.locator('section[data-state="at_risk"]');
      const item = atRisk.locator(`tr[data-case-number="${caseNumber}"]`);
      await item.waitFor();
      await expect(item.textContent()).resolves.toContain('Vurdér om borgeren er særligt sårbar');
      expect(await page.locator('html').getAttribute('lang')).toBe('da');
      expect(await axeViolations(page), 'work queue').toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, 'work-queue.png'), fullPage: true });

      // open the case: its page, its open obligation, the generated form of the assessment
      await item.getByRole('link', { name: caseNumber }).click();
      await page.waitForURL(`**/ui/cases/${id}`);
      await page.getByRole('heading', { level: 1, name: `Sag ${caseNumber}` }).waitFor();
      expect(await page.title()).toBe(`Sag ${caseNumber} – overgang`);
      const form = page.locator('form[data-path="vulnerability-assessment"]');
      await form.waitFor();
      expect(await page.locator('a', { hasText: 'Temporal Web UI' }).getAttribute('href')).toContain(`/workflows/${caseNumber}`);
      expect(await axeViolations(page), 'case page').toEqual([]);

      // a missing required answer: the server's message beside the field (the same zod definition)
      await form.getByRole('button', { name: 'Registrér beslutning' }).click();
      await expect(form.locator('.field-error:not([hidden])').first().textContent()).resolves.toMatch(/\S/);

      await form.getByRole('radio', { name: 'Ja' }).check();
      await page.screenshot({ path: path.join(SHOTS, 'case.png'), fullPage: true });
      await form.getByRole('button', { name: 'Registrér beslutning' }).click();
      await page.locator('#decided', { hasText: 'Beslutningen er registreret.' }).waitFor();

      // the same decision again: refused by the workflow, the reason in words
      const again = page.locator('form[data-path="vulnerability-assessment"]');
      await again.getByRole('radio', { name: 'Ja' }).check();
      await again.getByRole('button', { name: 'Registrér beslutning' }).click();
      const refusal = again.locator('.form-status.error');
      await refusal.waitFor();
      expect(await refusal.textContent()).toMatch(/^Afvist: \S+/);

      // back in the queue: the case has left it
      await page.getByRole('link', { name: 'Arbejdsliste' }).click();
      await page.waitForURL('**/ui/queue');
      await page.locator('#queue-lists section').first().waitFor();
      expect(await page.locator(`tr[data-case-number="${caseNumber}"]`).count()).toBe(0);

      // English beside Danish: the toggle
      await page.getByRole('button', { name: 'Switch the page to English' }).click();
      await page.getByRole('heading', { level: 1, name: /^Work queue/ }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');

      // no CPR in any URL or title the browser kept
      const kept = [...visited, page.url(), await page.title()].join('\n');
      expect(kept).not.toContain(cpr);
      expect(kept).not.toContain(cpr.slice(0, 6));
      await page.close();
    });

    it('the sign-in page passes the accessibility check and signs in by keyboard', async () => {
      const fresh = await newContext();
      const page = await fresh.newPage();
      await page.goto(`${base}/ui/sign-in`);
      await page.getByRole('heading', { level: 1, name: 'Log ind' }).waitFor();
      expect(await axeViolations(page), 'sign-in').toEqual([]);
      // by keyboard alone: the skip link first, then on to a dev user, Enter signs in
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Spring til indhold');
      for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement?.getAttribute('data-token'))) !== 'dev-assessor'; i++) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL('**/ui/queue');
      await page.getByRole('heading', { level: 1, name: /^Arbejdsliste/ }).waitFor();
      await fresh.close();
    });
  });

  describe('a decision while no worker runs (the run\'s dev server: real time)', () => {
    let env: TestWorkflowEnvironment;
    let database: Database;
    let worker: RunningWorker;
    let app: FastifyInstance;
    let base: string;
    beforeAll(async () => {
      env = await devServerEnv();
      database = await testDatabase();
      worker = await startWorker(env, database);
      app = await testApp({ database, temporal: env.client, taskQueue: worker.taskQueue });
      base = await listen(app);
    });
    afterAll(async () => {
      await app?.close();
      await worker?.stop();
      await database?.close();
      await env?.teardown();
    });

    it('a decision while no worker runs: the 503 is shown as it is, the retry sends the same Idempotency-Key and is recorded once', async () => {
      const { id } = await openCase(app);
      await eventually(async () => (await database.db.select().from(obligations).where(and(eq(obligations.caseId, id), eq(obligations.kind, 'vulnerability_assessment'))))[0]);
      const fresh = await newContext();
      const page = await fresh.newPage();
      const keys: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/vulnerability-assessment')) keys.push(r.headers()['idempotency-key']!);
      });
      await signIn(page, base, 'dev-assessor');
      await page.goto(`${base}/ui/cases/${id}`);
      const form = page.locator('form[data-path="vulnerability-assessment"]');
      await form.waitFor();
      await worker.stop();
      await form.getByRole('radio', { name: 'Ja' }).check();
      await form.getByRole('button', { name: 'Registrér beslutning' }).click();
      const warn = form.locator('.form-status.warn');
      await warn.waitFor({ timeout: 30_000 });
      expect(await warn.textContent()).toMatch(/(ikke registreret|ikke bekræftet).*\((503|202)/);
      worker = await startWorker(env, database, worker.taskQueue);
      // the retry: the same body with the same key (503 or 202 again while the new worker waits out the stopped one's sticky queue)
      for (let i = 0; i < 5 && (await page.locator('#decided', { hasText: 'Beslutningen er registreret.' }).count()) === 0; i++) {
        const retry = page.locator('form[data-path="vulnerability-assessment"]').getByRole('button', { name: 'Prøv igen (samme nøgle)' });
        if (await retry.isVisible()) await retry.click();
        await page.locator('#decided', { hasText: 'Beslutningen er registreret.' }).waitFor({ timeout: 15_000 }).catch(() => undefined);
      }
      await page.locator('#decided', { hasText: 'Beslutningen er registreret.' }).waitFor();
      expect(keys.length).toBeGreaterThanOrEqual(2);
      expect(new Set(keys).size).toBe(1);
      // recorded once: one accepted decision in the audit trail, and the case moved on
      const accepted = (await database.db.select().from(auditLog).where(eq(auditLog.caseId, id))).filter((r) => r.method === 'POST' && r.statusCode === 200);
      expect(accepted).toHaveLength(1);
      expect((await database.db.select().from(cases).where(eq(cases.id, id)))[0]!.step).not.toBe('awaiting_vulnerability_assessment');
      await fresh.close();
    }, 120_000);

  });

  describe('every decision of every case type has its generated form', () => {
    const own = useOfflineApp();

    it('the forms list every decision route of the OpenAPI document, each field labelled, all forms together pass axe', async () => {
      const doc = own.app.swagger() as { paths: Record<string, Record<string, { deprecated?: boolean; requestBody?: { content: Record<string, { schema: { properties?: object } }> } }>> };
      const meta = (await own.app.inject({ method: 'GET', url: '/ui/meta.json' })).json() as { caseTypes: { name: string; slug: string; decisions: { path: string; roles: string[] }[] }[] };
      expect(meta.caseTypes.map((c) => c.name)).toEqual(CASE_TYPE_NAMES);
      const decisionPaths = Object.entries(doc.paths)
        .filter(([p, ops]) => /^\/cases\/\{id\}\/[^/]+\/[^/{]+$/.test(p) && ops.post && !ops.post.deprecated)
        .map(([p]) => p)
        .sort();
      const formPaths = meta.caseTypes.flatMap((c) => c.decisions.map((d) => `/cases/{id}/${c.slug}/${d.path}`)).sort();
      expect(formPaths).toEqual(decisionPaths);

      const context = await newContext();
      const page = await context.newPage();
      await page.goto(`${own.base}/ui/sign-in`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      // every form, built in the page by the pages' own generator
      const built = (await page.evaluate(BUILD_EVERY_FORM)) as BuiltForm[];
      expect(built).toHaveLength(decisionPaths.length);
      for (const f of built) {
        expect(f.unlabelled, f.path).toBe(0);
        expect(f.controls, f.path).toBeGreaterThanOrEqual(f.properties);
      }
      // a discriminated union: its kind chosen, that kind's fields; codes with their Danish names
      const union = page.locator('form.decision', { has: page.locator('select option[value="more_help_at_home"]') });
      const kindSelect = union.locator('select', { has: page.locator('option[value="more_help_at_home"]') });
      await kindSelect.selectOption('more_help_at_home');
      // minutes per week, and the optional grant order's minutes per delivery and deliveries per week
      expect(await union.locator('input[type="number"]').count()).toBe(3);
      await kindSelect.selectOption('temporary_stay');
      expect(await union.locator('option[value="rehabilitation"]').textContent()).toBe('genoptræning (rehabilitation)');
      expect(await axeViolations(page), 'every decision form').toEqual([]);
      await context.close();
    });
  });

  describe('the deadline dashboard (a seeded database of its own)', () => {
    let database: Database;
    let app: FastifyInstance;
    let base: string;
    let context: BrowserContext;
    beforeAll(async () => {
      database = await pgliteDatabase();
      app = await testApp({ database, temporal: deadTemporalClient(), taskQueue: 'none' });
      base = await listen(app);
      context = await newContext();
    });
    afterAll(async () => {
      await context?.close();
      await app?.close();
      await database?.close();
    });

    it('shows the counts of a seeded set, computed here independently', async () => {
      const seed = await seedDashboard(database);
      const page = await context.newPage();
      await signIn(page, base, 'dev-supervisor');
      await page.goto(`${base}/ui/dashboard`);
      await page.locator('#waiting table').waitFor();

      // open obligations by state: the totals row of the first table
      const totals = await page.locator('#sla tbody tr').last().locator('td').allTextContents();
      expect(totals.map(Number)).toEqual([...seed.byState, seed.byState.reduce((a, b) => a + b, 0)]);
      // escalations per night: 30 rows, the seeded counts on their nights
      const nights = await page.locator('#nights tbody tr').evaluateAll((rows) => rows.map((r) => [r.querySelector('th')!.textContent, Number(r.querySelector('td')!.textContent)]));
      expect(nights).toHaveLength(30);
      expect(Object.fromEntries(nights.filter(([, n]) => n !== 0))).toEqual(seed.nights);
      // overdue ageing: per team, per bucket
      const ageing = await page.locator('#overdue tbody tr').evaluateAll((rows) => rows.map((r) => [r.querySelector('th')!.textContent, [...r.querySelectorAll('td')].map((c) => Number(c.textContent))]));
      expect(Object.fromEntries(ageing)).toEqual(seed.ageing);
      // the waiting list by priority, most urgent first
      const waiting = await page.locator('#waiting tbody tr').evaluateAll((rows) => rows.map((r) => [r.querySelector('th')!.textContent, Number(r.querySelector('td')!.textContent)]));
      expect(waiting).toEqual(seed.waiting);
      // each chart has its numbers as CSV too
      const csv = await page.locator('#sla a[download]').getAttribute('href');
      expect(csv).toMatch(/^blob:/);
      const text = await page.evaluate(async (u) => (await fetch(u!)).text(), csv);
      expect(text.trim().split('\r\n').pop()).toBe(['I alt', ...seed.byState, seed.byState.reduce((a, b) => a + b, 0)].join(','));

      // bed-days and their cost per month by kind: the payment report's figures, one row per month and kind
      const report = (await app.inject({ method: 'GET', url: '/payments/bed-days?limit=1', headers: as('dev-supervisor') })).json() as { byMonth: { month: string; days: number }[] };
      expect(report.byMonth.length).toBeGreaterThan(0);
      const bedRows = await page.locator('#bed-days tbody tr').evaluateAll((rows) => rows.map((r) => [r.querySelector('th')!.textContent, Number(r.querySelectorAll('td')[1]!.textContent)]));
      expect(bedRows).toEqual(report.byMonth.slice(-12).map((m) => [m.month, m.days]));
      // the dashboard's canvases were drawn by the chart library
      // (five: the fifth, bed-days and their cost per month, is the payment report's, `GET /payments/bed-days`)
      await page.locator('#bed-days table').waitFor({ state: 'attached' });
      expect(await page.locator('canvas').count()).toBe(5);
      expect(await page.evaluate(() => typeof (window as unknown as { Chart?: unknown }).Chart)).toBe('function');
      expect(await axeViolations(page), 'dashboard').toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });

      // a needs assessor does not read the dashboard (403 from its data route; the page says so)
      const res = await app.inject({ method: 'GET', url: '/dashboard', headers: as('dev-assessor') });
      expect(res.statusCode).toBe(403);
      await page.close();
    });
  });
});