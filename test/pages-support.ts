/**
 * What the browser tests of the pages share (test/pages.test.ts in Chromium, test/pages-firefox.test.ts
 * in Firefox): the API on a port of its own, a hospital-discharge case opened through the API and
 * brought to "at risk" on the time-skipping server, and a seeded dashboard whose figures are counted
 * here from the seed itself.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { CASE_TYPE_NAMES, readableCaseTypes } from '../api/case-types/index.js';
import type { Database } from '../db/client.js';
import { bedDayPeriods, cases, citizens, escalations, obligations, stayApplications } from '../db/schema/index.js';
import { addDays, localDate, localInstant } from '../domain/calendar.js';
import { PRIORITY_ORDER } from '../domain/rules.js';
import { as, deadTemporalClient, testApp } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, pgliteDatabase, startWorker, testDatabase, timeSkippingEnv, type RunningWorker } from './helpers.js';

/** axe-core's browser build, injected into a page for the accessibility check. */
export const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** The app listening on 127.0.0.1 on a free port; its base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return `http://127.0.0.1:${addr.port}`;
}

/** The work-queue stack: the time-skipping server, Postgres, a worker, the API listening (late decisions not refused). */
/**
 * For a describe block: the API on a PGlite database of its own and a Temporal that never answers
 * (the dashboard reads only the mirror; the forms need no workflow), listening on a port.
 */
export function useOfflineApp(): { database: Database; app: FastifyInstance; base: string } {
  const own = {} as { database: Database; app: FastifyInstance; base: string };
  beforeAll(async () => {
    own.database = await pgliteDatabase();
    own.app = await testApp({ database: own.database, temporal: deadTemporalClient(), taskQueue: 'none' });
    own.base = await listen(own.app);
  });
  afterAll(async () => {
    await own.app?.close();
    await own.database?.close();
  });
  return own;
}

export interface CaseStack {
  env: TestWorkflowEnvironment;
  database: Database;
  worker: RunningWorker;
  app: FastifyInstance;
  base: string;
}

export async function caseStack(): Promise<CaseStack> {
  const env = await timeSkippingEnv();
  const database = await testDatabase();
  const worker = await startWorker(env, database);
  const app = await testApp({ database, temporal: env.client, taskQueue: worker.taskQueue, refuseLateDecisions: false });
  return { env, database, worker, app, base: await listen(app) };
}

export async function closeCaseStack(stack: Partial<CaseStack> | undefined): Promise<void> {
  await stack?.app?.close();
  await stack?.worker?.stop();
  await stack?.database?.close();
  await stack?.env?.teardown();
}

export interface AxeViolation {
  id: string;
  impact: string;
  nodes: string[];
}

/**
 * Run in a page where axe-core is loaded (`page.evaluate(axeRun)`): the serious and critical
 * violations of the WCAG 2.1 A/AA rules on the page as it stands.
 */
