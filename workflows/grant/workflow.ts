/**
 * The grant to a provider (bevilling, 003): a needs assessor grants a service at home — a code
 * of the service catalogue, minutes per delivery, deliveries per week, from a day, permanent or
 * temporary — to the provider the citizen chose among the approved ones. The case lives as long
 * as the grant (months, years) and continues-as-new carrying its state and open obligations.
 *
 *  - Every decision is told in writing: a letter to the citizen (afgørelsesbrev with
 *    klagevejledning) and, for a grant, change or end, a message to the provider — each one row
 *    in the outbox, keyed by the case and the decision's number.
 *  - The hand-over rule (domain/handover.ts): handed after 14:30 for a same-day start → a phone
 *    task (obligation `phone-<n>-<provider>`) for whoever decided.
 *  - A temporary grant (Midlertidig indsats): the expiry decision is due the lead days before its
 *    last day (obligation `expiry-<day>`); at the start of the day after the last day the grant
 *    ends and the provider is told — it never silently continues.
 *  - Delivered time (Løbende justering): the provider reports minutes per week; a significant
 *    deviation (domain/grants.ts) opens a reassessment obligation (`reassess-<n>`).
 *  - Change of provider (Skift af leverandør): the current provider is given notice, both are
 *    told; at the start of the first day after the notice the grant passes to the new provider.
 *
 * The case core's clock keeps the obligations; the grant's own two instants (its end, the change
 * of provider) are one cancellable timer re-armed whenever a decision moves them.
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  patched,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { addDays, formatLocal, localDate, type LocalDate } from '../../domain/calendar.js';
import { mustPhoneProvider } from '../../domain/handover.js';
import type { GrantReason } from '../../domain/grants.js';
import type { ActorRole } from '../../domain/rules.js';
import { CaseCore, run } from '../shared/case-core.js';
import { caseOpenedUpdate } from '../shared/messages.js';
import { grantCaseType } from './case-type.js';
import {
  changeGrantUpdate,
  changeProviderUpdate,
  decideExpiryUpdate,
  endGrantUpdate,
  grantStatusQuery,
  providerPhonedUpdate,
  reassessedUpdate,
  recordDeliveredTimeUpdate,
  type ChangeGrantRequest,
  type ChangeProviderRequest,
  type DeliveredTimeRequest,
  type DeliveredTimeResult,
  type EndGrantRequest,
  type GrantCaseInput,
  type GrantStatus,
} from './messages.js';
import {
  changed,
  checkChange,
  checkEnd,
  checkExpiryDecision,
  checkOpen,
  checkProviderChange,
  checkReport,
  closedRefused,
  deliveredVerdict,
  endDecided,
  ended,
  endInstant,
  expiryDecided,
  expiryDueDay,
  expiryKey,
  openedState,
  phoneKey,
  providerChanged,
  providerChangeDecided,
  providerChangeInstant,
  keptAsItIs,
  reassessKey,
  reported,
  type GrantState,
} from './state.js';

/** Continue-as-new after this many history events (besides Temporal's own suggestion). */
export const DEFAULT_MAX_HISTORY_EVENTS = 2_000;

interface Case {
  input: GrantCaseInput;
  s: GrantState;
  core: CaseCore;
  opened: boolean;
  closing?: Promise<void>;
}

export async function grantCaseWorkflow(input: GrantCaseInput): Promise<GrantStatus> {
  const c = newCase(input);
  registerHandlers(c);
  if (!input.carried) await opening(c);
  c.opened = true;
  for (;;) {
    await runClock(c);
    if (c.s.step !== 'granted') break;
    if (historyIsLong(input) && (await quiet(c))) {
      const leave = c.core.carriedLeave();
      return continueAsNew<typeof grantCaseWorkflow>({ ...input, carried: { state: c.s, obligations: c.core.carry(), ...(leave !== undefined ? { leave } : {}) } });
    }
  }
  await close(c);
  await condition(allHandlersFinished);
  return status(c);
}

