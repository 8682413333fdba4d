/**
 * The effects of a hospital notification on the citizen's open cases: each case type says how it
 * reacts (`hospitalEvents` in its module); the reaction goes through the one decision path
 * (`decide`) as the case's own Update, its id fixed by the message (`medcom-<message id>`), so a
 * repeated message reaches the workflow once. A refusal (the case is past that step) is recorded,
 * never an error of the message. A cancellation (AN_) of an event whose effect changed a case is
 * never undone silently: the case is marked for review in the advis inbox.
 */
import type { FastifyRequest } from 'fastify';
import { citizenEventOf, type EpisodeMessage, type EpisodeView } from '../../domain/hospital-episodes.js';
import { getCase } from '../../db/queries/cases.js';
import { openCasesOf, storedNotification } from '../../db/queries/medcom.js';
import type { NotificationEffect } from '../../db/schema/medcom.js';
import { citizenLeaveUpdate } from '../../workflows/shared/messages.js';
import type { HospitalEventReaction } from '../case-types/case-type.js';
import { caseTypeNamed } from '../case-types/index.js';
import { openCancellationReview } from '../case-types/notification-review/index.js';
import type { ApiDeps } from '../context.js';
import { decide } from '../decisions.js';
import { HttpError, updateRefusal } from '../errors.js';

export async function effectsOf(deps: ApiDeps, request: FastifyRequest, o: { message: EpisodeMessage; view: EpisodeView; citizenId: string }): Promise<NotificationEffect[]> {
  const db = deps.database.db;
  if (o.message.kind === 'cancellation') return reviewsOfCancelled(deps, request, o.message, o.citizenId);
  const event = citizenEventOf(o.message, o.view);
  if (!event) return [];
  const effects: NotificationEffect[] = [];
  for (const c of await openCasesOf(db, o.citizenId)) {
    const module = caseTypeNamed(c.type);
    // leave (orlov) concerns every open case alike: the case core shows it and pauses what pauses on leave
    const reaction: HospitalEventReaction | undefined =
      event.kind === 'leave' ? { kind: 'update', update: citizenLeaveUpdate, args: [{ onLeave: event.onLeave }] } : module?.hospitalEvents?.(event, c);
    if (!module || !reaction) continue;
    const base = { caseId: c.id, caseNumber: c.workflowId, event: event.kind === 'leave' ? (event.onLeave ? 'leave_started' : 'leave_ended') : event.kind };
    if (reaction.kind === 'review') {
      effects.push({ ...base, outcome: 'review', reason: reaction.reason });
      continue;
    }
    try {
      await decide(deps, request, { caseId: c.id, caseType: module, update: reaction.update, args: () => reaction.args, updateId: `medcom-${o.message.messageId}` });
      effects.push({ ...base, outcome: 'applied' });
    } catch (err) {
      // the case is past that step, or ended meanwhile: recorded, not an error of the message
      const refusal = updateRefusal(err) ?? (err instanceof HttpError && (err.statusCode === 409 || err.statusCode === 404) ? err.message : undefined);
      if (refusal === undefined) throw err;
      effects.push({ ...base, outcome: 'refused', reason: refusal });
    }
  }
  // the request's own audit row concerns the message, not the last case (each case has its own row)
  request.auditCaseId = undefined;
  return effects;
}

/**
 * A cancelled leave event (AN_STOR, AN_SLOR): the leave shown on the cases and their paused
 * obligations follow the episode's restored state (a leave that never was pauses nothing); the
 * review case still names the cases. Every other effect stays as it is (never a silent undo).
 */
async function restoreLeave(deps: ApiDeps, request: FastifyRequest, message: EpisodeMessage, applied: NotificationEffect[]): Promise<void> {
  for (const e of applied) {
    if (e.event !== 'leave_started' && e.event !== 'leave_ended') continue;
    const type = await openCaseType(deps, e.caseId);
    const module = type ? caseTypeNamed(type) : undefined;
    if (!module) continue;
    try {
      await decide(deps, request, { caseId: e.caseId, caseType: module, update: citizenLeaveUpdate, args: () => [{ onLeave: e.event === 'leave_ended' }], updateId: `medcom-${message.messageId}` });
    } catch (err) {
      if ((updateRefusal(err) ?? (err instanceof HttpError && (err.statusCode === 409 || err.statusCode === 404) ? err.message : undefined)) === undefined) throw err;
    }
  }
  request.auditCaseId = undefined;
}

/** The type of a case still open (undefined: closed or unknown). */
async function openCaseType(deps: ApiDeps, caseId: string): Promise<string | undefined> {
  const row = await getCase(deps.database.db, caseId);
  return row && !row.closedAt ? row.type : undefined;
}

/**
 * A cancelled event that changed or closed cases: a review case of its own (it outlives them)
 * with an obligation for the needs assessor, due the next working day — never a silent undo. Each
 * case it concerns is marked `review` naming that review case.
 */
async function reviewsOfCancelled(deps: ApiDeps, request: FastifyRequest, message: EpisodeMessage, citizenId: string): Promise<NotificationEffect[]> {
  const target = message.targetMessageId ? await storedNotification(deps.database.db, message.targetMessageId) : undefined;
  const applied = (target?.effects ?? []).filter((e) => e.outcome === 'applied');
  if (!applied.length || !message.targetMessageId) return [];
  await restoreLeave(deps, request, message, applied);
  const concerns = [...new Map(applied.map((e) => [e.caseId, { caseId: e.caseId, caseNumber: e.caseNumber }])).values()];
  const review = await openCancellationReview(deps, { citizenId, messageId: message.messageId, cancelledMessageId: message.targetMessageId, concerns });
  return applied.map((e) => ({
    caseId: e.caseId,
    caseNumber: e.caseNumber,
    event: 'cancelled',
    outcome: 'review',
    reviewCaseId: review.caseId,
    reason: `the hospital cancelled the ${e.event} event this case acted on: review it (review case ${review.caseNumber}, due the next working day)`,
  }));
}
