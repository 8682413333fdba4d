/**
 * Contracts: every request and response shape is one zod definition, used three ways — as the
 * TypeScript type (`z.infer` / `z.input`), as the route's Fastify schema (a request that does not
 * fit is a 400 naming the field; an answer is encoded through its contract, so a field that is
 * not in it never leaves the API), and as the OpenAPI document (`api/openapi.ts`). Each case type
 * and route group keeps its contracts beside its routes; the building blocks every one of them
 * uses live here.
 *
 * Time at the edges has one format: an instant is ISO 8601 with the Copenhagen offset
 * (`2026-11-20T10:00:00+01:00`), a day is `YYYY-MM-DD`. A handler may hand an answer's instant
 * over as epoch milliseconds (the workflows' clock), a `Date` (a database row) or an ISO string:
 * the contract's `Instant` writes it in the one format.
 */
import { z } from 'zod';
import { formatLocal } from '../domain/calendar.js';

type Example<T> = { description?: string; example?: T };

/** Attaches a description and an example (shown in the OpenAPI document). */
export function documented<S extends z.ZodType>(schema: S, meta: Example<z.input<S>>): S {
  return schema.meta(meta as Record<string, unknown>) as S;
}

const toMillis = (v: number | string | Date): number => (typeof v === 'number' ? v : v instanceof Date ? v.getTime() : Date.parse(v));

/**
 * An instant in an answer: ISO 8601 with the Copenhagen offset. What a handler may hand over:
 * epoch ms, a Date or an ISO string (with any offset).
 */
export const Instant = z
  .codec(z.iso.datetime({ offset: true }), z.union([z.number(), z.string(), z.date()]), {
    decode: (s) => s,
    encode: (v) => formatLocal(toMillis(v)),
  })
  .meta({ description: 'An instant: ISO 8601 with the Copenhagen offset', example: '2026-11-20T10:00:00+01:00' });

/** A Copenhagen calendar day, `YYYY-MM-DD`. */
export const Day = z.iso.date().meta({ example: '2026-11-20' });

/** A UUID (case, citizen, place, offer, task …). */
export const Id = z.uuid();

/** An integer amount of money in DKK with øre (two decimals). */
export const Dkk = z.number();

/** A field the answer always carries, null where there is nothing (e.g. an open period's end). */
export const nullable = <S extends z.ZodType>(s: S) => s.nullable();

/** The error every non-2xx answer has (see `api/errors.ts`). */
export const ErrorAnswer = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  allowedRoles: z.array(z.string()).optional(),
  dependency: z.enum(['database', 'temporal', 'worker', 'audit', 'capacity']).optional(),
});

/**
 * 202 to an intake (`POST /cases`, `POST /temporary-stays`): Temporal took the case's start but
 * no worker confirmed it in time. The case is being opened — it was not
 * refused and nothing more is needed than the repeat with the same Idempotency-Key, which
 * answers 201 once the case can take decisions (`Location` names the case, `Retry-After` when).
 */
export const CaseOpeningAnswer = documented(
  z.object({
    id: Id,
    workflowId: z.string(),
    caseNumber: z.string(),
    type: z.string(),
    pending: z.literal(true),
    waitingFor: z.enum(['worker']).describe('what has not confirmed the case yet: no worker took its first task in time'),
  }),
  {
    description: 'The case is being opened (accepted, not yet confirmed): repeat with the same Idempotency-Key for the 201',
    example: { id: '552199ac-7537-437d-94ab-5a67fc121ad7', workflowId: 'PSY-2026-000002', caseNumber: 'PSY-2026-000002', type: '(the case type of the intake)', pending: true, waitingFor: 'worker' },
  },
);

/**
 * 202 to a decision whose wait ran out after the workflow accepted it (`accepted`: it has
 * happened, its answer is not known yet), or while a worker was deciding it (`deciding`: it may
 * still be accepted or refused). Not a 503: the repeat with the same Idempotency-Key answers with
 * the outcome (200, 409) once it is known; its free texts are kept as soon as it is.
 */
export const DecisionPendingAnswer = documented(
  z.object({
    pending: z.literal(true),
    state: z.enum(['accepted', 'deciding']).describe('accepted: the decision has happened, its answer follows; deciding: a worker is deciding it now'),
    message: z.string(),
  }),
  {
    description: 'The decision is pending (accepted, or being decided): repeat with the same Idempotency-Key for its answer',
    example: { pending: true, state: 'accepted', message: 'the case accepted the decision; its answer is not known yet: repeat with the same Idempotency-Key' },
  },
);

/**
 * The JSON schema of an answer's contract as the client receives it (the encoded side: an
 * `Instant` is a string), for the OpenAPI document. Its `description` and `example` come from
 * the contract's meta.
 */
export function answerJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return withoutDatePatterns(z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' })) as Record<string, unknown>;
}

/**
 * `format: date-time` / `date` say it all: the long regular expressions zod adds beside them only
 * clutter the document. And a nullable enum lists null (OpenAPI 3.0).
 */
function withoutDatePatterns(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDatePatterns);
  if (!node || typeof node !== 'object') return node;
  const o = { ...(node as Record<string, unknown>) };
  // OpenAPI 3.0: a nullable enum must list null among its values, or a validator refuses the null
  if (o.nullable === true && Array.isArray(o.enum) && !o.enum.includes(null)) o.enum = [...o.enum, null];
  const dated = o.format === 'date-time' || o.format === 'date';
  return Object.fromEntries(
    Object.entries(o)
      .filter(([k]) => !(dated && k === 'pattern'))
      .map(([k, v]) => [k, k === 'example' || k === 'enum' ? v : withoutDatePatterns(v)]),
  );
}

// ---- shapes every case type shows ---------------------------------------------------------------

/** How a case stands: its worst open obligation (null: nothing open). */
export const SlaState = z.enum(['on_track', 'at_risk', 'breached', 'paused']).describe('paused: every open obligation stands still while the citizen is on leave (orlov)');

/** An action someone must take, as a code with an English and a Danish label. */
export const Action = z.object({ code: z.string(), en: z.string(), da: z.string() });

/** One obligation (frist) of a case: who acts, by when, and how it stands. */
export const ObligationAnswer = z.object({
  key: z.string(),
  kind: z.string(),
  action: Action,
  actor: z.object({ role: z.string(), team: z.string().optional() }),
  escalateTo: z.string(),
  dueDay: Day,
  atRiskAt: Instant,
  escalationAt: Instant,
  state: z.enum(['on_track', 'at_risk', 'breached', 'paused', 'met', 'met_late', 'cancelled']),
  warnings: z.array(z.object({ key: z.string(), at: Instant, firedAt: Instant.optional() })).optional(),
  openedAt: Instant,
  atRiskSince: Instant.optional(),
  breachedAt: Instant.optional(),
  closedAt: Instant.optional(),
  pausedSince: Instant.optional().describe('Paused (the citizen is on leave, orlov) since'),
  pausedMs: z.number().int().optional().describe('How long it has stood paused in all (ms): its instants moved by as much'),
});

/** The SLA part of every case workflow's status (the case core's view). */
export const CaseCoreAnswer = z.object({
  slaState: SlaState.nullable(),
  nextDueAt: Instant.optional(),
  nextDueDay: Day.optional(),
  escalated: z.boolean(),
  citizenOnLeaveSince: Instant.optional().describe('The citizen is on leave from the hospital (orlov, MedCom STOR) since'),
  obligations: z.array(ObligationAnswer),
});
