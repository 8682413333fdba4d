/**
 * The one clock and the one mirror every case workflow uses.
 *
 * Clock: a case sleeps until the earliest pending instant of its obligations (at risk, warning,
 * escalation) or until a message changes it, then applies what is due: an obligation turns at
 * risk, a warning fires, a missed obligation escalates (once: the escalation row and its
 * outbox row are written by the idempotent mirror activity, keyed by case + obligation key).
 *
 * Mirror: after each change the case writes what it shows, in one activity: the `cases` row
 * (step, worst SLA state, next due, who acts), its changed obligations (one row per case + key,
 * upserted) and any escalations; and it sets its search attributes and current details (one
 * helper, only what changed). When the case ends, every open obligation is cancelled and what
 * no longer applies is cleared.
 *
 * Deterministic: no I/O but activities, no clock but the workflow's.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityOptions, LocalActivityOptions, SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../../activities/index.js';
import type { CaseMirror, EscalationInput, ObligationRow } from '../../db/queries/case-mirror.js';
import { formatLocal } from '../../domain/calendar.js';
import { OBLIGATION_KINDS, type ActorRole, type RuleSet } from '../../domain/rules.js';
import {
  advance,
  caseSla,
  closeObligation,
  describeObligation,
  isOpen,
  newObligation,
  nextInstant,
  pauseObligation,
  resumeObligation,
  type ClockEffect,
  type Obligation,
  type OpenOptions,
} from './obligations.js';
import { citizenLeaveUpdate } from './messages.js';
import {
  ActingRoleKey,
  CaseStepKey,
  CitizenOnLeaveKey,
  EscalatedKey,
  NextDueAtKey,
  NextDueDayKey,
  NextEscalationAtKey,
  SlaStateKey,
} from './search-attributes.js';

/**
 * Patch id: the search attributes show the earliest open due day also when it is breached
 * (`NextDueDay`, `NextDueAt`) and the next escalation still to come in `NextEscalationAt`.
 * Histories recorded before it keep the old upserts (`NextDueAt`/`NextDueDay` = the next
 * escalation still to come, empty once every open obligation is breached).
 */
export const EARLIEST_DUE_ATTRIBUTES_PATCH = 'search-attributes-earliest-due-day';

/**
 * Patch id: a mirror that failed for good (a non-retryable failure of the mirror activity, e.g. a
 * value the database can never accept) no longer blocks the mirrors after it: the failure is
 * logged (codes only) and what it carried goes with the next mirror, which writes the whole
 * current state. Histories recorded before it keep the old chain (a failed mirror rejects every
 * later one).
 */
export const MIRROR_FAILURE_PATCH = 'mirror-failure-does-not-block';

/**
 * Patch id: the citizen's leave from the hospital (orlov, `citizenLeave` Update) shows on the case
 * (`CitizenOnLeave`, the case row's `on_leave_since`) and pauses the obligations whose kind
 * pauses on leave. Histories recorded before it never received the Update.
 */
export const CITIZEN_LEAVE_PATCH = 'citizen-leave-pauses-obligations';

/** The retry policy every case activity uses (retry until the database answers; bounded by the activity's own classification). */
export const ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
};
export const acts = proxyActivities<Activities>(ACTIVITY_OPTIONS);

/**
 * The mirror as a local activity: it runs in the worker inside the workflow task that asked for
 * it, so a decision, an intake or an escalation is one workflow task instead of two and no
 * activity task travels through the server (docs/benchmarks.md). Same retry policy as every case
 * activity (retry until the database answers): within `localRetryThreshold` the worker retries in
 * place, beyond it the workflow sleeps on a timer between attempts. The mirror is idempotent
 * (keyed by case + obligation / escalation key), so a workflow task that is retried and runs it
 * again never writes a row twice.
 */
export const LOCAL_MIRROR_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: ACTIVITY_OPTIONS.startToCloseTimeout,
  retry: ACTIVITY_OPTIONS.retry,
  localRetryThreshold: '10 seconds',
};
const localActs = proxyLocalActivities<Activities>(LOCAL_MIRROR_OPTIONS);

/** Runs an activity with a readable summary (shown in the Web UI's event history). */
export function run<K extends keyof Activities>(
  name: K,
  summary: string,
  arg: Parameters<Activities[K]>[0],
  options: ActivityOptions = ACTIVITY_OPTIONS,
): Promise<Awaited<ReturnType<Activities[K]>>> {
  const fn = acts[name] as unknown as {
    executeWithOptions(o: ActivityOptions, a: unknown[]): Promise<Awaited<ReturnType<Activities[K]>>>;
  };
  return fn.executeWithOptions({ ...options, summary }, [arg]);
}

