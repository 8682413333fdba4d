/**
 * Complaints' routes: the registration (opens the case, linked to the decision and its case), the
 * reconsideration and the withdrawal — each on the one decision path.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getCase } from '../../../db/queries/cases.js';
import { getComplaint, insertComplaintOnce, isDecisionOf, providerExists } from '../../../db/queries/complaint.js';
import { insertDecisionTextOnce } from '../../../db/queries/decision-texts.js';
import { complaintCaseType } from '../../../workflows/complaint/case-type.js';
import { reconsideredUpdate, withdrawComplaintUpdate } from '../../../workflows/complaint/messages.js';
import { complaintWorkflow } from '../../../workflows/complaint/workflow.js';
import type { ApiDeps } from '../../context.js';
import { CaseOpeningAnswer } from '../../contract.js';
import { decision, registerDecision } from '../../decision-route.js';
import { intake, startCase } from '../../decisions.js';
import { badRequest } from '../../errors.js';
import type { Role } from '../../auth.js';
import { caseViewOrForbid, type Readers } from '../../need-to-know.js';
import { routeOptionsFor } from '../../route-options.js';
import * as c from './contracts.js';
import type { z } from 'zod';

export const COMPLAINT_SLUG = 'complaint';
export const COMPLAINT_READERS: Readers = { needs_assessor: 'cpr', visitation_team_lead: 'age_band', supervisor: 'age_band' };
const caseType = { ...complaintCaseType, slug: COMPLAINT_SLUG };
const route = routeOptionsFor(COMPLAINT_SLUG);
const acceptedAt = (r: { at?: number }) => (r.at !== undefined ? { at: r.at } : {});

const decisions = [
  decision({
    path: 'reconsidered',
    summary: 'Visitation has reconsidered the decision and written its statement: changed in favour → letter; upheld → Ankestyrelsen + letter (the complaint closes)',
    roles: ['needs_assessor'],
    audit: 'complaint.reconsidered',
    body: c.ReconsideredBody,
    answer: c.Reconsidered,
    update: reconsideredUpdate,
    args: (b) => [{ outcome: b.outcome }],
    texts: (b, r) => (b.statement ? [{ kind: 'complaint_statement', body: { outcome: b.outcome, statement: b.statement }, ...acceptedAt(r) }] : []),
    textKey: 'workflow',
    answerOf: (r) => ({ key: r.key, late: r.late, outcome: r.outcome, messages: r.messages }),
  }),
  decision({
    path: 'withdraw',
    summary: 'The citizen withdrew the complaint (the case closes)',
    roles: ['needs_assessor'],
    audit: 'complaint.withdraw',
    body: c.WithdrawBody,
    answer: c.ComplaintWithdrawn,
    update: withdrawComplaintUpdate,
    args: () => [{}],
    answerOf: (s) => ({ caseId: s.caseId, caseNumber: s.caseNumber, step: 'closed' as const, outcome: s.outcome ?? s.step }),
  }),
];

type Body = z.output<typeof c.OpenComplaint>;

/** What the body names must exist: the case (and the decision on it), the provider. */
async function checkReferences(deps: ApiDeps, body: Body, role: Role) {
  const db = deps.database.db;
  const concerned = await getCase(db, body.concernsCaseId);
  if (!concerned || !concerned.workflowId) throw badRequest('body.concernsCaseId: no such case', 'body.concernsCaseId');
  // need to know: the complaint case shows the case complained about (its number, its decision);
  // a case of a type the caller may not read is registered by the unit that reads it (403)
  caseViewOrForbid(role, concerned.type);
  if (body.decisionId !== undefined && !(await isDecisionOf(db, body.decisionId, concerned.id))) {
    throw badRequest('body.decisionId: no decision with this id on the case', 'body.decisionId');
  }
  if (body.providerCode && !(await providerExists(db, body.providerCode))) throw badRequest('body.providerCode: no such provider', 'body.providerCode');
  return concerned;
}

/** `POST /complaints`: visitation registers a complaint; the complaint case opens, linked to the decision complained about. */
const openRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.post(
    '/complaints',
    route({
      access: ['needs_assessor'],
      audit: 'complaint.open',
      summary: 'Register a complaint (klage) about a decision or the delivery, from the citizen or forwarded by a provider: opens the complaint case',
      body: c.OpenComplaint,
      response: { 201: c.ComplaintOpened, 202: CaseOpeningAnswer },
    }),
    async (request, reply) => {
      const body = request.body;
      const concerned = await checkReferences(deps, body, request.user!.role);
      return intake(
        deps,
        request,
        reply,
        async (caseId) => {
          const requestHash = request.idempotencyHash;
          const concerns = { caseId: concerned.id, caseNumber: concerned.workflowId! };
          const opened = await startCase(deps, {
            caseId,
            citizenId: concerned.citizenId,
            ...(requestHash ? { requestHash } : {}),
            caseType: complaintCaseType,
            workflow: complaintWorkflow,
            args: [
              {
                caseId,
                citizenId: concerned.citizenId,
                about: body.about,
                receivedOn: body.receivedOn,
                concerns,
                ...(body.providerCode ? { providerCode: body.providerCode } : {}),
                ...(body.providerAnswerBy ? { providerAnswerBy: body.providerAnswerBy } : {}),
                rules: deps.rules,
              },
            ],
            summary: `Complaint (klagesag) about the ${body.about} in ${concerns.caseNumber}`,
          });
          // the case is open: its complaint row and text (a keyed repeat writes them if this one failed)
          await insertComplaintOnce(db, {
            caseId,
            concernsCaseId: concerned.id,
            concernsDecisionAuditId: body.decisionId ?? null,
            about: body.about,
            receivedOn: body.receivedOn,
            receivedVia: body.receivedVia,
            providerCode: body.providerCode ?? null,
            providerReceivedOn: body.providerReceivedOn ?? null,
          });
          await insertDecisionTextOnce(db, { caseId, key: 'complaint', kind: 'complaint', body: { text: body.complaint }, userId: request.user!.user, role: request.user!.role });
          return { workflowId: opened.workflowId, caseNumber: opened.caseNumber, type: complaintCaseType.name };
        },
        async (row) => (await getComplaint(db, row.id)) !== undefined,
      );
    },
  );
};

export const complaintRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  await openRoute(app, deps);
  for (const d of decisions) registerDecision(app, deps, caseType, d);
};
