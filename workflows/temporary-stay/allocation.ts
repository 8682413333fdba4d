/**
 * Allocation of temporary 24-hour places (midlertidigt døgnophold), source 003: "when a place
 * becomes vacant it is offered to the citizen with the highest priority and, among equals, the
 * oldest waiting-list date; a place is never given to two citizens".
 *
 * One long-running allocator workflow per place type (pladstype), `allocator-<placeType>`, is
 * the single writer of that type's waiting list, places, offers and stays. Every change reaches
 * it as a message (a case joins or leaves, a place is added/closed/reopened, an offer is
 * answered, a priority changes) and its handlers change the in-memory state synchronously, so
 * Temporal's one-activation-at-a-time execution serialises every allocation decision: two
 * places freed at once are two messages handled one after the other, never a race. After each
 * batch of messages the main loop expires due offers, allocates, and then carries out the
 * resulting effects in order (database projection first, then a signal to the case concerned).
 * The database's partial unique indexes (one open offer / running stay per place and per
 * citizen) are the last line of defence.
 *
 * The state and what each message does to it are in allocation-state.ts (plain data, no
 * Temporal); this file holds the handlers, the queue of effects and the main loop.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/common';
import type { AllocationEffect } from '../../db/queries/temporary-stay.js';
import { formatLocal } from '../../domain/calendar.js';
import { run } from '../shared/case-core.js';
import {
  addPlace,
  allocate,
  allocationView,
  changePriority,
  emptyAllocatorState,
  expireDue,
  join,
  leave,
  nextAllocatorInstant,
  offerRefused,
  placeView,
  reply,
  setPlaceOpen,
  validateAddPlace,
  validatePriorityChange,
  validateReply,
  validateSetPlaceOpen,
  type AllocatorEffect,
  type AllocatorInput,
  type AllocatorState,
} from './allocation-state.js';
import {
  arrive,
  book,
  cancelBooking,
  endIntervalStay,
  heldForInterval,
  lapseBookings,
  validateArrival,
  validateBooking,
  validateCancel,
  validateEnd,
} from './interval-state.js';
import { bookIntervalUpdate, cancelIntervalUpdate, intervalArrivedUpdate, intervalEndedUpdate } from './interval-messages.js';
import {
  addPlaceUpdate,
  allocationEventSignal,
  allocationQuery,
  changePriorityUpdate,
  joinWaitingListSignal,
  leaveWaitingListSignal,
  replyToOfferUpdate,
  setPlaceOpenUpdate,
  wakeAllocatorSignal,
  type JoinRequest,
  type LeaveReason,
} from './messages.js';

export {
  allocatorWorkflowId,
  byAllocationOrder,
  normalisePlaceType,
  PLACE_TYPE_PATTERN,
  type AllocatorInput,
  type AllocatorState,
} from './allocation-state.js';

/** Short timeout: these are single small transactions, and a write lost with a worker should be retried soon. */
const ALLOC_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

function effectSummary(e: AllocationEffect): string {
  switch (e.kind) {
    case 'place':
      return `record place ${e.placeId} (${e.status})`;
    case 'placeStatus':
      return `place ${e.placeId} → ${e.status}`;
    case 'offer':
      return `offer ${e.offerId}: place ${e.placeId} to case ${e.caseId}, reply by ${formatLocal(e.replyBy)}`;
    case 'offerClosed':
      return `offer ${e.offerId} ${e.status}; place ${e.placeId} ${e.placeStatus}`;
    case 'stayStarted':
      return `stay ${e.offerId} starts: place ${e.placeId}, case ${e.caseId}, planned end ${e.plannedEndDate}`;
    case 'stayEnded':
      return `stay ${e.offerId} ends (${e.reason}); place ${e.placeId} ${e.placeStatus}`;
    case 'priority':
      return `priority of case ${e.caseId}: ${e.from} → ${e.to} (${e.reason})`;
    case 'left':
      return `case ${e.caseId} leaves the list (${e.reason})`;
  }
}

/** An effect in the queue, numbered so a handler can wait until its own is carried out. */
type Work = { seq: number } & AllocatorEffect;