function newCase(input: GrantCaseInput): Case {
  const s: GrantState = input.carried ? { ...input.carried.state, runs: input.carried.state.runs + 1 } : openedState(input.terms, input.providerCode, input.decision);
  const c = { input, s, opened: input.carried !== undefined } as Case;
  c.core = new CaseCore({
    caseId: input.caseId,
    caseType: grantCaseType.name,
    rules: input.rules,
    view: () => ({
      step: c.s.step,
      details: {
        serviceCode: c.s.terms.serviceCode,
        providerCode: c.s.providerCode,
        minutesPerDelivery: c.s.terms.minutesPerDelivery,
        deliveriesPerWeek: c.s.terms.deliveriesPerWeek,
        startsOn: c.s.terms.startsOn,
        ...(c.s.endDay ? { endDay: c.s.endDay } : {}),
        ...(c.s.providerChange ? { nextProviderCode: c.s.providerChange.toProviderCode, nextProviderFrom: c.s.providerChange.firstDayOfNew } : {}),
        ...openedByDetails(c.input),
      },
      actingRole: 'needs_assessor',
    }),
    ...(input.carried
      ? { carried: input.carried.obligations, ...(input.carried.leave !== undefined ? { carriedLeave: input.carried.leave } : {}) }
      : { opening: { type: grantCaseType.name, citizenId: input.citizenId, workflowId: workflowInfo().workflowId, openedAt: Date.now() } }),
  });
  return c;
}

function status(c: Case): GrantStatus {
  const s = c.s;
  return {
    caseId: c.input.caseId,
    caseNumber: workflowInfo().workflowId,
    step: s.step,
    terms: s.terms,
    providerCode: s.providerCode,
    ...(s.providerChange ? { providerChange: s.providerChange } : {}),
    ...(s.previousProvider ? { previousProvider: s.previousProvider } : {}),
    ...(s.endDay ? { endDay: s.endDay } : {}),
    ...(s.expiryDecided ? { expiryDecided: s.expiryDecided } : {}),
    ...(s.outcome ? { outcome: s.outcome } : {}),
    decisions: s.decisions,
    runs: s.runs,
    ...c.core.view(),
  };
}

function registerHandlers(c: Case): void {
  const today = () => localDate(Date.now());
  setHandler(grantStatusQuery, () => status(c));
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => c.opened);
    return { caseId: c.input.caseId, caseNumber: workflowInfo().workflowId };
  });
  setHandler(changeGrantUpdate, (r) => changeGrant(c, r), { validator: (r) => checkChange(c.s, r, today()) });
  setHandler(endGrantUpdate, (r) => endGrant(c, r), { validator: (r) => checkEnd(c.s, r.lastDay, today()) });
  setHandler(changeProviderUpdate, (r) => changeProvider(c, r), { validator: (r) => checkProviderChange(c.s, r.toProviderCode, today(), c.input.grantRules) });
  setHandler(decideExpiryUpdate, (r) => decideExpiry(c, r.outcome), { validator: (_r: { outcome: 'let_end' | 'new_grant' }) => checkExpiryDecision(c.s) });
  setHandler(recordDeliveredTimeUpdate, (r) => recordDeliveredTime(c, r), { validator: (r) => checkReport(c.s, r) });
  setHandler(reassessedUpdate, () => reassessedKept(c), {
    validator: (_r: {}) => {
      checkOpen(c.s);
      if (!openReassessment(c)) throw new Error('no reassessment is open');
    },
  });
  setHandler(providerPhonedUpdate, (r) => meetOne(c, r.key), {
    validator: (r) => {
      if (!r.key.startsWith('phone-') || !c.core.isOpen(r.key)) throw new Error(`no open phone task ${r.key}`);
    },
  });
}

// ---- the clock --------------------------------------------------------------------------------

/** The grant's next own instant: its end, or the change of provider. */
function nextGrantInstant(s: GrantState): number | undefined {
  const xs = [endInstant(s), providerChangeInstant(s)].filter((x): x is number => x !== undefined);
  return xs.length ? Math.min(...xs) : undefined;
}

/**
 * The case core's clock until the grant's next own instant (or a decision moves it, or the
 * history grows long): one cancellable timer for the grant's end or change of provider.
 */
async function runClock(c: Case): Promise<void> {
  const due = nextGrantInstant(c.s);
  let fired = due !== undefined && due <= Date.now();
  const scope = new CancellationScope();
  if (due !== undefined && !fired) {
    scope
      .run(() => sleep(due - Date.now()))
      .then(
        () => {
          fired = true;
          c.core.changed();
        },
        () => undefined,
      );
  }
  await c.core.runUntil(() => c.s.step !== 'granted' || fired || nextGrantInstant(c.s) !== due || historyIsLong(c.input), `grant ${due !== undefined ? formatLocal(due) : ''}`);
  if (!fired) scope.cancel();
  if (fired) await grantInstantCame(c);
}