/**
 * Patch id: a database write that needs no activity task — the bed-day period's start (psychiatric
 * færdigmelding, the hospital's færdigbehandlet) — runs as a local activity inside the workflow
 * task that asked for it: a psychiatric intake is one workflow task instead of two, with no
 * activity task through the server. Histories recorded before it keep their activity tasks. The
 * write is idempotent (keyed by case), so a workflow task that is retried and runs it again writes
 * nothing twice. (The temporary stay's application stays an activity task: it signals the place
 * type's allocator, and on the time-skipping test server a local activity that calls the server
 * stalled the allocation property test.)
 */
export const WRITES_LOCAL_PATCH = 'writes-as-local-activities';

/** Runs an activity as a local activity inside the workflow task, with a readable summary. */
function runLocal<K extends keyof Activities>(name: K, summary: string, arg: Parameters<Activities[K]>[0]): Promise<Awaited<ReturnType<Activities[K]>>> {
  const fn = localActs[name] as unknown as {
    executeWithOptions(o: LocalActivityOptions, a: unknown[]): Promise<Awaited<ReturnType<Activities[K]>>>;
  };
  return fn.executeWithOptions({ ...LOCAL_MIRROR_OPTIONS, summary }, [arg]);
}

/** Runs a database write locally in the workflow task (cases under `WRITES_LOCAL_PATCH`), else as an activity task. */
export function runWrite<K extends keyof Activities>(name: K, summary: string, arg: Parameters<Activities[K]>[0]): Promise<Awaited<ReturnType<Activities[K]>>> {
  return patched(WRITES_LOCAL_PATCH) ? runLocal(name, summary, arg) : run(name, summary, arg);
}

/** What the case shows besides its obligations. */
export interface CaseView {
  step: string;
  /** Non-sensitive case facts for lists and reports (ids, codes, dates). */
  details?: Record<string, unknown>;
  /** Who acts when no obligation is open (e.g. a step waiting on the hospital). */
  actingRole?: ActorRole | 'hospital';
}

export interface CaseCoreOptions {
  caseId: string;
  /** The case type's name (`workflows/<case type>/case-type.ts`). */
  caseType: string;
  rules: RuleSet;
  view: () => CaseView;
  /** The message of an escalation or warning (ids, dates and codes only). */
  message?: (effect: ClockEffect) => string;
  /** The case's own reaction to a clock effect (applied before anything is written). */
  onEffect?: (effect: ClockEffect) => void;
  /** The case row to insert with the first mirror (the case opens). */
  opening?: CaseMirror['open'];
  /** Obligations carried over from a previous run (continue-as-new). */
  carried?: Obligation[];
  /** The citizen's leave carried over (`carriedLeave()` of the previous run). */
  carriedLeave?: number | null;
}

export function defaultMessage(effect: ClockEffect): string {
  const o = effect.obligation;
  const action = OBLIGATION_KINDS[o.kind].action;
  if (effect.type === 'warning') return `Warning: "${action.en}" (${action.da}) is due ${o.dueDay} (${o.key}).`;
  return `"${action.en}" (${action.da}) was due by ${o.dueDay} and has not been recorded (${o.key}).`;
}

export class CaseCore {
  readonly obligations: Obligation[];
  /** Bumped on every change: wakes the clock. */
  version = 0;
  private ended?: { closedAt: number; outcome: string };
  /** The end has been handed to the mirror (written once). */
  private endMirrored = false;
  private chain: Promise<void> = Promise.resolve();
  private applying = false;
  private dirty = new Set<string>();
  private escalations: EscalationInput[] = [];
  private opening?: CaseMirror['open'];
  private mirrored = { step: '', details: '', sla: '' };
  private shown = '';
  private details = '';
  /** The citizen is on leave since this instant (undefined: not on leave). */
  private onLeaveSince?: number;
  /** A leave Update has come (the case shows `CitizenOnLeave` from then on). */
  private leaveKnown = false;

