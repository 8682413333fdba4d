/**
 * The hospital discharge's routes (udskrivning, sources 000, 001, 003, 004): one decision per
 * step or hospital event, each a workflow Update with a validator (an out-of-step decision → 409
 * with the reason), declared as data on the one decision path (api/decision-route.ts); the care
 * plan read and the tasks ("phone the provider").
 *
 * Every free text (reasons, notes, the holistic assessment) is a health detail: it never goes to
 * the workflow. Once the workflow accepted the decision it is kept in `decision_texts`, body
 * `{ text }`, under `<kind>:<Update id>` (once per key).
 */
import { checkGrantOrder } from '../grant/order.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { getCase } from '../../../db/queries/cases.js';
import { formatLocal } from '../../../domain/calendar.js';
import { caseHandovers, caseNotes, completeTask, getCarePlan, getTask, listTasks } from '../../../db/queries/hospital-discharge.js';
import { hospitalDischargeCaseType } from '../../../workflows/hospital-discharge/case-type.js';
import * as m from '../../../workflows/hospital-discharge/messages.js';
import type { Role } from '../../auth.js';
import type { ApiDeps } from '../../context.js';
import { decision, registerDecision, type DecisionText } from '../../decision-route.js';
import { decide, readableCase } from '../../decisions.js';
import { badRequest, conflict, HttpError, notFound } from '../../errors.js';
import { bandOfAge, type Readers } from '../../need-to-know.js';
import { routeOptionsFor } from '../../route-options.js';
import { caseIdParams } from '../../schemas.js';
import { assertPlaceTypeRegistered } from '../temporary-stay/place-types.js';
import * as c from './contracts.js';

export const HOSPITAL_DISCHARGE_SLUG = 'hospital-discharge';

/** Need to know: who reads hospital-discharge cases, and what each sees of the citizen. */
export const HOSPITAL_DISCHARGE_READERS: Readers = { needs_assessor: 'cpr', discharge_coordinator: 'cpr', visitation_team_lead: 'age_band', supervisor: 'age_band' };
export const CARE_PLAN_READERS: Role[] = ['needs_assessor', 'discharge_coordinator'];
export const TASK_READERS: Role[] = ['needs_assessor', 'discharge_coordinator', 'supervisor'];

type Db = ApiDeps['database']['db'];

const caseType = { ...hospitalDischargeCaseType, slug: HOSPITAL_DISCHARGE_SLUG };
const route = routeOptionsFor(HOSPITAL_DISCHARGE_SLUG);
const ms = (iso: string) => Date.parse(iso);
/** A free-text note, kept only when it was given. */
/** A note, dated by the instant the workflow accepted its decision (`at` of the Update's result) when the workflow says it. */
const noteIf = (kind: string, text: string | undefined, r: { at?: number }): DecisionText[] => (text ? [{ kind, body: { text }, ...acceptedAt(r) }] : []);
const acceptedAt = (r: { at?: number }) => (r.at !== undefined ? { at: r.at } : {});

/** The coordinator's decision as the workflow gets it (the help's description stays in the database). */
function coordinatorDecision(d: z.output<typeof c.DecisionBody>['decision']): m.CoordinatorDecision {
  if (d.kind === 'temporary_stay') return { kind: d.kind, placeType: d.placeType, purpose: d.purpose };
  if (d.kind === 'more_help_at_home') return { kind: d.kind, minutesPerWeek: d.minutesPerWeek, providerStartsOn: d.providerStartsOn, ...(d.grant ? { grant: d.grant } : {}) };
  return { kind: d.kind, providerStartsOn: d.providerStartsOn };
}

/** 400 naming `body.readyAt` when the citizen was declared færdigbehandlet before the admission (the care plan's `admittedAt`). */
async function readyAfterAdmission(db: Db, caseId: string, readyAt: string): Promise<void> {
  const plan = await getCarePlan(db, caseId);
  if (plan && Date.parse(readyAt) < plan.admittedAt.getTime()) {
    throw badRequest(`body.readyAt: must not be before the citizen's admission (admittedAt ${formatLocal(plan.admittedAt.getTime())})`, 'body.readyAt');
  }
}