/** The change of provider's first day, or the day after the last day, has come. */
async function grantInstantCame(c: Case): Promise<void> {
  const now = Date.now();
  const change = providerChangeInstant(c.s);
  const end = endInstant(c.s);
  if (change !== undefined && change <= now && (end === undefined || change < end)) {
    c.s = providerChanged(c.s);
    c.core.changed();
    await Promise.all([recordGrant(c), c.core.sync()]);
  }
  if (end !== undefined && end <= now) {
    const expired = c.s.terms.endsOn !== undefined && !c.s.endDecided;
    c.s = ended(c.s, expired ? 'expired' : 'ended', now);
    if (expired) {
      // Midlertidig indsats: at the end the provider is told to stop (a decided end told it when decided)
      await message(c, { key: `provider:expired:${c.s.providerCode}`, to: 'provider', id: c.s.providerCode, template: 'provider_grant_ended', providers: { providerName: c.s.providerCode } });
    }
  }
}

function historyIsLong(input: GrantCaseInput): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > (input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS);
}

/** No decision in flight: continue-as-new may carry the state. */
async function quiet(c: Case): Promise<boolean> {
  await condition(allHandlersFinished);
  return c.s.step === 'granted';
}

async function close(c: Case): Promise<void> {
  await Promise.all([recordGrant(c), (c.closing ??= c.core.end(c.s.outcome ?? 'ended', c.s.closedAt ?? Date.now()))]);
}

// ---- the decisions --------------------------------------------------------------------------------

/** The case opens with its first decision: the letter, the hand-over, the expiry obligation; a refusal closes it. */
async function opening(c: Case): Promise<void> {
  const now = Date.now();
  await c.core.sync();
  if (c.s.step === 'refused') {
    c.s = closedRefused(c.s, now);
    await letter(c, 1, 'grant_refused', c.input.reason);
    return;
  }
  openExpiry(c, now);
  await Promise.all([
    recordGrant(c),
    letter(c, 1, 'grant_granted', c.input.reason, { providerName: c.s.providerCode }),
    handOver(c, 1, c.s.providerCode, 'provider_grant_started', c.s.terms.startsOn, c.input.decidedBy, now),
  ]);
  await c.core.sync();
}

async function changeGrant(c: Case, r: ChangeGrantRequest) {
  const now = Date.now();
  const before = c.s.terms;
  c.s = changed(c.s, r);
  const n = c.s.decisions;
  const reassessment = openReassessment(c);
  if (reassessment) c.core.meet(reassessment, now);
  if (before.endsOn && before.endsOn !== c.s.terms.endsOn) c.core.cancel(expiryKey(before.endsOn), now);
  openExpiry(c, now);
  const facts = { effectiveOn: r.fromDay, previousMinutesPerDelivery: before.minutesPerDelivery, previousDeliveriesPerWeek: before.deliveriesPerWeek };
  await Promise.all([
    recordGrant(c),
    letter(c, n, 'grant_changed', r.reason, { providerName: c.s.providerCode }, facts),
    handOver(c, n, c.s.providerCode, 'provider_grant_changed', r.fromDay, r.decidedBy, now, facts),
    ...incoming(c, (to) => message(c, { key: `provider:${n}:${to}`, to: 'provider', id: to, template: 'provider_grant_changed', providers: { providerName: to }, facts })),
    c.core.sync(),
  ]);
  return { key: `decision-${n}`, decision: n, at: now };
}

async function endGrant(c: Case, r: EndGrantRequest) {
  const now = Date.now();
  const before = c.s.terms.endsOn;
  c.s = endDecided(c.s, r.lastDay);
  const n = c.s.decisions;
  if (before) c.core.cancel(expiryKey(before), now);
  const reassessment = openReassessment(c);
  if (reassessment) c.core.meet(reassessment, now);
  const facts = { endsOn: r.lastDay };
  await Promise.all([
    recordGrant(c),
    letter(c, n, 'grant_ended', r.reason, {}, facts),
    handOver(c, n, c.s.providerCode, 'provider_grant_ended', r.lastDay, r.decidedBy, now, facts),
    ...incoming(c, (to) => message(c, { key: `provider:${n}:${to}`, to: 'provider', id: to, template: 'provider_grant_ended', providers: { providerName: to }, facts })),
    c.core.sync(),
  ]);
  return { key: `decision-${n}`, decision: n, lastDay: r.lastDay, at: now };
}

