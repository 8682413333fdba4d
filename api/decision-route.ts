/**
 * One decision route factory. A decision is declared as data — its URL, roles, body contract,
 * the workflow Update it becomes, its answer contract and the free texts to keep — and
 * `registerDecision` makes it a route on the one decision path (`api/decisions.ts`):
 *
 *   validate (the body contract: 400 naming the field) → authorise (the roles: 403) →
 *   idempotency (the Idempotency-Key: a repeat gets the first answer) → the Update with its
 *   validator (a refusal: 409 with the reason) → the texts, once the workflow accepted the
 *   decision (`decision_texts`, once per key) → audit (one row) → the answer, through its contract.
 *
 * Every decision on a case is registered this way; the temporary stay's offer reply and priority
 * change go to the place type's allocator on the same path (`workflowId`). Place management
 * (`POST /facilities`, `/places…`) is the one exception: it is no decision on a case (there is
 * no case id to start from) — see `api/case-types/temporary-stay/places.ts`.
 */
import type { UpdateDefinition } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { insertDecisionTextOnce } from '../db/queries/decision-texts.js';
import type { CaseTypeDefinition } from '../workflows/shared/case-type.js';
import type { Role } from './auth.js';
import type { ApiDeps } from './context.js';
import { decide, type DecisionContext } from './decisions.js';
import { unfit } from './live.js';
import { writeAfterChange } from './faults.js';
import { caseIdParams } from './schemas.js';
import { DecisionPendingAnswer } from './contract.js';

/** A free text of a decision (health details: kept in the database only, never in the workflow). */
export interface DecisionText {
  kind: string;
  body: Record<string, unknown>;
  /**
   * The instant the workflow accepted the decision (epoch ms, from the Update's result): the
   * text's date, so a text written on a retry is dated by the decision, not by the retry.
   * Without it the database's clock dates it.
   */
  at?: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Args = [any, ...any[]];

/**
 * A decision as data. `F` is what its `precheck` found (e.g. a registry id, the open application):
 * handed to `workflowId`, `args` and `answerOf` of the same request.
 */
export interface DecisionSpec<Body extends z.ZodType, R, A extends Args, Out extends z.ZodType, F = void> {
  /** The decision's URL segment: `POST /cases/:id/<case type slug>/<path>`. */
  path: string;
  summary: string;
  roles: readonly Role[];
  /** The audit row's action, e.g. `psychiatric.status_meeting.record`. */
  audit: string;
  body: Body;
  /** The answer's contract (200). */
  answer: Out;
  update: UpdateDefinition<R, A>;
  /** The Update's arguments: ids, codes, dates and epoch instants only (never free text). */
  args: (body: z.output<Body>, request: FastifyRequest, found: F) => A;
  /**
   * Whether the caller may see this case at all (e.g. a provider: only grants handed to it); not
   * → 404 before anything else is said of the case (its type, that it ended).
   */
  visible?: (row: DecisionContext['row'], request: FastifyRequest) => Promise<boolean>;
  /** Checks of the body the schema cannot make (400), before the case is read. */
  check?: (body: z.output<Body>) => void;
  /** Checks and look-ups after the case was read, before the Update (e.g. a registry id for a name). */
  precheck?: (body: z.output<Body>, ctx: DecisionContext, request: FastifyRequest) => Promise<F>;
  /** The free texts to keep once the workflow accepted the decision. */
  texts?: (body: z.output<Body>, result: R) => DecisionText[];
  /**
   * The key a text is kept under (once per case and key): `workflow` — the workflow's key of the
   * step (`result.key`; one text per decision); `update` (default) — `<kind>:<Update id>`.
   */
  textKey?: 'workflow' | 'update';
  /** The workflow that decides (default: the case's own). */
  workflowId?: (ctx: DecisionContext, body: z.output<Body>, found: F) => string | Promise<string>;
  /** The answer from the workflow's result (default: the result itself); `found` is absent for a repeat after the case ended (no precheck ran). */
  answerOf?: (result: R, body: z.output<Body>, request: FastifyRequest, found: F | undefined) => z.output<Out> | Promise<z.output<Out>>;
}

/** A decision whose types were checked where it was declared. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDecision = DecisionSpec<z.ZodType, any, Args, z.ZodType, any>;

/** Declares a decision: checks the spec's types together (body → Update arguments → answer), then erases them for the list. */
export function decision<Body extends z.ZodType, R, A extends Args, Out extends z.ZodType, F = void>(
  // without `answerOf` the workflow's result is the answer: its type must fit the answer's contract
  spec: DecisionSpec<Body, R, A, Out, F> & ([R] extends [z.output<Out>] ? unknown : { answerOf: NonNullable<DecisionSpec<Body, R, A, Out, F>['answerOf']> }),
): AnyDecision {
  return spec as unknown as AnyDecision;
}

/**
 * Writes a decision's texts, once per case and key — the workflow has accepted the decision, so
 * its answer goes whatever the database does now: a text the database does not take within
 * `AFTER_CHANGE_MS` waits in the follow-up queue and is written (dated by the acceptance) as soon
 * as it answers. A keyed repeat writes it too (once).
 */
async function keepTexts<R>(deps: ApiDeps, request: FastifyRequest, spec: { textKey?: 'workflow' | 'update' }, texts: DecisionText[], result: R, ctx: DecisionContext) {
  for (const t of texts) {
    const key = spec.textKey === 'workflow' ? (result as { key: string }).key : `${t.kind}:${ctx.updateKey}`;
    const write = () =>
      insertDecisionTextOnce(deps.database.db, {
        caseId: ctx.row.id,
        key,
        kind: t.kind,
        body: t.body,
        userId: request.user!.user,
        role: request.user!.role,
        ...(t.at !== undefined ? { at: t.at } : {}),
      });
    await writeAfterChange(deps.later, `text ${t.kind} of case ${ctx.row.id}`, write);
  }
}

/** Registers a decision of a case type as `POST /cases/:id/<slug>/<path>`. */
export function registerDecision<Body extends z.ZodType, R, A extends Args, Out extends z.ZodType, F>(
  app: FastifyInstance,
  deps: ApiDeps,
  caseType: CaseTypeDefinition & { slug: string },
  spec: DecisionSpec<Body, R, A, Out, F>,
): void {
  app.post(
    `/cases/:id/${caseType.slug}/${spec.path}`,
    {
      config: { access: [...spec.roles], audit: spec.audit },
      schema: { tags: [caseType.slug], summary: spec.summary, params: caseIdParams, body: spec.body, response: { 200: spec.answer, 202: DecisionPendingAnswer } },
    },
    async (request: FastifyRequest) => {
      const body = request.body as z.output<Body>;
      spec.check?.(body);
      /** What this request's precheck found (the decision path runs precheck → workflowId → args). */
      let found: F | undefined;
      const result = await decide(deps, request, {
        caseId: (request.params as { id: string }).id,
        caseType,
        update: spec.update,
        visible: spec.visible ? (row) => spec.visible!(row, request) : undefined,
        args: () => spec.args(body, request, found as F),
        precheck: spec.precheck
          ? async (ctx) => {
              found = await spec.precheck!(body, ctx, request);
            }
          : undefined,
        workflowId: spec.workflowId ? (ctx) => spec.workflowId!(ctx, body, found as F) : undefined,
        texts: spec.texts ? (r, ctx) => keepTexts(deps, request, spec, spec.texts!(body, r), r, ctx) : undefined,
        answerable: spec.answerOf ? undefined : (r) => !unfit(spec.answer, r),
      });
      return spec.answerOf ? spec.answerOf(result, body, request, found) : result;
    },
  );
}
