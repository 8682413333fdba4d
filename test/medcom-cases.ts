/** What the MedCom API tests do through the API: a hospital-discharge case to affect, a message the broker delivers. */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { as } from './api-helpers.js';
import type { Fixture, Scenario } from './medcom-support.js';

const HOUR = 3_600_000;

/** Opens a hospital-discharge case from a care plan received `receivedAgoMs` before `now` (an admission three days before). */
export async function carePlanCase(app: FastifyInstance, cpr: string, o: { now: number; receivedAgoMs: number; expectedDischargeDate?: string }) {
  const res = await app.inject({
    method: 'POST',
    url: '/cases',
    headers: as('dev-hospital'),
    payload: {
      type: 'hospital_discharge',
      cpr,
      receivedAt: new Date(o.now - o.receivedAgoMs).toISOString(),
      ward: 'Herlev Hospital, afsnit 1',
      admittedAt: new Date(o.now - 3 * 24 * HOUR).toISOString(),
      ...(o.expectedDischargeDate ? { expectedDischargeDate: o.expectedDischargeDate } : {}),
      functionalLevel: 'FSIII',
      freeText: 'x',
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; caseNumber: string };
}

/** Delivers a fixture as the broker does (no Idempotency-Key) and expects a positive acknowledgement. */
export async function deliverOk(app: FastifyInstance, s: Scenario, name: Fixture): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: '/medcom/hospital-notifications',
    headers: { ...as('dev-hospital'), 'content-type': 'application/fhir+json', 'idempotency-key': undefined },
    payload: JSON.stringify(s.json(name)),
  });
  expect(res.statusCode, res.body).toBe(200);
  expect(JSON.stringify(res.json())).toContain('"code":"ok"');
}
