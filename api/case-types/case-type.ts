/**
 * A case type as one module. Everything particular to a case type is declared in its own folders
 * — `workflows/<case type>/` (its process, its name, prefix and labels in `case-type.ts`) and
 * `api/case-types/<case type>/` (who reads it, its routes and their contracts) — and the module
 * is registered in the one list, `api/case-types/index.ts`. No other file names a case type
 * (`test/case-type-names.test.ts` checks it); docs/adding-a-case-type.md is the recipe.
 */
import type { UpdateDefinition } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { BedKind } from '../../db/queries/payments.js';
import type { CitizenEvent } from '../../domain/hospital-episodes.js';
import type { ObligationKind } from '../../domain/rules.js';
import type { CaseTypeDefinition } from '../../workflows/shared/case-type.js';
import type { ApiDeps } from '../context.js';
import type { User } from '../auth.js';
import type { CitizenView, ReadRoute, Readers } from '../need-to-know.js';
import type { Db } from '../../db/client.js';

/** How a case of this type opens through `POST /cases` (a type whose intake has its own route has none). */
export interface CaseIntake<Body extends z.ZodType = z.ZodType> {
  /** The request body: an object whose `type` is the case type's name. */
  body: Body;
  /** Instants of the body that must not lie before the citizen's birth (field → value). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  instants: (body: any) => Record<string, string | undefined>;
  /** Checks before anything is written (e.g. only the hospital sends care plans: 403). */
  authorise?: (request: FastifyRequest) => void;
  /**
   * Writes what the case keeps in the database and starts its workflow (`startCase`, with the
   * intake's request hash; with `oneOpen` where the sources say one open case of the type per
   * citizen: `repeatOf` when the intake was re-pointed to the citizen's open case).
   */
  open: (
    deps: ApiDeps,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    o: { caseId: string; citizenId: string; body: any; keyed: boolean; requestHash?: string },
  ) => Promise<{ workflowId: string; caseNumber: string; repeatOf?: string }>;
}

/**
 * How an open case reacts to a hospital event of its citizen (a MedCom HospitalNotification:
 * admitted, discharged, died): an Update on the one decision path, or a note that someone must
 * review it by hand (the case type has no such step).
 */
export type HospitalEventReaction =
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  | { kind: 'update'; update: UpdateDefinition<any, [any]>; args: [unknown] }
  | { kind: 'review'; reason: string };

export interface CaseTypeModule<Name extends string = string> extends CaseTypeDefinition<Name> {
  /** The URL segment of its decisions and reads: `/cases/:id/<slug>/…` (also its folders' name). */
  slug: string;
  /** Need to know: the roles that read it, and what each sees of the citizen (its row of the read matrix). */
  readers: Readers;
  /** The kind of bed its bed-days are paid at. */
  bedDayKind: BedKind;
  /** The obligation kinds (frister) its workflow opens (their rules are in `domain/rules.ts`). */
  obligationKinds: readonly ObligationKind[];
  /** The workflow's live status as `GET /cases/:id` shows it (`live`). */
  status: z.ZodType;
  /** The case's non-sensitive facts for lists (`details`, the `cases.details` column). */
  details: z.ZodType;
  /** The live status as a reader sees them (default as the workflow answers). */
  showStatus?: (status: unknown, view: CitizenView) => unknown;
  /** The details as a reader sees them (e.g. a registry id with its name for those who see the CPR); default as stored. */
  showDetails?: (db: Db, details: unknown, view: CitizenView) => Promise<unknown>;
  /**
   * Whether this user may read this case beyond the read matrix (e.g. a provider only the grants
   * handed to it); false → 404, as if the case did not exist. Default: the matrix decides.
   */
  mayRead?: (db: Db, row: { id: string; details: Record<string, unknown> }, user: User) => Promise<boolean>;
  /** Its read routes that return case data (need to know: `test/need-to-know.test.ts` walks them). */
  readRoutes: Record<string, Omit<ReadRoute, 'caseTypes'>>;
  /** Opening through `POST /cases`. */
  intake?: CaseIntake;
  /** Its reaction to a hospital event of the citizen (`api/medcom/effects.ts`); none: the event does not concern it. */
  hospitalEvents?: (event: CitizenEvent, open: { step: string }) => HospitalEventReaction | undefined;
  /** Its routes: decisions (api/decision-route.ts) and reads. */
  routes: FastifyPluginAsyncZod<ApiDeps>;
}
