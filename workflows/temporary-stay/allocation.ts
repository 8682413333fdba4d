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
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/common';
import type { AllocationEffect } from '../../db/queries/temporary-stay.js';
import { formatLocal, hoursAfter, localDate, minutesAfter } from '../../domain/calendar.js';
import { REFUSED_OFFER_RETRY_MINUTES } from '../../domain/rules.js';
import { run } from '../shared/case-core.js';
import {
  byAllocationOrder,
  caseTarget,
  nextAllocatorInstant,
  type AllocatorInput,
  type AllocatorState,
  type AllocPlace,
  type Entry,
} from './allocation-state.js';
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
  type AllocationEvent,
  type LeaveReason,
  type Offer,
  type PlaceView,
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

type Work = { seq: number } & (
  | { type: 'db'; effect: AllocationEffect }
  | { type: 'notify'; caseId: string; workflowId: string; event: AllocationEvent }
);

export async function placeTypeAllocatorWorkflow(input: AllocatorInput): Promise<void> {
  const s: AllocatorState = input.state ?? { places: [], entries: [], offers: [], stays: [], departed: [], seq: 0 };
  const placeType = input.placeType;
  const work: Work[] = [];
  let pushed = 0;
  let done = 0;
  let wake = false;
  const refusedOffers = new Set<string>();

  const push = (w: { type: 'db'; effect: AllocationEffect } | { type: 'notify'; caseId: string; workflowId: string; event: AllocationEvent }) => {
    pushed += 1;
    work.push({ ...w, seq: pushed } as Work);
    wake = true;
    return pushed;
  };
  const flushed = (seq: number) => condition(() => done >= seq);
  const place = (id: string) => s.places.find((p) => p.id === id);
  const entry = (caseId: string) => s.entries.find((e) => e.caseId === caseId);
  const offerOf = (caseId: string) => s.offers.find((o) => o.caseId === caseId);
  const view = (p: AllocPlace): PlaceView => ({
    id: p.id,
    facilityId: p.facilityId,
    label: p.label,
    status: p.status,
    since: p.since,
    passedOver: [...p.passedOver],
  });

  function setVacant(p: AllocPlace, now: number, resetPassedOver: boolean) {
    p.status = 'vacant';
    p.since = now;
    if (resetPassedOver) p.passedOver = [];
  }

  function closeOffer(o: Offer, status: 'declined' | 'expired' | 'withdrawn', at: number, leaving: boolean) {
    s.offers = s.offers.filter((x) => x.offerId !== o.offerId);
    const p = place(o.placeId)!;
    setVacant(p, Date.now(), false);
    if (status !== 'withdrawn') p.passedOver.push(o.caseId);
    const e = entry(o.caseId);
    if (e) e.state = 'waiting';
    push({
      type: 'db',
      effect: {
        kind: 'offerClosed',
        offerId: o.offerId,
        placeId: o.placeId,
        caseId: o.caseId,
        status,
        at,
        placeStatus: 'vacant',
        applicationStatus: leaving ? 'closed' : 'waiting',
      },
    });
    if (!leaving) push({ type: 'notify', caseId: o.caseId, workflowId: caseTarget(o), event: { kind: 'offerClosed', offerId: o.offerId, status, at } });
  }

  function makeOffer(p: AllocPlace, e: Entry) {
    const now = Date.now();
    const o: Offer = {
      offerId: uuid4(),
      placeId: p.id,
      caseId: e.caseId,
      workflowId: caseTarget(e),
      offeredAt: now,
      replyBy: hoursAfter(now, e.replyHours),
    };
    s.offers.push(o);
    p.status = 'offered';
    p.since = now;
    e.state = 'offered';
    push({
      type: 'db',
      effect: { kind: 'offer', offerId: o.offerId, placeId: p.id, caseId: e.caseId, citizenId: e.citizenId, offeredAt: now, replyBy: o.replyBy },
    });
    push({
      type: 'notify',
      caseId: e.caseId,
      workflowId: caseTarget(e),
      event: { kind: 'offered', offerId: o.offerId, placeId: p.id, placeLabel: p.label, offeredAt: now, replyBy: o.replyBy },
    });
  }

  /** Offers every vacant place, oldest vacancy first, to the best waiting citizen not passed over for it. */
  function allocate() {
    for (;;) {
      const ranked = s.entries.filter((e) => e.state === 'waiting' && e.blockedUntil === undefined).sort(byAllocationOrder);
      if (!ranked.length) return;
      const vacant = s.places.filter((p) => p.status === 'vacant').sort((a, b) => a.since - b.since || a.seq - b.seq);
      let made = false;
      for (const p of vacant) {
        const e = ranked.find((x) => !p.passedOver.includes(x.caseId));
        if (e) {
          makeOffer(p, e);
          made = true;
          break;
        }
      }
      if (!made) return;
    }
  }

  function expireDue() {
    const now = Date.now();
    for (const o of [...s.offers].sort((a, b) => a.replyBy - b.replyBy)) {
      if (o.replyBy <= now) closeOffer(o, 'expired', o.replyBy, false);
    }
    for (const e of s.entries) if (e.blockedUntil !== undefined && e.blockedUntil <= now) delete e.blockedUntil;
  }

  function leave(caseId: string, reason: LeaveReason) {
    if (!s.departed.includes(caseId)) {
      s.departed.push(caseId);
      if (s.departed.length > 500) s.departed.shift();
    }
    const o = offerOf(caseId);
    if (o) closeOffer(o, 'withdrawn', Date.now(), true);
    const st = s.stays.find((x) => x.caseId === caseId);
    if (st) {
      s.stays = s.stays.filter((x) => x !== st);
      const p = place(st.placeId)!;
      setVacant(p, Date.now(), true);
      push({ type: 'db', effect: { kind: 'stayEnded', offerId: st.offerId, placeId: p.id, at: Date.now(), reason, placeStatus: 'vacant' } });
    }
    if (entry(caseId)) {
      s.entries = s.entries.filter((e) => e.caseId !== caseId);
      for (const p of s.places) p.passedOver = p.passedOver.filter((c) => c !== caseId);
    }
    push({ type: 'db', effect: { kind: 'left', caseId, reason } });
    wake = true;
  }

  // ---- handlers: change state synchronously, queue effects, wait for them when the caller needs it

  setHandler(wakeAllocatorSignal, () => {
    wake = true;
  });

  setHandler(joinWaitingListSignal, (req) => {
    if (s.departed.includes(req.caseId) || entry(req.caseId)) return;
    s.seq += 1;
    s.entries.push({ ...req, seq: s.seq, state: 'waiting' });
    wake = true;
  });

  setHandler(leaveWaitingListSignal, ({ caseId, reason }) => leave(caseId, reason));

  setHandler(
    addPlaceUpdate,
    async ({ placeId, facilityId, label }) => {
      const now = Date.now();
      s.seq += 1;
      const p: AllocPlace = { id: placeId, facilityId, label, status: 'vacant', since: now, seq: s.seq, passedOver: [] };
      s.places.push(p);
      await flushed(push({ type: 'db', effect: { kind: 'place', placeId, facilityId, placeType, label, status: 'vacant', at: now } }));
      return view(p);
    },
    {
      validator: ({ placeId, facilityId, label }) => {
        if (place(placeId)) throw new Error(`place ${placeId} already exists`);
        if (s.places.some((p) => p.facilityId === facilityId && p.label === label)) {
          throw new Error(`the facility already has a place labelled "${label}"`);
        }
      },
    },
  );

  setHandler(
    setPlaceOpenUpdate,
    async ({ placeId, open }) => {
      const p = place(placeId)!;
      if (open) setVacant(p, Date.now(), true);
      else {
        p.status = 'closed';
        p.since = Date.now();
      }
      await flushed(push({ type: 'db', effect: { kind: 'placeStatus', placeId, status: p.status } }));
      return view(p);
    },
    {
      validator: ({ placeId, open }) => {
        const p = place(placeId);
        if (!p) throw new Error(`no place ${placeId} of type ${placeType}`);
        if (open && p.status !== 'closed') throw new Error(`the place is ${p.status}, not closed`);
        if (!open && p.status !== 'vacant') {
          throw new Error(`the place is ${p.status}; a place can be closed only while it is vacant`);
        }
      },
    },
  );

  setHandler(
    replyToOfferUpdate,
    async ({ caseId, accept, plannedEndDate }) => {
      const o = offerOf(caseId)!;
      const p = place(o.placeId)!;
      const e = entry(caseId)!;
      const now = Date.now();
      if (!accept) {
        closeOffer(o, 'declined', now, false);
        await flushed(pushed);
        return { offerId: o.offerId, placeId: p.id, status: 'declined' as const };
      }
      s.offers = s.offers.filter((x) => x !== o);
      s.stays.push({ offerId: o.offerId, placeId: p.id, caseId, workflowId: caseTarget(o), startedAt: now, plannedEndDate: plannedEndDate! });
      p.status = 'occupied';
      p.since = now;
      p.passedOver = [];
      e.state = 'in_stay';
      push({
        type: 'db',
        effect: { kind: 'stayStarted', offerId: o.offerId, placeId: p.id, caseId, citizenId: e.citizenId, at: now, plannedEndDate: plannedEndDate! },
      });
      await flushed(
        push({
          type: 'notify',
          caseId,
          workflowId: caseTarget(o),
          event: { kind: 'stayStarted', offerId: o.offerId, placeId: p.id, placeLabel: p.label, startedAt: now, plannedEndDate: plannedEndDate! },
        }),
      );
      return { offerId: o.offerId, placeId: p.id, status: 'accepted' as const };
    },
    {
      validator: ({ caseId, offerId, accept, plannedEndDate }) => {
        const o = offerOf(caseId);
        if (!o) {
          throw new Error(entry(caseId)?.state === 'in_stay' ? 'the citizen already has a place' : 'there is no open offer for this case');
        }
        if (o.offerId !== offerId) throw new Error(`offer ${offerId} is no longer open; the open offer is ${o.offerId}`);
        if (Date.now() >= o.replyBy) throw new Error(`the reply deadline passed at ${formatLocal(o.replyBy)}`);
        if (accept) {
          if (!plannedEndDate) throw new Error('plannedEndDate is required to accept an offer');
          if (plannedEndDate <= localDate(Date.now())) throw new Error('plannedEndDate must be after today');
        }
      },
    },
  );

  setHandler(
    changePriorityUpdate,
    async ({ caseId, priority, reason, by, changeKey }) => {
      const e = entry(caseId)!;
      const from = e.priority;
      e.priority = priority;
      push({ type: 'db', effect: { kind: 'priority', caseId, changeKey, from, to: priority, reason, by, at: Date.now() } });
      await flushed(push({ type: 'notify', caseId, workflowId: caseTarget(e), event: { kind: 'priority', priority } }));
      return { caseId, from, to: priority };
    },
    {
      validator: ({ caseId, priority }) => {
        const e = entry(caseId);
        if (!e) throw new Error('the citizen is not on the waiting list');
        if (e.state === 'in_stay') throw new Error('the citizen has moved in; the priority no longer applies');
        if (e.priority === priority) throw new Error(`the priority is already ${priority}`);
      },
    },
  );

  setHandler(allocationQuery, () => {
    const listed = s.entries.filter((e) => e.state !== 'in_stay').sort(byAllocationOrder);
    return {
      placeType,
      places: s.places.map(view),
      waitingList: listed.map((e, i) => ({
        rank: i + 1,
        caseId: e.caseId,
        citizenId: e.citizenId,
        priority: e.priority,
        waitingSince: e.waitingSince,
        state: e.state as 'waiting' | 'offered',
        offerId: offerOf(e.caseId)?.offerId,
      })),
      offers: s.offers,
      stays: s.stays,
    };
  });

  async function perform(w: Work) {
    if (w.type === 'db') {
      const ok = await run('applyAllocationEffect', effectSummary(w.effect), w.effect, ALLOC_OPTIONS);
      if (!ok && w.effect.kind === 'offer') {
        // Refused by a unique index: the citizen holds an offer or a place elsewhere.
        const { offerId, caseId, placeId } = w.effect;
        refusedOffers.add(offerId);
        s.offers = s.offers.filter((o) => o.offerId !== offerId);
        const e = entry(caseId);
        if (e) {
          e.state = 'waiting';
          e.blockedUntil = minutesAfter(Date.now(), REFUSED_OFFER_RETRY_MINUTES);
        }
        const p = place(placeId);
        if (p && p.status === 'offered') setVacant(p, Date.now(), false);
        push({ type: 'db', effect: { kind: 'placeStatus', placeId, status: p?.status ?? 'vacant' } });
      }
      return;
    }
    if (w.event.kind === 'offered' && refusedOffers.has(w.event.offerId)) return;
    try {
      await getExternalWorkflowHandle(w.workflowId).signal(allocationEventSignal, w.event);
    } catch {
      // The case has closed; its leave message brings the allocator up to date.
    }
  }

  for (;;) {
    const next = nextAllocatorInstant(s);
    const wait = next === undefined ? undefined : next - Date.now();
    if (wait === undefined) await condition(() => wake);
    else if (wait > 0) await condition(() => wake, wait, { summary: `next reply deadline or retry at ${formatLocal(next!)}` });
    wake = false;
    expireDue();
    allocate();
    while (work.length) {
      const w = work[0]!;
      await perform(w);
      work.shift();
      done = w.seq;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(() => allHandlersFinished() || work.length > 0 || wake);
      if (work.length === 0 && !wake) {
        await continueAsNew<typeof placeTypeAllocatorWorkflow>({ placeType, state: s });
      }
    }
  }
}