async function changeProvider(c: Case, r: ChangeProviderRequest) {
  const now = Date.now();
  const old = c.s.providerCode;
  c.s = providerChangeDecided(c.s, r.toProviderCode, localDate(now), c.input.grantRules);
  const n = c.s.decisions;
  const pc = c.s.providerChange!;
  const facts = { lastDayOfOld: pc.lastDayOfOld, firstDayOfNew: pc.firstDayOfNew };
  await Promise.all([
    recordGrant(c),
    letter(c, n, 'grant_provider_changed', 'citizen_chose_provider', { oldProviderName: old, newProviderName: pc.toProviderCode }, facts),
    message(c, { key: `provider:${n}:${old}`, to: 'provider', id: old, template: 'provider_notice', providers: { providerName: old }, facts }),
    handOver(c, n, pc.toProviderCode, 'provider_grant_started', pc.firstDayOfNew, r.decidedBy, now, { ...facts, startsOn: pc.firstDayOfNew }),
    c.core.sync(),
  ]);
  return { key: `decision-${n}`, decision: n, lastDayOfOld: pc.lastDayOfOld, firstDayOfNew: pc.firstDayOfNew, at: now };
}

async function decideExpiry(c: Case, outcome: 'let_end' | 'new_grant') {
  const key = expiryKey(c.s.terms.endsOn!);
  c.s = expiryDecided(c.s, outcome);
  return { ...(await meetOne(c, key)), at: Date.now() };
}

async function recordDeliveredTime(c: Case, r: DeliveredTimeRequest): Promise<DeliveredTimeResult> {
  const now = Date.now();
  c.s = reported(c.s, r);
  const v = deliveredVerdict(c.s);
  const key = `delivered-${r.weekStart}-${r.providerCode}`;
  let reassessment: string | undefined;
  if (v?.significant && !openReassessment(c)) {
    reassessment = reassessKey(c.s.decisions, c.s.keptAfterReassessment);
    c.core.open({ key: reassessment, kind: 'grant_reassessment', dueDay: dueAfter(now, c.input.grantRules.reassessmentDays), now, params: { reason: v.reason } });
  }
  await Promise.all([
    run('recordDeliveredWeek', `delivered time ${r.weekStart}: ${r.minutes} min (${r.providerCode})`, { caseId: c.input.caseId, ...r, reportedAt: now }),
    c.core.sync(),
  ]);
  return {
    key,
    significant: v?.significant ?? false,
    ...(v ? { reason: v.reason, changePerDelivery: v.changePerDelivery, changePerWeek: v.changePerWeek, deviationPercent: v.deviationPercent } : {}),
    ...(reassessment ? { reassessment } : {}),
  };
}

async function meetOne(c: Case, key: string): Promise<{ key: string; late: boolean }> {
  const ob = c.core.meet(key, Date.now());
  await c.core.sync();
  return { key, late: ob?.state === 'met_late' };
}

// ---- what the case does ---------------------------------------------------------------------

/** Patch id: the mirrored details say who opened the grant and from which case (need to know: the discharge coordinator reads the grants its decisions opened). */
export const GRANT_OPENED_BY_IN_DETAILS_PATCH = 'grant-opened-by-in-details';

/** Who decided the grant and the case whose decision opened it (ids and role codes only). */
function openedByDetails(input: GrantCaseInput): { openedBy?: string; originCaseId?: string } {
  if (!patched(GRANT_OPENED_BY_IN_DETAILS_PATCH)) return {};
  return { openedBy: input.decidedBy, ...(input.origin ? { originCaseId: input.origin.caseId } : {}) };
}

/** Patch id: a change or an end decided during a change of provider's notice is told to the incoming provider as well. */
export const GRANT_TELLS_INCOMING_PROVIDER_PATCH = 'grant-tells-incoming-provider';

/** The incoming provider under a change of provider's notice (told every change and end, as the current one is). */
function incoming(c: Case, tell: (providerCode: string) => Promise<void>): Promise<void>[] {
  const to = c.s.providerChange?.toProviderCode;
  return to && patched(GRANT_TELLS_INCOMING_PROVIDER_PATCH) ? [tell(to)] : [];
}

/**
 * Patch id: a reassessment that keeps the grant as it is starts the judgement of delivered time
 * afresh, and the next reassessment gets a key of its own (before: the weeks already judged
 * reopened `reassess-<n>` at the next report, over the met one).
 */
