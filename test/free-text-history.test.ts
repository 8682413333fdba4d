/**
 * No free text in workflows (issue 8, point 3): cases opened and decided through the API with a
 * marker in every free-text field; the decoded workflow history (inputs, Update arguments,
 * activity arguments, search attributes) must not contain any marker.
 *
 * The psychiatric `ward` and an external placement's `provider` travel as registry ids
 * (`psychiatric_wards`, `external_providers`).
 */
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as } from './api-helpers.js';
import { decodedText } from './test-keys.js';
import { fakeCpr } from './fixtures.js';
import { useTestStack } from './helpers.js';
import { EXTERNAL_PURCHASE_REASON_CODES } from '../domain/rules.js';

const stack = useTestStack({ temporal: 'dev', app: true });
const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Copenhagen' });

const KNOWN_IN_WORKFLOW: string[] = [];

async function post(app: FastifyInstance, url: string, token: string, payload: unknown) {
  const res = await app.inject({ method: 'POST', url, headers: as(token), payload: payload as object });
  expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
  return res.json();
}

async function decodedHistory(workflowId: string): Promise<string> {
  const handle = stack.env.client.workflow.getHandle(workflowId);
  // the payloads decrypted (docs/encryption.md): what the history holds, as the codec endpoint would show it
  const rawHistory = await handle.fetchHistory();
  const rawDescribed = (await handle.describe()).raw;
  const history = JSON.stringify(rawHistory);
  const described = JSON.stringify(rawDescribed);
  const decode = (s: string) => [...s.matchAll(/"data":"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('\n');
  return `${history}\n${described}\n${decode(history)}\n${decode(described)}\n${await decodedText(rawHistory)}\n${await decodedText(rawDescribed)}`;
}

describe('no free text in workflow histories', () => {
  it('hospital discharge and psychiatric cases: markers in every free-text field stay out of Temporal', async () => {
    const hd = await post(stack.app, '/cases', 'dev-hospital', {
      type: 'hospital_discharge',
      cpr: fakeCpr('1950-01-02'),
      receivedAt: hourAgo(),
      ward: 'MARKER-WARD-HD',
      admittedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(), // before receivedAt, whatever the clock did between the two calls
      expectedDischargeDate: today(),
      functionalLevel: 'MARKER-FUNCTIONAL',
      freeText: 'MARKER-FREETEXT',
    });
    const base = `/cases/${hd.id}/hospital-discharge`;
    await post(stack.app, `${base}/reroute`, 'dev-assessor', { to: 'SOF', reason: 'MARKER-REROUTE' });
    await post(stack.app, `${base}/vulnerability-assessment`, 'dev-assessor', { vulnerable: true, note: 'MARKER-ASSESSMENT' });
    await post(stack.app, `${base}/conference`, 'dev-coordinator', { heldAt: new Date().toISOString(), note: 'MARKER-CONFERENCE' });
    await post(stack.app, `${base}/decision`, 'dev-coordinator', {
      holisticAssessment: 'MARKER-HOLISTIC',
      decision: { kind: 'more_help_at_home', help: 'MARKER-HELP', minutesPerWeek: 60, providerStartsOn: today() },
    });

    const psy = await post(stack.app, '/cases', 'dev-hospital', {
      type: 'psychiatric_discharge',
      cpr: fakeCpr('1970-03-04'),
      notice: 'forvarsling',
      receivedAt: hourAgo(),
      ward: 'MARKER-WARD-PSY',
    });
    const p = `/cases/${psy.id}/psychiatric`;
    await post(stack.app, `${p}/long-course`, 'dev-psychiatry', { reason: 'MARKER-LONGCOURSE' });
    await post(stack.app, `${p}/involvement`, 'dev-psychiatry', { wishesForSupport: 'MARKER-WISH-SUPPORT', wishesForFuture: 'MARKER-WISH-FUTURE' });
    await post(stack.app, `${p}/disagreements`, 'dev-hospital', { regionRefusesDischarge: true, reason: 'MARKER-DISAGREE' });
    await post(stack.app, `${p}/chief-decision`, 'dev-chief', { decision: 'municipality_support_upheld', reasoning: 'MARKER-REASONING' });
    await post(stack.app, `${p}/status-meetings`, 'dev-psychiatry', { heldOn: today(), decision: 'MARKER-MEETING', participants: ['MARKER-PARTICIPANT'] });
    await post(stack.app, `${p}/withdraw`, 'dev-hospital', { reason: 'MARKER-WITHDRAW' });

    // an external place bought from a provider named in free text, then the discharge there
    const psy2 = await post(stack.app, '/cases', 'dev-hospital', {
      type: 'psychiatric_discharge',
      cpr: fakeCpr('1972-05-06'),
      notice: 'forvarsling',
      receivedAt: hourAgo(),
      ward: 'MARKER-WARD-PSY',
    });
    const p2 = `/cases/${psy2.id}/psychiatric`;
    await post(stack.app, `${p2}/involvement`, 'dev-psychiatry', { wishesForSupport: 'MARKER-WISH-SUPPORT', wishesForFuture: 'MARKER-WISH-FUTURE' });
    const bought = await post(stack.app, `${p2}/external-placement`, 'dev-psychiatry', {
      provider: 'MARKER-PROVIDER',
      reason: 'MARKER-EXTERNAL-REASON',
      reasonCode: EXTERNAL_PURCHASE_REASON_CODES[0],
    });
    expect(bought.providerId).toMatch(/^[0-9a-f-]{36}$/);
    await post(stack.app, `${p2}/discharge`, 'dev-hospital', { dischargedAt: new Date().toISOString(), destination: 'external' });
    // the coordinator still reads the provider's name on the case
    const read = await stack.app.inject({ method: 'GET', url: `/cases/${psy2.id}`, headers: as('dev-psychiatry') });
    expect(read.json().details.placement).toMatchObject({ kind: 'external', providerId: bought.providerId, provider: 'MARKER-PROVIDER' });

    const text = (await decodedHistory(hd.caseNumber)) + (await decodedHistory(psy.caseNumber)) + (await decodedHistory(psy2.caseNumber));
    const found = [...new Set([...text.matchAll(/MARKER-[A-Z-]+/g)].map((m) => m[0]))].sort();
    expect(found).toEqual(KNOWN_IN_WORKFLOW);
  });
});
