/**
 * The audit keeps only the fields a route's schema declares as codes (enums, ids, dates,
 * instants, numbers, booleans, `x-audit: code`); every free-text field is withheld whatever it
 * looks like — a bare CPR number, a one-word diagnosis.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { WITHHELD } from '../api/audit.js';
import { auditLog } from '../db/schema/index.js';
import { as, deadTemporalClient, testApp } from './api-helpers.js';
import { pgliteDatabase } from './helpers.js';

describe('audit detail', () => {
  it('free text that looks like a code or a CPR is withheld; codes, ids and dates are kept', async () => {
    const database = await pgliteDatabase();
    const app = await testApp({ database, temporal: deadTemporalClient(), taskQueue: 'none' });
    try {
      const offer = await app.inject({
        method: 'POST',
        url: '/housing-offers',
        headers: as('dev-psychiatry'),
        payload: { name: 'skizofreni', targetGroup: '0101701234', places: ['hoftebrud'] },
      });
      expect(offer.statusCode).toBe(201);
      const rates = await app.inject({
        method: 'POST',
        url: '/payments/bed-day-rates',
        headers: as('dev-chief'),
        payload: { validFrom: '2026-01-01', tiers: [{ fromDay: 1, toDay: null, dkkPerDay: 4000 }] },
      });
      const rows = await database.db.select().from(auditLog);
      const offerRow = rows.find((r) => r.path === '/housing-offers')!;
      expect(offerRow.detail).toEqual({ name: WITHHELD, targetGroup: WITHHELD, places: [WITHHELD] });
      const text = JSON.stringify(rows);
      for (const secret of ['skizofreni', '0101701234', 'hoftebrud']) expect(text).not.toContain(secret);
      if (rates.statusCode === 201) {
        const rateRow = rows.find((r) => r.path === '/payments/bed-day-rates')!;
        expect(rateRow.detail).toMatchObject({ validFrom: '2026-01-01', tiers: [{ fromDay: 1, toDay: null, dkkPerDay: 4000 }] });
      }
    } finally {
      await app.close();
      await database.close();
    }
  });
});
