/**
 * The pages (`/ui`) in Firefox: Debian's firefox-esr, headless, driven over WebDriver BiDi by
 * puppeteer-core (Playwright drives only its own patched Firefox build).
 *
 * - A needs assessor signs in (a dev token picked on the sign-in page), sees a hospital-discharge
 *   case's vulnerability assessment under "I risiko" (at risk: the time-skipping server's clock
 *   moved to 00:00 of its due day), opens the case, answers the form generated from the decision's
 *   contract, sees "Beslutningen er registreret." and the decision in the audit trail, and the case
 *   gone from the queue. No CPR in a URL or a title.
 * - The dashboard (a seeded database of its own, a Temporal that never answers) shows the totals
 *   the test counts from its seed, its tables and its five charts drawn on their canvases.
 * - Every decision form of every case type is built by the pages' generator, every control
 *   labelled; a discriminated union's kind switches its fields.
 * - The sign-in page is used by keyboard alone (Tab from the skip link to a dev user, Enter).
 * - axe-core finds no serious or critical violation (WCAG 2.1 A/AA rules) on the sign-in page, the
 *   work queue, the case page, the dashboard and all decision forms together.
 * - No uncaught error in any page, no error on the console, nothing blocked by the
 *   Content-Security-Policy.
 *
 * Needs Firefox at /usr/bin/firefox-esr (`apt-get install -y firefox-esr`; FIREFOX_PATH to use
 * another); without it the tests are skipped and their names say why.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from './api-helpers.js';
import { AXE, axeRun, BUILD_EVERY_FORM, caseStack, closeCaseStack, openCase, useOfflineApp, seedDashboard, untilAtRisk, type AxeViolation, type BuiltForm, type CaseStack } from './pages-support.js';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const hasFirefox = existsSync(FIREFOX);
const WAIT = { timeout: 30_000 };

const title = hasFirefox
  ? 'the pages in Firefox (headless firefox-esr over WebDriver BiDi)'
  : `the pages in Firefox — skipped: no Firefox at ${FIREFOX} (apt-get install -y firefox-esr, or set FIREFOX_PATH)`;

/** A page that records every uncaught error and every console error, and every URL it visits. */
async function watchedPage(browser: Browser): Promise<{ page: Page; errors: string[]; visited: string[] }> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const errors: string[] = [];
  const visited: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('framenavigated', (f) => visited.push(f.url()));
  // what the Content-Security-Policy blocked, as a console error (Firefox reports it to its browser console only)
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP blocked ${e.blockedURI} (${e.violatedDirective})`));
  });
  return { page, errors, visited };
}

async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/ui/sign-in`);
  const button = await page.waitForSelector(`button[data-token="${token}"]`, WAIT);
  // the page checks the token (GET /me), then replaces itself with the role's start page
  await Promise.all([page.waitForNavigation(WAIT), button!.click()]);
}

/** The control a label with exactly this text names, inside `scope`. */
async function byLabel(page: Page, scope: string, text: string): Promise<ElementHandle<Element>> {
  const handle = await page.waitForFunction(
    (s, t) => [...document.querySelectorAll<HTMLLabelElement>(`${s} label`)].find((l) => l.textContent?.trim() === t)?.control ?? null,
    WAIT, scope, text,
  );
  return handle as ElementHandle<Element>;
}

/**
 * axe-core on the page as it stands (the WCAG 2.1 A/AA rules; serious and critical). Loaded by
 * evaluating its source over BiDi: a script tag would be refused by the pages' CSP, and Firefox
 * has no switch to bypass it.
 */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(readFileSync(AXE, 'utf8'));
  return page.evaluate(axeRun);
}

async function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (e) => e.textContent ?? '');
}