export const GRANT_KEPT_RESTARTS_JUDGEMENT_PATCH = 'grant-kept-restarts-judgement';

/** The grant was reassessed and stays as it is: the obligation met; the judgement starts afresh. */
function reassessedKept(c: Case) {
  const key = openReassessment(c)!;
  if (patched(GRANT_KEPT_RESTARTS_JUDGEMENT_PATCH)) c.s = keptAsItIs(c.s);
  return meetOne(c, key);
}

function openReassessment(c: Case): string | undefined {
  return c.core.openObligations().find((o) => o.kind === 'grant_reassessment')?.key;
}

function dueAfter(now: number, days: number): LocalDate {
  return addDays(localDate(now), days);
}

/** A temporary grant: the expiry decision is due the lead days before its last day. */
function openExpiry(c: Case, now: number): void {
  const endsOn = c.s.terms.endsOn;
  if (!endsOn || c.s.expiryDecided || c.s.endDecided) return;
  c.core.open({ key: expiryKey(endsOn), kind: 'grant_expiry', dueDay: expiryDueDay(endsOn, c.input.grantRules, now), now, params: { endsOn } });
}

async function recordGrant(c: Case): Promise<void> {
  const s = c.s;
  await run('recordGrant', `grant: ${s.step}, ${s.terms.serviceCode} ${s.terms.minutesPerDelivery} min × ${s.terms.deliveriesPerWeek}/week, ${s.providerCode}`, {
    caseId: c.input.caseId,
    citizenId: c.input.citizenId,
    serviceCode: s.terms.serviceCode,
    minutesPerDelivery: s.terms.minutesPerDelivery,
    deliveriesPerWeek: s.terms.deliveriesPerWeek,
    startsOn: s.terms.startsOn,
    endsOn: s.endDay ?? null,
    temporary: s.terms.endsOn !== undefined,
    providerCode: s.providerCode,
    previousProviderCode: s.previousProvider?.providerCode ?? null,
    previousProviderUntil: s.previousProvider?.until ?? null,
    nextProviderCode: s.providerChange?.toProviderCode ?? null,
    nextProviderFrom: s.providerChange?.firstDayOfNew ?? null,
    state: s.step,
  });
}

/** The hand-over of a decision to a provider: its message, and the 14:30 rule's phone task for whoever decided. */
async function handOver(c: Case, n: number, provider: string, template: string, startsOn: LocalDate, decidedBy: ActorRole, now: number, facts: Record<string, string | number> = {}) {
  if (mustPhoneProvider(now, startsOn)) {
    c.core.open({ key: phoneKey(n, provider), kind: 'provider_phone_call', dueDay: startsOn, actor: decidedBy, now, params: { decision: n } });
  }
  await message(c, { key: `provider:${n}:${provider}`, to: 'provider', id: provider, template, providers: { providerName: provider }, facts });
}

/** The decision's letter to the citizen (with the appeal guidance): one per decision. */
function letter(c: Case, n: number, template: string, reason: GrantReason, providers: Record<string, string> = {}, facts: Record<string, string | number> = {}) {
  return message(c, { key: `letter:${n}`, to: 'citizen', id: c.input.citizenId, template, reason, providers, facts });
}

async function message(
  c: Case,
  m: { key: string; to: 'citizen' | 'provider'; id: string; template: string; reason?: GrantReason; providers: Record<string, string>; facts?: Record<string, string | number> },
): Promise<void> {
  const s = c.s;
  await run('sendGrantMessage', `${m.template} → ${m.to}${m.to === 'provider' ? ` ${m.id}` : ''}`, {
    caseId: c.input.caseId,
    key: m.key,
    addressee: { kind: m.to, id: m.id },
    template: m.template,
    decidedOn: localDate(Date.now()),
    caseNumber: workflowInfo().workflowId,
    serviceCode: s.terms.serviceCode,
    ...(m.reason ? { reason: m.reason } : {}),
    providers: m.providers,
    facts: {
      minutesPerDelivery: s.terms.minutesPerDelivery,
      deliveriesPerWeek: s.terms.deliveriesPerWeek,
      startsOn: s.terms.startsOn,
      // the last day the grant runs: a decided end's, else the temporary grant's own
      endsOn: s.endDay ?? s.terms.endsOn ?? null,
      ...m.facts,
    },
  });
}

