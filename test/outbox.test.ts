/** The outbox: one message per (case, key), rendered from its template, the appeal guidance on every decision letter. */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { insertCaseOnce, upsertCitizen } from '../db/queries/cases.js';
import { outboxOfCase, putInOutboxOnce, markOutboxSent } from '../db/queries/outbox.js';
import { outbox, outboxTemplates } from '../db/schema/index.js';
import { createActivities } from '../activities/index.js';
import { complaintDeadline, renderLetterText, MissingLetterFact, placeholdersOf } from '../domain/letters.js';
import { fakeCpr } from './fixtures.js';
import { testDatabase } from './helpers.js';

describe('letters (pure)', () => {
  it('states the complaint deadline 4 weeks on, the same weekday, across a daylight-saving change', () => {
    expect(complaintDeadline('2026-03-10')).toBe('2026-04-07');
    expect(complaintDeadline('2026-10-20', 4)).toBe('2026-11-17');
    expect(complaintDeadline('2026-12-15', 6)).toBe('2027-01-26');
  });

  it('fills placeholders, prints null as a dash and refuses a missing fact', () => {
    expect(renderLetterText('t', 'a {{x}} b {{ y }} {{z}}', { x: 5, y: null, z: true })).toBe('a 5 b – ja');
    expect(() => renderLetterText('t', '{{missing}}', {})).toThrow(MissingLetterFact);
    expect(placeholdersOf('{{a}} {{b}} {{a}}')).toEqual(['a', 'b']);
  });
});

describe('outbox (PostgreSQL)', () => {
  let database: Database;
  let caseId: string;
  let citizenId: string;
  beforeAll(async () => {
    database = await testDatabase();
    citizenId = await upsertCitizen(database.db, fakeCpr(), '1940-02-02');
    caseId = randomUUID();
    await insertCaseOnce(database.db, { caseId, type: 'test_case', citizenId, workflowId: `T-${caseId}`, step: 'open', details: {}, openedAt: new Date() });
    await database.db
      .insert(outboxTemplates)
      .values([
        { code: 'test_decision', addresseeKind: 'citizen', subject: 'Afgørelse {{caseNumber}}', body: 'Bevilget {{minutes}} minutter.', complaintGuidance: true },
        { code: 'test_provider', addresseeKind: 'provider', subject: 'Besked {{caseNumber}}', body: 'Start {{startsOn}}.' },
      ])
      .onConflictDoNothing();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('writes a decision letter once, with the appeal guidance and its deadline, however often it is repeated', async () => {
    const m = { caseId, key: 'letter:grant', addressee: { kind: 'citizen' as const, id: citizenId }, template: 'test_decision', facts: { caseNumber: 'BEV-2026-000001', minutes: 15 }, decidedOn: '2026-03-24' };
    const [a, b] = await Promise.all([putInOutboxOnce(database.db, m, 4), putInOutboxOnce(database.db, m, 4)]);
    expect(a.id).toBe(b.id);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    const rows = await outboxOfCase(database.db, caseId, 'citizen');
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ subject: 'Afgørelse BEV-2026-000001', addresseeId: citizenId, templateCode: 'test_decision', complaintBy: '2026-04-21', sentAt: null });
    expect(row.body).toMatch(/^Bevilget 15 minutter\.\n\nKlagevejledning\n/);
    expect(row.body).toContain('senest 4 uger efter');
    expect(row.body).toContain('Modtager du brevet den 2026-03-24, er sidste frist den 2026-04-21');
    expect(row.facts).toMatchObject({ minutes: 15, decidedOn: '2026-03-24' });
    expect(await markOutboxSent(database.db, row.id)).toBe(true);
    expect(await markOutboxSent(database.db, row.id)).toBe(false);
  });

  it('a message to a provider carries no appeal guidance', async () => {
    const providerId = randomUUID();
    await putInOutboxOnce(database.db, { caseId, key: `provider:start:${providerId}`, addressee: { kind: 'provider', id: providerId }, template: 'test_provider', facts: { caseNumber: 'BEV-2026-000001', startsOn: '2026-03-25' }, decidedOn: '2026-03-24' }, 4);
    const [row] = await outboxOfCase(database.db, caseId, 'provider');
    expect(row).toMatchObject({ addresseeId: providerId, body: 'Start 2026-03-25.', complaintBy: null });
  });

  it('the activity: an unknown template, a template for another addressee or a missing fact is final (non-retryable)', async () => {
    const acts = createActivities(database.db);
    const env = new MockActivityEnvironment();
    const base = { caseId, addressee: { kind: 'citizen' as const, id: citizenId }, facts: { caseNumber: 'X' }, decidedOn: '2026-03-24' };
    for (const [key, template] of [['k1', 'no_such_template'], ['k2', 'test_provider'], ['k3', 'test_decision']] as const) {
      const err = await env.run(acts.putInOutbox, { ...base, key, template }).catch((e: unknown) => e as { nonRetryable?: boolean });
      expect(err).toMatchObject({ nonRetryable: true });
    }
    expect((await database.db.select().from(outbox).where(eq(outbox.caseId, caseId))).map((r) => r.key).sort()).toEqual(['letter:grant', expect.stringMatching(/^provider:start:/)]);
    const ok: { created: boolean } = await env.run(acts.putInOutbox, { ...base, key: 'k4', template: 'test_decision', facts: { caseNumber: 'X', minutes: 10 } });
    expect(ok.created).toBe(true);
  });
});