describe.skipIf(!hasFirefox)(title, () => {
  let browser: Browser;
  let profile: string;
  beforeAll(async () => {
    profile = mkdtempSync(path.join(os.tmpdir(), 'overgang-firefox-'));
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      userDataDir: profile,
      // the pages' times are Copenhagen's whatever the machine's zone; Danish first
      env: { ...process.env, TZ: 'Europe/Copenhagen' },
      extraPrefsFirefox: { 'intl.accept_languages': 'da-DK, da', 'intl.locale.requested': 'da-DK' },
      timeout: 60_000,
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  describe('work queue and case page (time-skipping server)', () => {
    let stack: CaseStack;
    beforeAll(async () => {
      stack = await caseStack();
    });
    afterAll(async () => {
      await closeCaseStack(stack);
    });

    it('a needs assessor sees an at-risk assessment, opens the case, decides, sees the decision in the audit trail and the case leave the queue', async () => {
      const { env, database, app, base } = stack;
      const { id, caseNumber, cpr } = await openCase(app);
      await untilAtRisk(env, database, id);

      const { page, errors, visited } = await watchedPage(browser);
      await signIn(page, base, 'dev-assessor');
      expect(new URL(page.url()).pathname).toBe('/ui/queue');
      const item = `section[data-state="at_risk"] tr[data-case-number="${caseNumber}"]`;
      await page.waitForSelector(item, WAIT);
      expect(await textOf(page, item)).toContain('Vurdér om borgeren er særligt sårbar');
      expect(await page.$eval('html', (e) => e.getAttribute('lang'))).toBe('da');
      expect(await axeViolations(page), 'work queue').toEqual([]);

      // open the case by its link: its page titled by the case number, the generated form
      await Promise.all([page.waitForNavigation(WAIT), page.click(`${item} a`)]);
      expect(new URL(page.url()).pathname).toBe(`/ui/cases/${id}`);
      await page.waitForFunction((n) => document.querySelector('h1')?.textContent === `Sag ${n}`, WAIT, caseNumber);
      expect(await page.title()).toBe(`Sag ${caseNumber} – overgang`);
      const form = 'form[data-path="vulnerability-assessment"]';
      await page.waitForSelector(form, WAIT);
      expect(await axeViolations(page), 'case page').toEqual([]);

      // a missing required answer: the server's message beside the field (the same zod definition)
      await page.click(`${form} button[type="submit"]`);
      await page.waitForFunction((f) => [...document.querySelectorAll(`${f} .field-error:not([hidden])`)].some((e) => /\S/.test(e.textContent ?? '')), WAIT, form);
      // answered, the decision is recorded
      await (await byLabel(page, form, 'Ja')).click();
      await page.screenshot({ path: path.join(os.tmpdir(), 'firefox-case.png'), fullPage: true });
      expect(await page.$eval(`${form} input[type="radio"][value="true"]`, (e) => (e as HTMLInputElement).checked)).toBe(true);
      await page.click(`${form} button[type="submit"]`);
      await page.waitForFunction(() => document.getElementById('decided')?.textContent === 'Beslutningen er registreret.', WAIT);
      // the audit trail (historik) holds the accepted decision
      const trail = await page.$$eval('section[aria-labelledby="hist-h"] tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
      expect(trail.some((r) => /vulnerability/i.test(r) && r.includes('200')), trail.join('\n')).toBe(true);

      // back in the queue: the case has left it
      await Promise.all([page.waitForNavigation(WAIT), page.click('a[href="/ui/queue"]')]);
      await page.waitForSelector('#queue-lists section', WAIT);
      expect(await page.$$(`tr[data-case-number="${caseNumber}"]`)).toHaveLength(0);

      // no CPR in any URL or title the browser kept; no uncaught error, no console error
      const kept = [...visited, page.url(), await page.title()].join('\n');
      expect(kept).not.toContain(cpr);
      expect(kept).not.toContain(cpr.slice(0, 6));
      expect(errors).toEqual([]);
      await page.screenshot({ path: path.join(os.tmpdir(), 'firefox-queue.png'), fullPage: true });
      await page.close();
    }, 120_000);

    it('the sign-in page signs in by keyboard alone', async () => {
      const { page, errors } = await watchedPage(browser);
      await page.goto(`${stack.base}/ui/sign-in`);
      await page.waitForSelector('button[data-token="dev-assessor"]', WAIT);
      expect(await axeViolations(page), 'sign-in').toEqual([]);
      // the skip link first, then on to a dev user, Enter signs in
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Spring til indhold');
      for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement?.getAttribute('data-token'))) !== 'dev-assessor'; i++) await page.keyboard.press('Tab');
      await Promise.all([page.waitForNavigation(WAIT), page.keyboard.press('Enter')]);
      expect(new URL(page.url()).pathname).toBe('/ui/queue');
      await page.waitForFunction(() => /^Arbejdsliste/.test(document.querySelector('h1')?.textContent ?? ''), WAIT);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  });

  describe('the deadline dashboard and every decision form (a database of its own)', () => {
    const own = useOfflineApp();

    it('renders its tables with the seeded numbers and draws its charts', async () => {
      const seed = await seedDashboard(own.database);
      const { page, errors } = await watchedPage(browser);
      await signIn(page, own.base, 'dev-supervisor');
      expect(new URL(page.url()).pathname).toBe('/ui/dashboard');
      await page.waitForSelector('#waiting table', WAIT);
      await page.waitForSelector('#bed-days table', WAIT);

      // open obligations by state: the totals row of the first table
      const totals = await page.$eval('#sla tbody tr:last-child', (r) => [...r.querySelectorAll('td')].map((c) => Number(c.textContent)));
      expect(totals).toEqual([...seed.byState, seed.byState.reduce((a, b) => a + b, 0)]);
      // every table has rows, each row ends in a figure (a count, or an amount in kroner)
      const tables = await page.$$eval('.chart-block', (blocks) => blocks.map((b) => ({
        id: b.id,
        last: [...b.querySelectorAll('tbody tr')].map((r) => r.lastElementChild?.textContent ?? ''),
      })));
      expect(tables.map((t) => t.id)).toEqual(['sla', 'overdue', 'nights', 'waiting', 'bed-days']);
      for (const t of tables) {
        expect(t.last.length, t.id).toBeGreaterThan(0);
        for (const c of t.last) expect(c, t.id).toMatch(t.id === 'bed-days' ? /^[\d.\s\u00a0]+kr\.$/ : /^\d+$/);
      }
      // the bed-days per month and kind: the payment report's
      const report = (await own.app.inject({ method: 'GET', url: '/payments/bed-days?limit=1', headers: as('dev-supervisor') })).json() as { byMonth: { month: string; days: number }[] };
      const bedRows = await page.$$eval('#bed-days tbody tr', (rows) => rows.map((r) => [r.querySelector('th')!.textContent, Number(r.querySelectorAll('td')[1]!.textContent)]));
      expect(bedRows).toEqual(report.byMonth.slice(-12).map((m) => [m.month, m.days]));
      // five canvases, each drawn by the chart library (Chart.js knows a chart on each)
      await page.waitForFunction(() => document.querySelectorAll('canvas').length === 5 && [...document.querySelectorAll('canvas')].every((c) => (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart.getChart(c)), WAIT);
      const sizes = await page.$$eval('canvas', (cs) => cs.map((c) => [c.width, c.height]));
      for (const [w, h] of sizes) expect(w! * h!).toBeGreaterThan(0);
      expect(await axeViolations(page), 'dashboard').toEqual([]);

      expect(errors).toEqual([]);
      await page.screenshot({ path: path.join(os.tmpdir(), 'firefox-dashboard.png'), fullPage: true });
      await page.close();
    }, 120_000);

    it('builds every decision form of every case type, each control labelled; a union\'s kind switches its fields', async () => {
      const meta = (await own.app.inject({ method: 'GET', url: '/ui/meta.json' })).json() as { caseTypes: { decisions: unknown[] }[] };
      const { page, errors } = await watchedPage(browser);
      await page.goto(`${own.base}/ui/sign-in`);
      await page.waitForSelector('h1', WAIT);
      const built = (await page.evaluate(BUILD_EVERY_FORM)) as BuiltForm[];
      expect(built).toHaveLength(meta.caseTypes.flatMap((c) => c.decisions).length);
      for (const f of built) {
        expect(f.unlabelled, f.path).toBe(0);
        expect(f.controls, f.path).toBeGreaterThanOrEqual(f.properties);
      }
      // a discriminated union: its kind chosen (a change event from a real selection), that kind's fields
      const kind = 'form.decision select:has(option[value="more_help_at_home"])';
      await page.select(kind, 'more_help_at_home');
      const numbers = () => page.$eval(kind, (s) => s.closest('form')!.querySelectorAll('input[type="number"]').length);
      expect(await numbers()).toBe(3);
      await page.select(kind, 'temporary_stay');
      expect(await page.$eval(kind, (s) => s.closest('form')!.querySelector('option[value="rehabilitation"]')?.textContent)).toBe('genoptræning (rehabilitation)');
      expect(await axeViolations(page), 'every decision form').toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  });
});
