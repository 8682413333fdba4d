/**
 * The look-up log's contract (logning af opslag): what the data-protection officer sees of the
 * look-ups on one citizen — dates and purposes (Datatilsynet's guidance on the right of access),
 * the employee only when asked for (`employees=true`).
 */
import { z } from 'zod';
import { documented, Id, Instant } from '../contract.js';
import { PURPOSE_CODES } from '../access-log.js';

export const AccessLogEntry = z.object({
  at: Instant.describe('When the citizen was looked up'),
  purpose: z.object({ code: z.enum(PURPOSE_CODES as [string, ...string[]]), en: z.string(), da: z.string() }).describe('Why (formål)'),
  use: z.string().describe('Kind of use: the route read (e.g. GET /cases/:id) or codec.decode (the Temporal Web UI)'),
  role: z.string().describe('The role of whoever looked (e.g. psychiatry_coordinator)'),
  caseId: Id.nullable().describe('The case it was read for, when one'),
  caseNumber: z.string().nullable(),
  refused: z.boolean().describe('true: an attempt the API refused (nothing was shown)'),
  userId: z.string().optional().describe('The employee: only with employees=true'),
});

export const AccessLogAnswer = documented(
  z.object({ citizenId: Id, retentionDays: z.number().int(), entries: z.array(AccessLogEntry) }),
  {
    description: 'The look-ups on one citizen, oldest first (kept for retentionDays)',
    example: {
      citizenId: '9a1e5c3d-2b4f-4e6a-8c7d-1f0e2d3c4b5a',
      retentionDays: 183,
      entries: [
        {
          at: '2026-12-01T09:12:44.120+01:00',
          purpose: { code: 'case_handling', en: 'Handling the case', da: 'Sagsbehandling' },
          use: 'GET /cases/:id',
          role: 'psychiatry_coordinator',
          caseId: '552199ac-7537-437d-94ab-5a67fc121ad7',
          caseNumber: 'PSY-2026-000042',
          refused: false,
        },
      ],
    },
  },
);