  constructor(private readonly o: CaseCoreOptions) {
    this.obligations = o.carried ? o.carried.map((x) => ({ ...x, warnings: x.warnings.map((w) => ({ ...w })) })) : [];
    this.opening = o.opening;
    // A continued run starts from what the previous run mirrored.
    if (o.carried) this.mirrored.step = '\u0000carried';
    if (o.carriedLeave !== undefined) {
      this.leaveKnown = true;
      this.onLeaveSince = o.carriedLeave ?? undefined;
    }
    setHandler(citizenLeaveUpdate, (a) => this.leave(a.onLeave), {
      validator: (_a: { onLeave: boolean }) => {
        if (this.ended) throw new Error(`the case is closed (${this.ended.outcome})`);
      },
    });
  }

  /** The citizen's leave starts or ends: shown on the case; the obligations that pause on leave pause or resume. */
  private async leave(onLeave: boolean): Promise<{ onLeave: boolean; obligations: string[] }> {
    const keys: string[] = [];
    if (patched(CITIZEN_LEAVE_PATCH) && onLeave !== (this.onLeaveSince !== undefined)) {
      this.applyDue();
      const now = Date.now();
      this.leaveKnown = true;
      this.onLeaveSince = onLeave ? now : undefined;
      for (const ob of this.obligations) {
        if (!OBLIGATION_KINDS[ob.kind].pausesOnLeave) continue;
        const changed = onLeave ? pauseObligation(ob, now) : ob.state === 'paused' && (resumeObligation(ob, now), true);
        if (changed) {
          keys.push(ob.key);
          this.dirty.add(ob.key);
        }
      }
      this.changed();
    }
    await this.sync();
    return { onLeave: this.onLeaveSince !== undefined, obligations: keys };
  }

  /** The leave to carry into the next run: since when (null: back), undefined when none was reported. */
  carriedLeave(): number | null | undefined {
    return this.leaveKnown ? (this.onLeaveSince ?? null) : undefined;
  }

  /** Since when the citizen is on leave (undefined: not on leave). */
  get citizenOnLeaveSince(): number | undefined {
    return this.onLeaveSince;
  }

  changed(): void {
    this.version++;
  }

  get(key: string): Obligation | undefined {
    return this.obligations.find((x) => x.key === key);
  }

  open(options: Omit<OpenOptions, 'now' | 'escalationLocalHour'> & { now?: number }): Obligation {
    const existing = this.get(options.key);
    if (existing && isOpen(existing)) return existing;
    const ob = newObligation({ ...options, now: options.now ?? Date.now(), escalationLocalHour: this.o.rules.escalationLocalHour });
    // opened while the citizen is on leave: its clock starts when the citizen is back
    if (this.onLeaveSince !== undefined && OBLIGATION_KINDS[ob.kind].pausesOnLeave) pauseObligation(ob, ob.openedAt);
    if (existing) this.obligations.splice(this.obligations.indexOf(existing), 1, ob);
    else this.obligations.push(ob);
    this.dirty.add(ob.key);
    this.changed();
    return ob;
  }

  /** Met (or met late, after its escalation). Returns the obligation when it was open. */
  meet(key: string, at = Date.now()): Obligation | undefined {
    // an instant that passed in this same activation (a message and its timer together) is applied first
    this.applyDue();
    const ob = this.get(key);
    if (!ob || !closeObligation(ob, at, 'met')) return undefined;
    this.dirty.add(key);
    this.changed();
    return ob;
  }

  cancel(key: string, at = Date.now()): void {
    this.applyDue();
    const ob = this.get(key);
    if (ob && closeObligation(ob, at, 'cancelled')) {
      this.dirty.add(key);
      this.changed();
    }
  }

  isOpen(key: string): boolean {
    const ob = this.get(key);
    return ob !== undefined && isOpen(ob);
  }

  openObligations(): Obligation[] {
    return this.obligations.filter(isOpen);
  }

  /** Obligations still open and those closed, for a status query. */
  view() {
    const sla = caseSla(this.obligations);
    return {
      slaState: sla.slaState,
      ...(sla.nextDueAt !== undefined ? { nextDueAt: formatLocal(sla.nextDueAt), nextDueDay: sla.nextDueDay } : {}),
      escalated: sla.escalated,
      ...(this.onLeaveSince !== undefined ? { citizenOnLeaveSince: formatLocal(this.onLeaveSince) } : {}),
      obligations: this.obligations.map(describeObligation),
    };
  }

  /** Applies every instant that has passed; writes what it raised with the next mirror. */
  private applyDue(): boolean {
    // a case's own reaction to an effect may meet or cancel obligations: no nested application
    if (this.applying) return false;
    this.applying = true;
    try {
      return this.applyDueNow();
    } finally {
      this.applying = false;
    }
  }