export async function axeRun(): Promise<AxeViolation[]> {
  const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
  const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact ?? '', nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

/** One decision form as built in the page: its contract's properties, its controls, those without a label. */
export interface BuiltForm {
  path: string;
  properties: number;
  controls: number;
  unlabelled: number;
}

/**
 * Run in a page of the pages (`page.evaluate`): every decision form of `/ui/meta.json`, built by the
 * pages' own generator into `#main`; one `BuiltForm` each. A string: the test runner would rewrite
 * an import() written as code.
 */
export const BUILD_EVERY_FORM = `(async () => {
  const { decisionForm } = await import('/ui/assets/forms.js');
  const { TEXT } = await import('/ui/assets/i18n.js');
  const m = await (await fetch('/ui/meta.json')).json();
  const main = document.getElementById('main');
  main.replaceChildren();
  const out = [];
  for (const c of m.caseTypes) {
    for (const d of c.decisions) {
      const form = decisionForm(d, { t: TEXT.da, lang: 'da', codeLabels: m.codeLabels }, async () => ({ status: 200, body: {} }));
      main.append(form);
      const controls = [...form.querySelectorAll('input, select, textarea')];
      const unlabelled = controls.filter((el) => el.labels.length === 0 && !el.closest('fieldset')?.querySelector('legend'));
      out.push({ path: d.path, properties: Object.keys(d.schema.properties ?? {}).length, controls: controls.length, unlabelled: unlabelled.length });
    }
  }
  return out;
})()`;

/**
 * The case's vulnerability assessment brought to "at risk": the time-skipping server's clock to a
 * minute after it turns (00:00 of its due day), until the mirror says so.
 */
export async function untilAtRisk(env: TestWorkflowEnvironment, database: Database, id: string): Promise<void> {
  const row = await eventually(async () => (await database.db.select().from(obligations).where(and(eq(obligations.caseId, id), eq(obligations.kind, 'vulnerability_assessment'))))[0]);
  const wait = row.atRiskAt.getTime() + MINUTE - (await env.currentTimeMs());
  if (wait > 0) await env.sleep(wait); // already at risk when the care plan came in yesterday evening
  await eventually(async () => (await database.db.select().from(obligations).where(and(eq(obligations.caseId, id), eq(obligations.key, row.key))))[0]?.state === 'at_risk');
}

/** A hospital-discharge case opened by the hospital through the API (its care plan). */
export async function openCase(app: FastifyInstance): Promise<{ id: string; caseNumber: string; cpr: string }> {
  const cpr = fakeCpr('1948-03-15');
  const now = Date.now();
  const opened = await app.inject({
    method: 'POST',
    url: '/cases',
    headers: as('dev-hospital'),
    payload: {
      type: CASE_TYPE_NAMES.find((n) => n.startsWith('hospital'))!,
      cpr,
      receivedAt: new Date(now - HOUR).toISOString(),
      ward: 'Bispebjerg Hospital, afsnit 42',
      admittedAt: new Date(now - 5 * 24 * HOUR).toISOString(),
      expectedDischargeDate: addDays(localDate(now), 3),
      functionalLevel: 'FSIII: personlig hygiejne 3, forflytning 4',
      freeText: 'Hoftebrud, falder hyppigt',
    },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  return { ...(opened.json() as { id: string; caseNumber: string }), cpr };
}

const STATES = ['breached', 'at_risk', 'on_track', 'paused'] as const;
const TEAMS = ['Lokal visitation Nord', 'DSI Voksen', null] as const;
const BUCKETS: [number, number][] = [[1, 1], [2, 3], [4, 7], [8, 14], [15, 30], [31, Infinity]];

/**
 * A random set of cases with open and closed obligations, escalations over 40 nights and a
 * waiting list; returns what the dashboard must show, counted here from the seed itself.
 */
export async function seedDashboard(database: Database) {
  const db = database.db;
  const today = localDate(Date.now());
  const types = readableCaseTypes('supervisor');
  // every fourth case a temporary stay, every eighth waiting, so the waiting list is never empty
  // (a random pick alone left it empty in about one run of thirty)
  const temporary = CASE_TYPE_NAMES.find((n) => n.startsWith('temporary'))!;
  const byState = [0, 0, 0, 0];
  const ageing: Record<string, number[]> = {};
  const nights: Record<string, number> = {};
  const waiting = new Map<string, number>();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  for (let i = 0; i < 60; i++) {
    const [citizen] = await db.insert(citizens).values({ cpr: fakeCpr('1940-01-01'), birthDate: '1940-01-01' }).returning({ id: citizens.id });
    const caseId = randomUUID();
    const type = i % 4 === 0 && types.includes(temporary) ? temporary : pick(types);
    await db.insert(cases).values({ id: caseId, type, citizenId: citizen!.id, workflowId: `SEED-${i}-${caseId.slice(0, 8)}`, step: 'open', openedAt: new Date() });
    for (let k = 0; k < 1 + (i % 3); k++) {
      const state = pick([...STATES, 'met', 'cancelled'] as const);
      const team = pick(TEAMS);
      const daysLate = state === 'breached' ? 1 + Math.floor(Math.random() * 40) : -3;
      const dueDay = addDays(today, -daysLate);
      const urgency = { breached: 0, at_risk: 1, on_track: 2, paused: 3, met: 9, cancelled: 9 }[state];
      await db.insert(obligations).values({
        caseId, key: `o-${k}`, kind: 'follow_up_visit', actionCode: 'follow_up_visit', actorRole: 'needs_assessor', actorTeam: team, escalateTo: 'visitation_team_lead',
        dueDay, atRiskAt: new Date(localInstant(addDays(dueDay, -2))), escalateAt: new Date(localInstant(addDays(dueDay, 1))), state, urgency, openedAt: new Date(),
      });
      const s = STATES.indexOf(state as (typeof STATES)[number]);
      if (s >= 0) byState[s]! += 1;
      if (state === 'breached') {
        const name = team ?? '(hele rollen)';
        ageing[name] ??= BUCKETS.map(() => 0);
        ageing[name]![BUCKETS.findIndex(([lo, hi]) => daysLate >= lo && daysLate <= hi)]! += 1;
      }
    }
    // escalations and warnings over the last 40 nights (only escalations of the last 30 count)
    for (let e = 0; e < i % 3; e++) {
      const back = Math.floor(Math.random() * 40);
      const night = addDays(today, -back);
      const severity = pick(['escalation', 'warning'] as const);
      await db.insert(escalations).values({
        caseId, key: `e-${e}`, kind: 'follow_up_visit', severity, recipientRole: 'visitation_team_lead', dueDay: addDays(night, -1),
        scheduledFor: new Date(localInstant(night)), firedAt: new Date(localInstant(night)), message: 'seeded',
      });
      if (severity === 'escalation' && back < 30) nights[night] = (nights[night] ?? 0) + 1;
    }
    // bed-days: a færdigmelding 10 to 70 days ago on every sixth case
    if (i % 6 === 0) await db.insert(bedDayPeriods).values({ caseId, readyAt: new Date(Date.now() - (10 + i) * 24 * HOUR) });
    if (type === temporary && i % 2 === 0) {
      const priority = pick(PRIORITY_ORDER);
      const status = i % 8 === 0 ? 'waiting' : pick(['waiting', 'waiting', 'offered'] as const);
      // some wait from a day still to come (a waiting-list date set ahead): their wait counts as 0 days, never less
      const waitingSince = i % 4 === 0 ? new Date(Date.now() + 3 * 24 * HOUR) : new Date();
      await db.insert(stayApplications).values({ caseId, citizenId: citizen!.id, placeType: 'general', purpose: 'respite', priority, waitingSince, status });
      if (status === 'waiting') waiting.set(priority, (waiting.get(priority) ?? 0) + 1);
    }
  }
  return {
    byState,
    ageing,
    nights,
    waiting: PRIORITY_ORDER.filter((p) => waiting.has(p)).map((p) => [p, waiting.get(p)!]),
  };
}