/** One place type's allocator in this run: its state and the effects still to carry out. */
interface Allocator {
  placeType: string;
  s: AllocatorState;
  /** Effects to carry out, in order (the main loop works through them). */
  work: Work[];
  /** The number of the last effect queued, and of the last carried out. */
  pushed: number;
  done: number;
  /** Something changed: the main loop allocates again. */
  wake: boolean;
  /** Offers the database refused: their case is not told about them. */
  refusedOffers: Set<string>;
}

export async function placeTypeAllocatorWorkflow(input: AllocatorInput): Promise<void> {
  const a = newAllocator(input);
  registerHandlers(a);
  for (;;) {
    // sleep until a message changes something, or until the next reply deadline or retry
    const next = nextAllocatorInstant(a.s);
    const wait = next === undefined ? undefined : next - Date.now();
    if (wait === undefined) await condition(() => a.wake);
    else if (wait > 0) await condition(() => a.wake, wait, { summary: `next reply deadline or retry at ${formatLocal(next!)}` });
    a.wake = false;
    queue(a, expireDue(a.s, Date.now()));
    queue(a, allocate(a.s, Date.now(), uuid4, intervalHold(a)));
    while (a.work.length) {
      const w = a.work[0]!;
      await perform(a, w);
      a.work.shift();
      a.done = w.seq;
    }
    if (workflowInfo().continueAsNewSuggested && (await readyToContinueAsNew(a))) {
      await continueAsNew<typeof placeTypeAllocatorWorkflow>({ placeType: a.placeType, state: a.s });
    }
  }
}

function newAllocator(input: AllocatorInput): Allocator {
  return { placeType: input.placeType, s: input.state ?? emptyAllocatorState(), work: [], pushed: 0, done: 0, wake: false, refusedOffers: new Set() };
}

/** Handlers change the state synchronously and queue its effects; an update answers once its effects are carried out. */
function registerHandlers(a: Allocator): void {
  setHandler(wakeAllocatorSignal, () => {
    a.wake = true;
  });
  setHandler(joinWaitingListSignal, (req) => joinWaitingList(a, req));
  setHandler(leaveWaitingListSignal, ({ caseId, reason }) => leaveWaitingList(a, caseId, reason));
  setHandler(addPlaceUpdate, (req) => newPlace(a, req), { validator: (req) => validateAddPlace(a.s, req) });
  setHandler(setPlaceOpenUpdate, (req) => openOrClosePlace(a, req), { validator: (req) => validateSetPlaceOpen(a.s, a.placeType, req) });
  setHandler(replyToOfferUpdate, (req) => replyToOffer(a, req), { validator: (req) => validateReply(a.s, req, Date.now()) });
  setHandler(changePriorityUpdate, (req) => newPriority(a, req), { validator: (req) => validatePriorityChange(a.s, req) });
  setHandler(allocationQuery, () => allocationView(a.s, a.placeType));
  registerIntervalHandlers(a);
}

// ---- interval stays (intervalophold) ---------------------------------------------------------

/**
 * Patch id: the allocator keeps interval bookings and never offers a place held for them. Only a
 * run that has bookings asks (histories without bookings are unchanged); before: no bookings.
 */
export const INTERVAL_BOOKINGS_PATCH = 'allocator-interval-bookings';

/** Which places are held for interval stays (lapsed no-shows released first); none while nothing is booked. */
function intervalHold(a: Allocator): ((placeId: string) => boolean) | undefined {
  if (!a.s.bookings?.length || !patched(INTERVAL_BOOKINGS_PATCH)) return undefined;
  lapseBookings(a.s, Date.now());
  return (placeId) => heldForInterval(a.s, placeId);
}