  private applyDueNow(): boolean {
    const now = Date.now();
    const effects = advance(this.obligations, now);
    for (const e of effects) {
      this.o.onEffect?.(e);
      this.dirty.add(e.obligation.key);
      const rule = OBLIGATION_KINDS[e.obligation.kind] as (typeof OBLIGATION_KINDS)[keyof typeof OBLIGATION_KINDS] & {
        warningKind?: string;
        warnTo?: ActorRole;
      };
      const message = (this.o.message ?? defaultMessage)(e);
      if (e.type === 'warning' && rule.warningKind) {
        this.escalations.push({
          caseId: this.o.caseId,
          key: e.warning.key,
          kind: rule.warningKind,
          severity: 'warning',
          recipientRole: rule.warnTo ?? e.obligation.actor,
          dueDay: e.obligation.dueDay,
          scheduledFor: e.warning.at,
          firedAt: now,
          message,
        });
      }
      if (e.type === 'breach' && rule.escalationKind) {
        this.escalations.push({
          caseId: this.o.caseId,
          key: e.obligation.key,
          kind: rule.escalationKind,
          severity: 'escalation',
          recipientRole: e.obligation.escalateTo,
          dueDay: e.obligation.dueDay,
          scheduledFor: e.obligation.escalateAt,
          firedAt: now,
          message,
        });
      }
    }
    if (effects.length) this.changed();
    return effects.length > 0;
  }

  /**
   * Writes what the case shows (one activity, only when something changed) and sets its search
   * attributes and current details. Mirrors run one after the other, in the order asked; the
   * promise resolves when this one is written (handlers await it so the API's answer and the
   * database agree).
   */
  sync(): Promise<void> {
    // What is already due is applied first: a case opened past an instant never shows an older state.
    if (!this.ended) this.applyDue();
    const view = this.o.view();
    const step = this.ended ? 'closed' : view.step;
    const sla = caseSla(this.obligations);
    const next = sla.next;
    const actingRole = this.ended ? null : (next?.actor ?? view.actingRole ?? null);
    const actingTeam = this.ended ? null : (next?.team ?? null);
    this.showSearchAttributes(step, sla, actingRole);
    this.showDetails(step, sla, actingRole);

    const onLeaveSince = this.ended ? undefined : this.onLeaveSince;
    const slaJson = JSON.stringify([sla.slaState, sla.nextDueAt, actingRole, actingTeam, sla.escalated, ...(this.leaveKnown ? [onLeaveSince ?? null] : [])]);
    const detailsJson = view.details ? JSON.stringify(view.details) : this.mirrored.details;
    const obligations: ObligationRow[] = [...this.dirty].map((k) => toRow(this.o.caseId, this.get(k)!));
    const escalations = this.escalations;
    const changed =
      this.opening !== undefined ||
      (this.ended !== undefined && !this.endMirrored) ||
      step !== this.mirrored.step ||
      detailsJson !== this.mirrored.details ||
      slaJson !== this.mirrored.sla ||
      obligations.length > 0 ||
      escalations.length > 0;
    if (!changed) return this.chain;
    const mirror: CaseMirror = {
      caseId: this.o.caseId,
      step,
      ...(detailsJson !== this.mirrored.details && view.details ? { details: view.details } : {}),
      sla: {
        slaState: this.ended ? null : sla.slaState,
        nextDueAt: this.ended ? null : (sla.nextDueAt ?? null),
        nextDueDay: this.ended ? null : (sla.nextDueDay ?? null),
        actingRole,
        actingTeam,
        escalated: this.ended ? false : sla.escalated,
        ...(this.leaveKnown ? { onLeaveSince: onLeaveSince ?? null } : {}),
      },
      obligations,
      escalations,
      ...(this.opening ? { open: this.opening } : {}),
      ...(this.ended && !this.endMirrored ? { end: this.ended } : {}),
    };
    if (this.ended) this.endMirrored = true;
    this.opening = undefined;
    this.dirty.clear();
    this.escalations = [];
    this.mirrored = { step, details: detailsJson, sla: slaJson };
    const summary = summaryOf(mirror);
    const written = this.chain.then(() =>
      // histories from before the local mirror keep their activity (replay); new ones run it locally
      patched('mirror-as-local-activity') ? runLocal('mirrorCase', summary, mirror) : run('mirrorCase', summary, mirror),
    );
    this.chain = patched(MIRROR_FAILURE_PATCH) ? written.catch((err: unknown) => this.mirrorFailed(mirror, err)) : written;
    return this.chain;
  }