/** The hospital-discharge decisions and hospital events, as data. */
const decisions = (db: Db) => [
  decision({
    path: 'reroute',
    summary: 'Re-route the case between SUF and SOF, with a reason (004)',
    roles: ['needs_assessor'],
    audit: 'hospital_discharge.reroute',
    body: c.RerouteBody,
    answer: c.HospitalDischargeStatus,
    update: m.rerouteUpdate,
    args: (b) => [{ to: b.to }],
    texts: (b, r) => noteIf('reroute_reason', b.reason, r),
  }),
  decision({
    path: 'vulnerability-assessment',
    summary: 'Local visitation: vulnerable (→ discharge coordination) or not (→ plan accepted, decision to the provider)',
    roles: ['needs_assessor'],
    audit: 'hospital_discharge.assess_vulnerability',
    body: c.AssessmentBody,
    answer: c.HospitalDischargeStatus,
    update: m.assessVulnerabilityUpdate,
    args: (b) => [{ vulnerable: b.vulnerable, providerStartsOn: b.providerStartsOn }],
    texts: (b, r) => noteIf('assessment_note', b.note, r),
  }),
  decision({
    path: 'conference',
    summary: 'The conference at the hospital was held (000)',
    roles: ['discharge_coordinator'],
    audit: 'hospital_discharge.conference',
    body: c.ConferenceBody,
    answer: c.HospitalDischargeStatus,
    update: m.recordConferenceUpdate,
    args: (b) => [{ heldAt: ms(b.heldAt) }],
    texts: (b, r) => noteIf('conference_note', b.note, r),
  }),
  decision({
    path: 'decision',
    summary: 'Holistic assessment (helhedsvurdering) and the decision: temporary stay, more help at home, or home with existing help',
    roles: ['discharge_coordinator'],
    audit: 'hospital_discharge.decision',
    body: c.DecisionBody,
    answer: c.HospitalDischargeStatus,
    update: m.decideUpdate,
    // a temporary stay names a registered place type (its allocator, its waiting list)
    precheck: async (b) => {
      if (b.decision.kind === 'temporary_stay') await assertPlaceTypeRegistered(db, b.decision.placeType, 'body.decision.placeType');
      if (b.decision.kind === 'more_help_at_home' && b.decision.grant) {
        const g = b.decision.grant;
        if (g.minutesPerDelivery * g.deliveriesPerWeek !== b.decision.minutesPerWeek) {
          throw badRequest(`body.decision.grant: ${g.minutesPerDelivery} minutes × ${g.deliveriesPerWeek} a week must equal minutesPerWeek (${b.decision.minutesPerWeek})`, 'body.decision.grant');
        }
        await checkGrantOrder(db, g, 'body.decision.grant');
      }
    },
    args: (b) => [{ decision: coordinatorDecision(b.decision) }],
    texts: (b, r) => [
      { kind: 'holistic_assessment', body: { text: b.holisticAssessment }, ...acceptedAt(r) },
      ...(b.decision.kind === 'more_help_at_home' ? [{ kind: 'help_description', body: { text: b.decision.help }, ...acceptedAt(r) }] : []),
    ],
  }),
  decision({
    path: 'faerdigbehandlet',
    summary: 'The hospital declares the citizen færdigbehandlet: bed-day counting starts',
    roles: ['hospital'],
    audit: 'hospital_discharge.faerdigbehandlet',
    body: c.FaerdigbehandletBody,
    answer: c.HospitalDischargeStatus,
    update: m.faerdigbehandletUpdate,
    precheck: (b, ctx) => readyAfterAdmission(db, ctx.row.id, b.readyAt),
    args: (b) => [{ readyAt: ms(b.readyAt) }],
  }),
  decision({
    path: 'discharged',
    summary: 'The actual discharge (home: follow-up visit due; temporary stay: the case closes)',
    roles: ['hospital'],
    audit: 'hospital_discharge.discharged',
    body: c.DischargedBody,
    answer: c.HospitalDischargeStatus,
    update: m.dischargedUpdate,
    args: (b) => [{ dischargedAt: ms(b.dischargedAt), destination: b.destination }],
  }),
  decision({
    path: 'readmitted',
    summary: 'Readmission: closes the case and every timer, takes the citizen off any waiting list',
    roles: ['hospital'],
    audit: 'hospital_discharge.readmitted',
    body: c.ReadmittedBody,
    answer: c.HospitalDischargeStatus,
    update: m.readmittedUpdate,
    args: (b) => [{ readmittedAt: ms(b.readmittedAt) }],
  }),
  decision({
    path: 'died',
    summary: "The citizen's death: closes the case and every timer, takes the citizen off any waiting list",
    roles: ['hospital'],
    audit: 'hospital_discharge.died',
    body: c.DiedBody,
    answer: c.HospitalDischargeStatus,
    update: m.diedUpdate,
    args: (b) => [{ diedAt: ms(b.diedAt) }],
  }),
  decision({
    path: 'follow-up-visit',
    summary: 'The follow-up home visit (opfølgende hjemmebesøg) after discharge home was made',
    roles: ['needs_assessor'],
    audit: 'hospital_discharge.follow_up_visit',
    body: c.FollowUpVisitBody,
    answer: c.HospitalDischargeStatus,
    update: m.followUpVisitUpdate,
    args: (b) => [{ visitedAt: ms(b.visitedAt) }],
    texts: (b, r) => noteIf('follow_up_note', b.note, r),
  }),
  decision({
    path: 'help-follow-up',
    summary: "Local visitation's follow-up of more help at home was made",
    roles: ['needs_assessor'],
    audit: 'hospital_discharge.help_follow_up',
    body: c.HelpFollowUpBody,
    answer: c.HospitalDischargeStatus,
    update: m.helpFollowUpUpdate,
    args: (b) => [{ followedUpAt: ms(b.followedUpAt) }],
    texts: (b, r) => noteIf('help_follow_up_note', b.note, r),
  }),
];

