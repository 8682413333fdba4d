/**
 * Need to know (issue 8, point 7): every (role, case type) pair of `GET /cases/:id` against the
 * matrix in api/need-to-know.ts — who reads at all, who sees the CPR and birth date, who only an
 * age band. The supervisor's answer holds neither the CPR nor the birth date anywhere.
 */
import { describe, expect, it } from 'vitest';
import { CASE_READ_MATRIX, type CaseTypeName } from '../api/need-to-know.js';
import { as, tokens } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'dev', app: true });
const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

async function openAll(): Promise<Record<CaseTypeName, { id: string; cpr: string; birth: string }>> {
  const psyCpr = fakeCpr('1961-03-04');
  const psy = await stack.app.inject({
    method: 'POST',
    url: '/cases',
    headers: as('dev-hospital'),
    payload: { type: 'psychiatric_discharge', cpr: psyCpr, notice: 'forvarsling', receivedAt: hourAgo(), ward: 'Psykiatrisk Center Amager' },
  });
  expect(psy.statusCode, psy.body).toBe(201);
  const hdCpr = fakeCpr('1944-07-08');
  const hd = await stack.app.inject({
    method: 'POST',
    url: '/cases',
    headers: as('dev-hospital'),
    payload: { type: 'hospital_discharge', cpr: hdCpr, receivedAt: hourAgo(), ward: 'Bispebjerg, afsnit 42', admittedAt: hourAgo(), functionalLevel: 'FSIII 3' },
  });
  expect(hd.statusCode, hd.body).toBe(201);
  const tsCpr = fakeCpr('1939-11-12');
  const ts = await stack.app.inject({
    method: 'POST',
    url: '/temporary-stays',
    headers: as('dev-assessor'),
    payload: { cpr: tsCpr, eligible: true, placeType: 'rehabilitering', purpose: 'rehabilitation', priority: 'middel' },
  });
  expect(ts.statusCode, ts.body).toBe(201);
  return {
    psychiatric_discharge: { id: psy.json().id, cpr: psyCpr, birth: '1961-03-04' },
    hospital_discharge: { id: hd.json().id, cpr: hdCpr, birth: '1944-07-08' },
    temporary_stay: { id: ts.json().id, cpr: tsCpr, birth: '1939-11-12' },
  };
}

describe('need to know: GET /cases/:id', () => {
  it('every (role, case type) pair follows the matrix', async () => {
    const opened = await openAll();
    let pairs = 0;
    for (const [token, user] of tokens) {
      for (const [type, c] of Object.entries(opened) as [CaseTypeName, (typeof opened)[CaseTypeName]][]) {
        const res = await stack.app.inject({ method: 'GET', url: `/cases/${c.id}`, headers: as(token) });
        const view = CASE_READ_MATRIX[type][user.role];
        const where = `${user.role} reads ${type}`;
        pairs++;
        if (!view) {
          expect(res.statusCode, where).toBe(403);
          expect(res.body, where).not.toContain(c.cpr);
          continue;
        }
        expect(res.statusCode, `${where}: ${res.body}`).toBe(200);
        const citizen = res.json().citizen;
        if (type === 'psychiatric_discharge') {
          // the ward is a registry id in the case (and the workflow); its name only for those who see the CPR
          expect(res.json().details.wardId, where).toMatch(/^[0-9a-f-]{36}$/);
          if (view === 'cpr') expect(res.json().details.ward, where).toBe('Psykiatrisk Center Amager');
          else expect(res.body, where).not.toContain('Psykiatrisk Center Amager');
        }
        if (view === 'cpr') {
          expect(citizen, where).toMatchObject({ cpr: c.cpr, birthDate: c.birth });
        } else {
          expect(citizen.cpr, where).toBeUndefined();
          expect(citizen.birthDate, where).toBeUndefined();
          expect(citizen.ageBand, where).toMatch(/^\d+-\d+$|^100\+$/);
          expect(res.body, where).not.toContain(c.cpr);
          expect(res.body, where).not.toContain(c.cpr.slice(0, 6));
          expect(res.body, where).not.toContain(c.birth);
        }
      }
    }
    expect(pairs).toBe(tokens.size * 3);
  });
});