  /**
   * A mirror failed for good: the chain goes on. What it carried (the case row to open, the
   * obligations, escalations and the end it wrote) goes with the next mirror, which writes the
   * step, details and SLA again whatever they are. Nothing is retried at once (the same value
   * would fail again): the next change, or the clock's next wake, writes it.
   */
  private mirrorFailed(mirror: CaseMirror, err: unknown): void {
    // a local activity's failure comes as the activity's own ApplicationFailure, a remote one's wrapped in an ActivityFailure
    if (!(err instanceof ActivityFailure || err instanceof ApplicationFailure) || isCancellation(err)) throw err;
    const cause = err instanceof ApplicationFailure ? err : err.cause instanceof ApplicationFailure ? err.cause : undefined;
    // codes only: the activity's failure names its SQLSTATE and a reference to its own log line
    log.warn('case mirror failed; the next mirror writes the current state', {
      caseId: this.o.caseId,
      failure: cause?.type ?? 'unknown',
      reference: /reference ([0-9a-f-]{36})/.exec(cause?.message ?? '')?.[1] ?? null,
    });
    if (mirror.open) this.opening ??= mirror.open;
    if (mirror.end) this.endMirrored = false;
    for (const ob of mirror.obligations) this.dirty.add(ob.key);
    const later = new Set(this.escalations.map((e) => e.key));
    this.escalations = [...mirror.escalations.filter((e) => !later.has(e.key)), ...this.escalations];
    this.mirrored = { step: '\u0000failed', details: '', sla: '' };
  }

  private showSearchAttributes(step: string, sla: ReturnType<typeof caseSla>, actingRole: string | null): void {
    const ended = this.ended !== undefined;
    const instant = (t: number | undefined) => (ended || t === undefined ? null : new Date(t));
    const pairs: SearchAttributeUpdatePair[] = (
      patched(EARLIEST_DUE_ATTRIBUTES_PATCH)
        ? [
            { key: CaseStepKey, value: step },
            { key: ActingRoleKey, value: ended ? null : actingRole },
            { key: NextDueAtKey, value: instant(sla.earliest?.escalateAt) },
            { key: NextDueDayKey, value: ended || !sla.earliest ? null : sla.earliest.dueDay },
            { key: NextEscalationAtKey, value: instant(sla.nextDueAt) },
            { key: SlaStateKey, value: ended ? null : sla.slaState },
            { key: EscalatedKey, value: ended ? false : sla.escalated },
          ]
        : [
            { key: CaseStepKey, value: step },
            { key: ActingRoleKey, value: ended ? null : actingRole },
            { key: NextDueAtKey, value: instant(sla.nextDueAt) },
            { key: NextDueDayKey, value: ended || sla.nextDueDay === undefined ? null : sla.nextDueDay },
            { key: SlaStateKey, value: ended ? null : sla.slaState },
            { key: EscalatedKey, value: ended ? false : sla.escalated },
          ]
    ) as SearchAttributeUpdatePair[];
    // shown once a leave has been reported (histories from before it never had one)
    if (this.leaveKnown) pairs.push({ key: CitizenOnLeaveKey, value: !ended && this.onLeaveSince !== undefined } as SearchAttributeUpdatePair);
    const json = JSON.stringify(pairs.map((p) => (p.value instanceof Date ? p.value.getTime() : p.value)));
    if (json === this.shown) return;
    this.shown = json;
    upsertSearchAttributes(pairs);
  }