/** `GET /cases/:id/hospital-discharge/care-plan`: the care plan, notes, provider handovers and tasks of a case. */
const carePlanRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    `/cases/:id/${HOSPITAL_DISCHARGE_SLUG}/care-plan`,
    route({
      access: CARE_PLAN_READERS,
      audit: 'hospital_discharge.care_plan.read',
      summary: 'The care plan (plejeforløbsplan), notes, provider handovers and tasks of a case',
      params: caseIdParams,
      response: { 200: c.CarePlanAnswer },
    }),
    async (request) => {
      const db = deps.database.db;
      // need to know: 403 for a case type the role does not read; the exact age only with the CPR view
      const { row, view } = await readableCase(db, request.user!.role, request.params.id);
      const plan = await getCarePlan(db, request.params.id);
      if (!plan) throw notFound(`no hospital-discharge case ${request.params.id}`);
      const [notes, handovers, tasks] = await Promise.all([caseNotes(db, row.id), caseHandovers(db, row.id), listTasks(db, { caseId: row.id })]);
      return {
        caseId: row.id,
        ward: plan.ward,
        admittedAt: plan.admittedAt,
        expectedDischargeDate: plan.expectedDischargeDate,
        functionalLevel: plan.functionalLevel,
        freeText: plan.freeText,
        receivedAt: plan.receivedAt,
        ...(view === 'cpr' ? { ageAtReceipt: plan.ageAtReceipt } : { ageBandAtReceipt: bandOfAge(plan.ageAtReceipt) }),
        routedAtIntake: plan.routedTo,
        notes,
        handovers,
        tasks,
      };
    },
  );
};

/** The tasks ("phone the provider", 003) and marking one done. */
const taskRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    `/${HOSPITAL_DISCHARGE_SLUG}/tasks`,
    route({ access: TASK_READERS, summary: 'Tasks such as "phone the provider" (003: decision handed over after 14:30 for a same-day start)', querystring: c.TaskQuery, response: { 200: c.DischargeTasks } }),
    async (request) => listTasks(deps.database.db, request.query),
  );

  app.post(
    `/${HOSPITAL_DISCHARGE_SLUG}/tasks/:taskId/done`,
    route({ access: ['needs_assessor', 'discharge_coordinator'], audit: 'hospital_discharge.task_done', summary: 'Mark a task done (e.g. the provider was phoned)', params: c.TaskParams, response: { 200: c.DischargeTask } }),
    async (request) => {
      const db = deps.database.db;
      const task = await getTask(db, request.params.taskId);
      if (!task) throw notFound(`no task ${request.params.taskId}`);
      request.auditCaseId = task.caseId;
      if (task.status !== 'open') throw conflict(`the task was already done by ${task.doneBy ?? 'someone'}`);
      const row = await getCase(db, task.caseId);
      // The workflow meets its "phone the provider" obligation on the one decision path (a closed
      // case has cancelled it: then the task is only marked done). One Update per task: a
      // retried request gets the first answer, not a refusal. Not a case decision URL: the
      // Update id is fixed by the task.
      if (task.kind === 'phone_provider' && row && !row.closedAt) {
        try {
          await decide(deps, request, {
            caseId: task.caseId,
            caseType: hospitalDischargeCaseType,
            update: m.phoneTaskDoneUpdate,
            args: () => [{ key: task.key.replace(/^phone-provider:/, '') }],
            updateId: `phone-task-done-${task.id}`,
          });
        } catch (err) {
          // the case ended meanwhile (its obligations are cancelled): the task is only marked done
          if (!(err instanceof HttpError && err.statusCode === 409 && (await getCase(db, task.caseId))?.closedAt)) throw err;
        }
      }
      if (!(await completeTask(db, task.id, request.user!.user))) {
        const again = await getTask(db, task.id);
        throw conflict(`the task was already done by ${again?.doneBy ?? 'someone'}`);
      }
      return (await getTask(db, task.id))!;
    },
  );
};

export const hospitalDischargeRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  // one URL style for decisions (api/decision-urls.ts keeps the old `/hospital-discharge/cases/:id/…` as an alias)
  for (const d of decisions(deps.database.db)) registerDecision(app, deps, caseType, d);
  await carePlanRoute(app, deps);
  await taskRoutes(app, deps);
};
