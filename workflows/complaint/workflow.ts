/**
 * A complaint (klagesag, 003 "Behandling af klagesager"; retssikkerhedsloven §§ 66–67): a case of
 * its own, linked to the decision complained about and its case (of any type, often ended).
 *
 *   about the decision:  reconsidering ──(reconsidered: changed in favour | upheld | partly upheld)──▶ closed
 *   about the delivery:  ──(to the provider, with the answer deadline)──▶ closed
 *
 * About the decision, visitation reconsiders and writes a statement (in the database) within 4
 * weeks of the municipality's receipt (obligation `reconsideration`, kind
 * `complaint_reconsideration`, escalating overnight to the visitation team lead). Changed in the
 * citizen's favour: a letter to the citizen. Upheld, wholly or partly: the complaint with the
 * statement goes to Ankestyrelsen and the citizen is told that it did — one outbox message each,
 * keyed by the case and the step. About the delivery: the provider's responsibility; it receives
 * the complaint with the day its written answer is due, and the case closes.
 */
import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { formatLocal, localDate } from '../../domain/calendar.js';
import { CaseCore, run } from '../shared/case-core.js';
import { caseOpenedUpdate } from '../shared/messages.js';
import { complaintCaseType } from './case-type.js';
import {
  complaintStatusQuery,
  reconsideredUpdate,
  withdrawComplaintUpdate,
  type ComplaintInput,
  type ComplaintOutcome,
  type ComplaintStatus,
  type ReconsiderationOutcome,
} from './messages.js';
import { deliveryMessage, providerAnswerDay, RECONSIDERATION_KEY, reconsiderationDueDay, reconsiderationMessages, type ComplaintMessage } from './state.js';

export type { ComplaintInput, ComplaintStatus } from './messages.js';

interface Complaint {
  input: ComplaintInput;
  caseNumber: string;
  core: CaseCore;
  dueDay?: string;
  outcome?: ComplaintOutcome;
  decidedAt?: number;
  messages: string[];
  opened: boolean;
  closed: boolean;
}

export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintStatus> {
  const openedAt = Date.now();
  const c: Complaint = { input, caseNumber: workflowInfo().workflowId, messages: [], opened: false, closed: false } as unknown as Complaint;
  if (input.about === 'decision') c.dueDay = reconsiderationDueDay(input.receivedOn, input.rules);
  c.core = new CaseCore({
    caseId: input.caseId,
    caseType: complaintCaseType.name,
    rules: input.rules,
    view: () => ({ step: stepOf(c), details: detailsOf(c), actingRole: 'needs_assessor' }),
    opening: { type: complaintCaseType.name, citizenId: input.citizenId, workflowId: c.caseNumber, openedAt },
  });
  registerHandlers(c);
  if (c.dueDay) c.core.open({ key: RECONSIDERATION_KEY, kind: 'complaint_reconsideration', dueDay: c.dueDay, now: openedAt, params: { receivedOn: input.receivedOn } });
  await c.core.sync();
  if (input.about === 'delivery') {
    // the case row is written: the provider's message may refer to it
    await send(c, [deliveryMessage(c)]);
    c.outcome = 'forwarded_to_provider';
  }
  c.opened = true;
  await c.core.runUntil(() => c.outcome !== undefined, 'reconsideration');
  if (c.outcome !== 'withdrawn' && c.outcome !== 'forwarded_to_provider') await send(c, reconsiderationMessages(c.outcome!, { caseNumber: c.caseNumber, citizenId: input.citizenId, input }));
  await c.core.end(c.outcome!);
  c.closed = true;
  await condition(allHandlersFinished);
  return status(c);
}

const stepOf = (c: Complaint) => (c.outcome === undefined ? 'reconsidering' : 'closed');

function detailsOf(c: Complaint): Record<string, unknown> {
  return {
    about: c.input.about,
    receivedOn: c.input.receivedOn,
    concernsCaseNumber: c.input.concerns.caseNumber,
    ...(c.dueDay ? { reconsiderationDueDay: c.dueDay } : {}),
    ...(c.input.providerCode ? { providerCode: c.input.providerCode } : {}),
  };
}

function status(c: Complaint): ComplaintStatus {
  return {
    caseId: c.input.caseId,
    caseNumber: c.caseNumber,
    step: stepOf(c),
    about: c.input.about,
    receivedOn: c.input.receivedOn,
    concerns: c.input.concerns,
    ...(c.dueDay ? { reconsiderationDueDay: c.dueDay } : {}),
    ...(c.input.providerCode ? { providerCode: c.input.providerCode } : {}),
    ...(c.input.about === 'delivery' ? { providerAnswerBy: providerAnswerDay(c.input) } : {}),
    ...(c.outcome !== undefined ? { outcome: c.outcome } : {}),
    ...(c.decidedAt !== undefined ? { decidedAt: formatLocal(c.decidedAt) } : {}),
    messages: [...c.messages],
    ...c.core.view(),
  };
}

/** Each letter or message once (the outbox is keyed by case + key). */
async function send(c: Complaint, messages: ComplaintMessage[]): Promise<void> {
  const decidedOn = localDate(Date.now());
  for (const m of messages) {
    await run('putInOutbox', `outbox: ${m.template} (${m.addressee.kind})`, { caseId: c.input.caseId, key: m.key, addressee: m.addressee, template: m.template, facts: m.facts, decidedOn });
    c.messages.push(m.key);
  }
}

function registerHandlers(c: Complaint): void {
  const refuseWhenClosed = () => {
    if (c.outcome !== undefined) throw new Error(`the complaint is closed (${c.outcome})`);
  };
  setHandler(complaintStatusQuery, () => status(c));
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => c.opened);
    return { caseId: c.input.caseId, caseNumber: c.caseNumber };
  });
  setHandler(
    reconsideredUpdate,
    async ({ outcome }: { outcome: ReconsiderationOutcome }) => {
      const at = Date.now();
      const ob = c.core.meet(RECONSIDERATION_KEY, at);
      c.decidedAt = at;
      c.outcome = outcome;
      await condition(() => c.closed);
      return { key: RECONSIDERATION_KEY, late: ob?.state === 'met_late', at, outcome, messages: [...c.messages] };
    },
    {
      validator: (_a: { outcome: ReconsiderationOutcome }) => {
        refuseWhenClosed();
        if (c.input.about !== 'decision') throw new Error('a complaint about the delivery is the provider\'s to answer: nothing to reconsider');
      },
    },
  );
  setHandler(
    withdrawComplaintUpdate,
    async () => {
      c.core.cancel(RECONSIDERATION_KEY);
      c.outcome = 'withdrawn';
      await condition(() => c.closed);
      return status(c);
    },
    { validator: (_a: {}) => refuseWhenClosed() },
  );
}