  /** The Web UI's current details (Markdown): days `YYYY-MM-DD`, instants ISO 8601 with the Copenhagen offset. */
  private showDetails(step: string, sla: ReturnType<typeof caseSla>, actingRole: string | null): void {
    const lines = [`**Case** ${workflowInfo().workflowId} · **step** \`${step}\``];
    const next = sla.next;
    if (this.ended) {
      lines.push(`**Closed** ${formatLocal(this.ended.closedAt)} · outcome \`${this.ended.outcome}\``);
    } else if (next) {
      const action = OBLIGATION_KINDS[next.kind].action;
      lines.push(`**Next action** ${action.en} (*${action.da}*)`);
      lines.push(`**Who acts** \`${next.actor}\`${next.team ? ` (${next.team})` : ''}`);
      lines.push(
        next.state === 'breached'
          ? `**Due** ${next.dueDay} · overdue since ${formatLocal(next.escalateAt)} · escalated to \`${next.escalateTo}\``
          : `**Due** ${next.dueDay} · escalates ${formatLocal(next.escalateAt)} to \`${next.escalateTo}\``,
      );
      lines.push(
        next.state === 'paused'
          ? `**Paused** since ${formatLocal(next.pausedAt!)} (the citizen is on leave) · due ${next.dueDay} before the pause`
          : `**SLA** \`${sla.slaState}\`${sla.escalated ? ' · escalated' : ''}`,
      );
      if (sla.escalated && sla.nextDueAt !== undefined) lines.push(`**Next escalation** ${formatLocal(sla.nextDueAt)} (due ${sla.nextDueDay})`);
      const others = this.openObligations().length - 1;
      if (others > 0) lines.push(`${others} more open obligation${others > 1 ? 's' : ''}`);
    } else {
      lines.push(`**Who acts** ${actingRole ? `\`${actingRole}\`` : '—'} · no deadline running`);
    }
    if (!this.ended && this.onLeaveSince !== undefined) lines.push(`**Citizen on leave** (orlov) since ${formatLocal(this.onLeaveSince)}`);
    const text = lines.join('\n\n');
    if (text === this.details) return;
    this.details = text;
    setCurrentDetails(text);
  }

  /**
   * The clock: applies what is due, mirrors, and sleeps until the next instant or a change,
   * until `done()`. The one timer loop of every case type.
   */
  async runUntil(done: () => boolean, label = 'next deadline'): Promise<void> {
    for (;;) {
      const seen = this.version;
      await this.sync();
      if (done()) return;
      if (this.version !== seen) continue;
      const next = nextInstant(this.obligations);
      const wake = () => this.version !== seen || done();
      if (next === undefined) {
        await condition(wake);
      } else {
        const o = this.obligations.filter(isOpen).find((x) => x.atRiskAt === next || x.escalateAt === next || x.warnings.some((w) => w.at === next));
        await condition(wake, Math.max(next - Date.now(), 1), {
          summary: o ? `${label}: ${o.key} (${o.state === 'on_track' && o.atRiskAt === next ? 'at risk' : 'escalation'}) at ${formatLocal(next)}` : label,
        });
      }
    }
  }

  /** The case ends: every open obligation is cancelled; the mirror closes the row and clears what no longer applies. */
  end(outcome: string, closedAt = Date.now()): Promise<void> {
    if (!this.ended) this.applyDue(); // what fell due before the end is escalated, as the clock would have
    for (const ob of this.obligations) {
      if (closeObligation(ob, closedAt, 'cancelled')) this.dirty.add(ob.key);
    }
    this.ended = { closedAt, outcome };
    this.changed();
    return this.sync();
  }

  /** Obligations to carry into the next run (continue-as-new): open ones and the latest closed ones. */
  carry(keepClosed = 10): Obligation[] {
    const open = this.obligations.filter(isOpen);
    const closed = this.obligations.filter((x) => !isOpen(x)).slice(-keepClosed);
    return [...closed, ...open];
  }
}

function toRow(caseId: string, o: Obligation): ObligationRow {
  return {
    caseId,
    key: o.key,
    kind: o.kind,
    actionCode: OBLIGATION_KINDS[o.kind].action.code,
    actorRole: o.actor,
    actorTeam: o.team ?? null,
    escalateTo: o.escalateTo,
    dueDay: o.dueDay,
    atRiskAt: o.atRiskAt,
    escalateAt: o.escalateAt,
    state: o.state,
    openedAt: o.openedAt,
    atRiskSince: o.atRiskSince ?? null,
    breachedAt: o.breachedAt ?? null,
    closedAt: o.closedAt ?? null,
  };
}

function summaryOf(m: CaseMirror): string {
  const parts: string[] = [];
  if (m.open) parts.push('record the case');
  for (const e of m.escalations) parts.push(`${e.severity} ${e.key} → ${e.recipientRole}`);
  if (m.end) parts.push(`case closed: ${m.end.outcome}`);
  else parts.push(`step ${m.step}${m.sla.slaState ? `, ${m.sla.slaState}` : ''}`);
  if (m.obligations.length) parts.push(m.obligations.map((o) => `${o.key} ${o.state}`).join(', '));
  return `mirror: ${parts.join('; ')}`.slice(0, 400);
}