function registerIntervalHandlers(a: Allocator): void {
  setHandler(
    bookIntervalUpdate,
    (req) => {
      const b = book(a.s, req);
      a.wake = true;
      return { ...b };
    },
    { validator: (req) => validateBooking(a.s, req, Date.now()) },
  );
  setHandler(
    cancelIntervalUpdate,
    ({ bookingId }) => {
      const b = cancelBooking(a.s, bookingId);
      a.wake = true;
      return { ...b };
    },
    { validator: ({ bookingId }) => validateCancel(a.s, bookingId) },
  );
  setHandler(
    intervalArrivedUpdate,
    async ({ bookingId }) => {
      await flushed(a, queue(a, arrive(a.s, bookingId, Date.now())));
      return { ...a.s.bookings!.find((b) => b.bookingId === bookingId)! };
    },
    { validator: ({ bookingId }) => validateArrival(a.s, bookingId, Date.now()) },
  );
  setHandler(
    intervalEndedUpdate,
    async ({ bookingId }) => {
      const placeId = a.s.bookings!.find((b) => b.bookingId === bookingId)!.placeId;
      await flushed(a, queue(a, endIntervalStay(a.s, bookingId, Date.now())));
      return { bookingId, placeId };
    },
    { validator: ({ bookingId }) => validateEnd(a.s, bookingId) },
  );
}

// ---- the queue of effects -------------------------------------------------------------------

/** Queues effects in order and wakes the main loop. Returns the number of the last effect queued. */
function queue(a: Allocator, effects: AllocatorEffect[]): number {
  for (const e of effects) {
    a.pushed += 1;
    a.work.push({ ...e, seq: a.pushed });
    a.wake = true;
  }
  return a.pushed;
}

/** Resolves once every effect up to `seq` is carried out (the database shows it). */
function flushed(a: Allocator, seq: number): Promise<void> {
  return condition(() => a.done >= seq);
}

/** Carries out one effect: a database write (one small transaction) or a signal to the case concerned. */
async function perform(a: Allocator, w: Work): Promise<void> {
  if (w.type === 'db') {
    const ok = await run('applyAllocationEffect', effectSummary(w.effect), w.effect, ALLOC_OPTIONS);
    if (!ok && w.effect.kind === 'offer') {
      // Refused by a unique index: the citizen holds an offer or a place elsewhere.
      a.refusedOffers.add(w.effect.offerId);
      queue(a, offerRefused(a.s, w.effect, Date.now()));
    }
    return;
  }
  if (w.event.kind === 'offered' && a.refusedOffers.has(w.event.offerId)) return;
  try {
    await getExternalWorkflowHandle(w.workflowId).signal(allocationEventSignal, w.event);
  } catch {
    // The case has closed; its leave message brings the allocator up to date.
  }
}

/** Continue-as-new only with every handler finished and nothing queued or waking the loop. */
async function readyToContinueAsNew(a: Allocator): Promise<boolean> {
  await condition(() => allHandlersFinished() || a.work.length > 0 || a.wake);
  return a.work.length === 0 && !a.wake;
}

// ---- handlers ---------------------------------------------------------------------------

/** A case joins the waiting list (ventelisten). */
function joinWaitingList(a: Allocator, req: JoinRequest): void {
  if (join(a.s, req)) a.wake = true;
}

/** A case leaves the list: its offer is withdrawn, its stay ends and the place is offered again. */
function leaveWaitingList(a: Allocator, caseId: string, reason: LeaveReason): void {
  queue(a, leave(a.s, caseId, reason, Date.now()));
  a.wake = true;
}

async function newPlace(a: Allocator, req: { placeId: string; facilityId: string; label: string }) {
  const { place, effects } = addPlace(a.s, a.placeType, req, Date.now());
  await flushed(a, queue(a, effects));
  return placeView(place);
}

async function openOrClosePlace(a: Allocator, req: { placeId: string; open: boolean }) {
  const { place, effects } = setPlaceOpen(a.s, req, Date.now());
  await flushed(a, queue(a, effects));
  return placeView(place);
}

/** The citizen's answer to an offer, recorded by the housing team lead. */
async function replyToOffer(a: Allocator, req: { caseId: string; offerId: string; accept: boolean; plannedEndDate?: string }) {
  const { answer, effects } = reply(a.s, req, Date.now());
  await flushed(a, queue(a, effects));
  return answer;
}

async function newPriority(a: Allocator, req: Parameters<typeof changePriority>[1]) {
  const { answer, effects } = changePriority(a.s, req, Date.now());
  await flushed(a, queue(a, effects));
  return answer;
}
