/**
 * The one decision path for every case type. Before `decide` runs, the route's zod schemas
 * have validated the request (400), `auth.ts` has authorised the role (401/403) and
 * `idempotency.ts` has claimed the key (a repeat waits for or replays the first answer). Then:
 *
 * 1. the case: unknown → 404; another case type → 409; ended → 409;
 * 2. the decision goes to the deciding workflow as an Update with a validator, its id derived
 *    from the Idempotency-Key (so a repeat reaches the workflow once); a refusal → 409 with the
 *    validator's reason; no worker or no Temporal in time → 503 (`faults.ts`);
 * 3. only once the workflow accepted it, the decision's free text is written to the database,
 *    once (keyed by case and the workflow's key or the Update id);
 * 4. the audit hook writes the one audit row, and the workflow's answer goes back.
 *
 * Route files only declare routes: schema, roles, audit name, and which Update with which
 * arguments and texts.
 *
 * An intake (`POST /cases`, `POST /temporary-stays`) takes the same path with `intake` +
 * `startCase`: the case id from the Idempotency-Key (bound to its request for as long as the case
 * exists; a repeat whose case exists and is usable gets the first answer), the case number
 * reserved in the database (one open case of a type per citizen where the type says so), then one
 * call to Temporal — the workflow's start together with the `caseOpened` Update
 * (update-with-start), whose answer comes once the rows the next decisions need are written; a
 * repeat attaches to the same run and the same Update.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowIdReusePolicy, WorkflowNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError, WorkflowUpdateStage, type UpdateDefinition, type Workflow, type WorkflowHandle } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getCase } from '../db/queries/cases.js';
import type { CaseTypeDefinition } from '../workflows/shared/case-type.js';
import { caseOpenedUpdate } from '../workflows/shared/messages.js';
import { CaseTypeKey } from '../workflows/shared/search-attributes.js';
import { reserveCase } from './case-numbers.js';
import { reservedRequestHash, type OpenCase } from '../db/queries/case-mirror.js';
import type { Role } from './auth.js';
import type { ApiDeps } from './context.js';
import { conflict, conflictForNow, HttpError, notFound, updateRefusal } from './errors.js';
import { DependencyUnavailable, RETRY_AFTER_SECONDS, temporalUnavailable, unreachable, whoDidNotAnswer } from './faults.js';
import { arrivedTooLate, DecisionPending, lastLook, whenDecided } from './late-decisions.js';
import { newIdFor, updateIdFor } from './idempotency.js';
import { caseViewOrForbid, type CitizenView } from './need-to-know.js';

export type CaseRow = NonNullable<Awaited<ReturnType<typeof getCase>>>;

/** 409 for a case of another type than the route's. */
function ofType(row: CaseRow, caseType: CaseTypeDefinition): void {
  if (row.type !== caseType.name) throw conflict(`case ${row.id} is a ${row.type} case, not a ${caseType.label.en}`);
}

/**
 * The case a read route shows, and the role's view of its citizen (need to know): no case → 404;
 * a case type the role does not read → 403; with `caseType`, a readable case of another type → 409.
 */
export async function readableCase(
  db: ApiDeps['database']['db'],
  role: Role,
  caseId: string,
  caseType?: CaseTypeDefinition,
): Promise<{ row: CaseRow; view: CitizenView }> {
  const row = await getCase(db, caseId);
  if (!row) throw notFound(`no case ${caseId}`);
  const view = caseViewOrForbid(role, row.type);
  if (caseType) ofType(row, caseType);
  return { row, view };
}

