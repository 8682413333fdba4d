/**
 * The allocator's pure parts: names, allocation order, and the state it carries across
 * continue-as-new. No Temporal imports: the API and the unit tests use them too.
 */
import { PRIORITY_ORDER, type Priority } from '../../domain/rules.js';
import type { JoinRequest, Offer, PlaceView, Stay } from './messages.js';

/**
 * A place type (pladstype) is a short lower-case slug (letters incl. æøå, digits, - and _); it
 * names the allocator workflow. `normalisePlaceType` turns "Midlertidig Rehabilitering" into
 * "midlertidig-rehabilitering", so every entry point files a type under the same name.
 */
export const PLACE_TYPE_PATTERN = /^[\p{Ll}\p{N}][\p{Ll}\p{N}_-]{0,59}$/u;

export function normalisePlaceType(raw: string): string {
  return raw.trim().toLowerCase().replace(/\s+/g, '-');
}

export function allocatorWorkflowId(placeType: string): string {
  return `allocator-${placeType}`;
}

/**
 * The workflow id of the case an entry, offer or stay belongs to: the case number it joined
 * with; `case-<caseId>` for one carried over from before case numbers.
 */
export function caseTarget(x: { caseId: string; workflowId?: string }): string {
  return x.workflowId ?? `case-${x.caseId}`;
}

export interface AllocPlace extends PlaceView {
  seq: number;
}

export interface Entry extends JoinRequest {
  seq: number;
  state: 'waiting' | 'offered' | 'in_stay';
  /**
   * Set when the database refused an offer to this citizen (an open offer or stay elsewhere):
   * not offered anything before this instant, then tried again.
   */
  blockedUntil?: number;
}

export interface AllocatorState {
  places: AllocPlace[];
  entries: Entry[];
  offers: Offer[];
  stays: Stay[];
  /** Cases that left (a late duplicate join is ignored). Bounded. */
  departed: string[];
  seq: number;
}

export interface AllocatorInput {
  placeType: string;
  state?: AllocatorState;
}

const priorityRank = (p: Priority) => PRIORITY_ORDER.indexOf(p);

/** Allocation order: highest priority, then oldest waiting-list date, then arrival. */
export function byAllocationOrder(
  a: Pick<Entry, 'priority' | 'waitingSince' | 'seq'>,
  b: Pick<Entry, 'priority' | 'waitingSince' | 'seq'>,
): number {
  return priorityRank(a.priority) - priorityRank(b.priority) || a.waitingSince - b.waitingSince || a.seq - b.seq;
}

/** The next instant the allocator must act on its own: a reply deadline or the end of a block. */
export function nextAllocatorInstant(s: Pick<AllocatorState, 'offers' | 'entries'>): number | undefined {
  const instants = [...s.offers.map((o) => o.replyBy), ...s.entries.flatMap((e) => (e.blockedUntil === undefined ? [] : [e.blockedUntil]))];
  return instants.length ? Math.min(...instants) : undefined;
}