export interface DecisionContext {
  row: CaseRow;
  /** The Update id: derived from the Idempotency-Key, or fresh. Also the key of the decision's texts. */
  updateKey: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Decision<R, A extends [any, ...any[]]> {
  caseId: string;
  caseType: CaseTypeDefinition;
  update: UpdateDefinition<R, A>;
  args: (ctx: DecisionContext) => A;
  /** A fixed Update id (one Update per object, e.g. per task), instead of one from the Idempotency-Key. */
  updateId?: string;
  /** The workflow that decides; default the case's own (the allocator decides offers and priorities). */
  workflowId?: (ctx: DecisionContext) => string | Promise<string>;
  /** Whether the caller may see the case at all; not → 404, before its type or state is named. */
  visible?: (row: DecisionContext['row']) => Promise<boolean>;
  /** More checks before the Update (e.g. the temporary-stay application is still open). */
  precheck?: (ctx: DecisionContext) => Promise<void>;
  /** Writes the decision's free text once the workflow has accepted it (idempotent: once per key). */
  texts?: (result: R, ctx: DecisionContext) => Promise<void>;
  /** Whether an outcome recorded earlier (possibly by an older version) can still be answered; if not, the repeat gets the 409 of an ended case. */
  answerable?: (result: R) => boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function decide<R, A extends [any, ...any[]]>(deps: ApiDeps, request: FastifyRequest, d: Decision<R, A>): Promise<R> {
  const row = await getCase(deps.database.db, d.caseId);
  if (!row || (d.visible && !(await d.visible(row)))) throw notFound(`no case ${d.caseId}`);
  request.auditCaseId = row.id;
  ofType(row, d.caseType);
  const repeatKey = d.updateId ?? updateIdFor(request);
  if (row.closedAt) {
    // A repeat (same Idempotency-Key) of the very decision that ended the case, whose first answer
    // was lost: the workflow still has that Update's outcome — answer with it, write its text once.
    const first = repeatKey ? await firstOutcome<R>(deps, d.workflowId ? undefined : row.workflowId, repeatKey) : undefined;
    if (!first || (d.answerable && !d.answerable(first.result))) throw conflict(`the case has ended (${row.outcome ?? 'closed'})`);
    const ctx: DecisionContext = { row, updateKey: repeatKey! };
    await d.texts?.(first.result, ctx);
    return first.result;
  }
  const ctx: DecisionContext = { row, updateKey: repeatKey ?? randomUUID() };
  await d.precheck?.(ctx);
  const workflowId = d.workflowId ? await d.workflowId(ctx) : row.workflowId;
  const handle = deps.temporal.workflow.getHandle(workflowId);
  // admitted first (a bounded queue): a decision the workers cannot take in time is told so before it is sent
  const result = await deps.admission.run(() => sendUpdate(deps, handle, d, ctx, row)).catch((err) => {
    // accepted (or being decided) but the outcome is not known yet: 202 — its texts are kept once it is
    if (err instanceof DecisionPending && d.texts) whenDecided<R>(deps.temporal, err, (r) => d.texts!(r, ctx), (msg) => request.log.warn(msg));
    throw err;
  });
  await d.texts?.(result, ctx);
  return result;
}

/**
 * The Update, with what its answer means: a result (applied: 200), a refusal (409), accepted
 * but its outcome not known yet (`DecisionPending`: 202), or 503 — after which it cannot take
 * effect any more (`late-decisions.ts`): the wait ran out before any workflow task took it and a
 * last look found it neither accepted nor being decided, or it reached the workflow after its
 * instant. A repeat of the key that met an earlier attempt refused that way is sent once more.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function sendUpdate<R, A extends [any, ...any[]]>(deps: ApiDeps, handle: WorkflowHandle, d: Decision<R, A>, ctx: DecisionContext, row: CaseRow): Promise<R> {
  const sentAt = Date.now();
  const start = () => handle.startUpdate(d.update, { args: d.args(ctx), updateId: ctx.updateKey, waitForStage: WorkflowUpdateStage.ACCEPTED });
  const run = async () => {
    // accepted (or refused) first: once the workflow has accepted it, the decision has happened
    const accepted = await start().catch((err) => (arrivedTooLate(err) ? start() : Promise.reject(err)));
    return accepted.result().catch((err) => {
      if (arrivedTooLate(err)) return start().then((again) => again.result());
      if (timedOut(err)) throw new DecisionPending(handle.workflowId, ctx.updateKey, 'accepted');
      throw err;
    });
  };
  try {
    return await run();
  } catch (err) {
    if (err instanceof DecisionPending) throw err;
    if (arrivedTooLate(err)) throw new DependencyUnavailable('worker');
    if (timedOut(err)) {
      const verdict = await lastLook<R>(deps.temporal, handle, ctx.updateKey, sentAt);
      if (verdict.kind === 'result') return verdict.result;
      if (verdict.kind === 'refused') throw arrivedTooLate(verdict.error) ? new DependencyUnavailable('worker') : verdict.error;
      if (verdict.kind !== 'not-applied') throw new DecisionPending(handle.workflowId, ctx.updateKey, verdict.kind);
      throw err;
    }
    if (updateRefusal(err) !== undefined || err instanceof HttpError || temporalUnavailable(err)) throw err;
    // the workflow ended between the database read and the Update
    const described = await handle.describe().catch(() => undefined);
    if (err instanceof WorkflowNotFoundError || (described && described.status.name !== 'RUNNING')) {
      throw conflict(`the case has ended (${row.outcome ?? described?.status.name.toLowerCase() ?? 'closed'})`);
    }
    throw err;
  }
}

/** The wait for Temporal ran out, but the server took the call (not: the server could not be reached). */
function timedOut(err: unknown): boolean {
  return err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || (temporalUnavailable(err) && !unreachable(err));
}

/** The outcome of an Update already accepted by a (now closed) case's workflow, if there is one. */
async function firstOutcome<R>(deps: ApiDeps, workflowId: string | undefined, updateId: string): Promise<{ result: R } | undefined> {
  if (!workflowId) return undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = deps.temporal.workflow.getHandle(workflowId).getUpdateHandle<R>(updateId).result();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no outcome')), 3_000);
    });
    return { result: (await Promise.race([outcome, timeout])) as R };
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** What an intake answers (201), also to a repeat whose first answer was lost. */
export interface Opened {
  id: string;
  workflowId: string;
  caseNumber: string;
  type: string;
}

/** An intake whose workflow Temporal took but did not confirm in time (no worker, or the server slowed): answered 202. */
export class CaseOpening extends Error {
  constructor(
    readonly caseNumber: string,
    readonly type: string,
    readonly waitingFor: 'worker',
  ) {
    super('the case is being opened');
  }
}

/** What `open` reports: the case it opened, or (`repeatOf`) the citizen's open case a repeated notice was re-pointed to. */
export type OpenResult = Omit<Opened, 'id'> & { repeatOf?: string };

/**
 * The intake path: the case id (derived from the Idempotency-Key, so a repeat opens nothing
 * new), the audit's case, then:
 *
 * - the key is bound to its request for as long as the case exists: the request hash kept with
 *   the case number must match (another body → 422, also after the key's TTL);
 * - a repeat whose case exists is answered as the first time (201) — once the case is `usable`
 *   (every row its next decisions need is written); until then it takes the opening path again,
 *   which attaches to the running workflow and its `caseOpened` Update (no worker → 503);
 * - else `open` (the route's own checks and texts, then `startCase`): 201, or 200 with the open
 *   case's id and `repeatedNotice` when it re-pointed to the citizen's open case (audited there).
 */
export async function intake(
  deps: ApiDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  open: (caseId: string) => Promise<OpenResult>,
  usable?: (row: CaseRow) => Promise<boolean>,
): Promise<FastifyReply> {
  const caseId = newIdFor(request);
  request.auditCaseId = caseId;
  const bound = await reservedRequestHash(deps.database.db, caseId);
  if (bound && request.idempotencyHash && bound !== request.idempotencyHash) {
    // the idempotency layer's own answer, from the binding kept with the case: nothing changed, no audit row
    request.idempotencyAnswered = true;
    throw new HttpError(422, 'Idempotency-Key already used with a different request body; use a new key for a new request');
  }
  const existing = await getCase(deps.database.db, caseId);
  if (existing && (existing.closedAt || !usable || (await usable(existing)))) {
    return reply.code(201).send({ id: caseId, workflowId: existing.workflowId, caseNumber: existing.workflowId, type: existing.type } satisfies Opened);
  }
  let result: OpenResult;
  try {
    result = await open(caseId);
  } catch (err) {
    if (!(err instanceof CaseOpening)) throw err;
    request.auditNote = { pending: true, waitingFor: err.waitingFor };
    return reply
      .code(202)
      .header('location', `/cases/${caseId}`)
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .send({
        id: caseId,
        workflowId: err.caseNumber,
        caseNumber: err.caseNumber,
        type: err.type,
        pending: true,
        waitingFor: err.waitingFor,
      });
  }
  const { repeatOf, ...opened } = result;
  if (repeatOf) {
    request.auditCaseId = repeatOf;
    request.auditNote = { repeatedNotice: true };
    return reply.code(200).send({ id: repeatOf, ...opened, repeatedNotice: true });
  }
  return reply.code(201).send({ id: caseId, ...opened } satisfies Opened);
}

/**
 * Whether a citizen's open case takes a second intake of its type (one open case of a type per
 * citizen): returns to re-point the intake to it (a repeated notice), throws 409 naming it to
 * refuse. A case still being opened is always refused (409: retry in a moment).
 */
export type OneOpenCase = (open: OpenCase & { details: Record<string, unknown> }) => void;

/**
 * Starts a case's workflow and waits until its row is written, in one call: update-with-start
 * (`caseOpened`, a fixed update id). The workflow id is the case number, reserved in the
 * database first, with the citizen and the intake's request hash; with `oneOpen`, a citizen who
 * already has an open case of the type gets no reservation: the intake is re-pointed to that
 * case (`repeatOf`) or refused (409). A case id runs one workflow, ever (`REJECT_DUPLICATE`); a
 * repeat while it runs attaches to it (`USE_EXISTING`) and to the same Update.
 */
export async function startCase<T extends Workflow>(
  deps: ApiDeps,
  c: {
    caseId: string;
    caseType: CaseTypeDefinition;
    workflow: T;
    args: Parameters<T>;
    summary: string;
    citizenId: string;
    requestHash?: string;
    oneOpen?: OneOpenCase;
  },
): Promise<{ workflowId: string; caseNumber: string; duplicateOf?: string; repeatOf?: string }> {
  const reserved = await reserveCase(deps.database.db, {
    caseId: c.caseId,
    type: c.caseType,
    citizenId: c.citizenId,
    oneOpen: c.oneOpen !== undefined,
    ...(c.requestHash ? { requestHash: c.requestHash } : {}),
  });
  if ('open' in reserved) {
    const { open } = reserved;
    if (!open.details) throw conflictForNow(`the citizen's ${c.caseType.label.en} case ${open.caseNumber} is being opened; retry in a moment`);
    c.oneOpen!({ ...open, details: open.details });
    return { workflowId: open.caseNumber, caseNumber: open.caseNumber, repeatOf: open.caseId };
  }
  const workflowId = reserved.caseNumber;
  const opened = await deps.temporal.workflow
    .executeUpdateWithStart(caseOpenedUpdate, {
    updateId: 'case-opened',
    startWorkflowOperation: new WithStartWorkflowOperation(c.workflow, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: c.args as never,
      typedSearchAttributes: [{ key: CaseTypeKey, value: c.caseType.name }],
      staticSummary: c.summary,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }),
    })
    .catch(async (err) => {
      // Temporal took the call (the start is durable) but did not confirm the case in time: it is
      // opening, not refused — 202, and the same key's repeat answers 201 once it is usable
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || (temporalUnavailable(err) && !unreachable(err))) {
        // the server itself not answering: 503 — the repeat with the same key finds the case if it had started
        if ((await whoDidNotAnswer(deps.temporal, err)) === 'worker' && (await started(deps, workflowId))) throw new CaseOpening(workflowId, c.caseType.name, 'worker');
        throw new DependencyUnavailable('temporal');
      }
      throw err;
    });
  return { workflowId, caseNumber: opened.caseNumber, ...(opened.duplicateOf ? { duplicateOf: opened.duplicateOf } : {}) };
}

/** Whether the case's workflow exists (its start went through), asked with a short deadline. */
async function started(deps: ApiDeps, workflowId: string): Promise<boolean> {
  try {
    await deps.temporal.withDeadline(Date.now() + 500, () => deps.temporal.workflow.getHandle(workflowId).describe());
    return true;
  } catch {
    return false;
  }
}
