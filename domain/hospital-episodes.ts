/**
 * Hospital episodes (sygehusophold) from MedCom HospitalNotification messages (Advis om
 * sygehusophold): the event each message reports, and the state of an episode folded from the
 * messages received for it. Pure: no I/O.
 *
 * | code | meaning | state after |
 * | --- | --- | --- |
 * | STIN | stay started, admitted (indlagt), Encounter.class IMP | in_progress |
 * | STAA | stay started, acute ambulant (akut ambulant), class EMER | in_progress |
 * | STOR / SLOR | leave (orlov) starts / ends | on_leave / in_progress |
 * | SLHJ | stay ended, to home or primary sector | finished |
 * | MORS | death (Patient.deceased) | finished, deceased |
 * | RE_xxx | the event xxx corrected (times, ward) | as the corrected event |
 * | AN_xxx | the event xxx cancelled (entered in error) | the state without it |
 *
 * Messages may arrive out of order: the fold orders them by the time the event occurred
 * (Provenance.occurredDateTime), never by arrival; a correction replaces the message it revises
 * (Provenance.entity role `revision` → the earlier MessageHeader), a cancellation removes it
 * (role `removal`). A correction whose original has not arrived yet stands for it.
 */

export type HospitalEvent = 'STIN' | 'STAA' | 'STOR' | 'SLOR' | 'SLHJ' | 'MORS';
export type MessageKind = 'event' | 'correction' | 'cancellation';
export type EpisodeState = 'in_progress' | 'on_leave' | 'finished';
export type EncounterClass = 'IMP' | 'EMER';

/** The IG's activity codes (medcom-hospitalNotification-messageActivities) → event and kind. */
export const ACTIVITY_CODES: Record<string, { event: HospitalEvent; kind: MessageKind }> = (() => {
  const base: Record<string, HospitalEvent> = {
    'admit-inpatient': 'STIN',
    'admit-emergency': 'STAA',
    'start-leave-inpatient': 'STOR',
    'end-leave-inpatient': 'SLOR',
    'discharge-inpatient-home': 'SLHJ',
    'discharge-emergency-home': 'SLHJ',
  };
  const out: Record<string, { event: HospitalEvent; kind: MessageKind }> = {};
  for (const [code, event] of Object.entries(base)) {
    out[code] = { event, kind: 'event' };
    out[`revise-${code}`] = { event, kind: 'correction' };
    out[`cancel-${code}`] = { event, kind: 'cancellation' };
  }
  return out;
})();

/** The code of a message as the code table names it: STIN, RE_STIN, AN_SLHJ … */
export const messageCode = (event: HospitalEvent, kind: MessageKind) => (kind === 'correction' ? `RE_${event}` : kind === 'cancellation' ? `AN_${event}` : event);

/** What one message says about its episode (no CPR, no names: codes, instants, the ward's SOR code). */
export interface EpisodeMessage {
  messageId: string;
  event: HospitalEvent;
  kind: MessageKind;
  /** The earlier message a correction revises or a cancellation removes. */
  targetMessageId?: string;
  /** When the event occurred (Provenance.occurredDateTime, epoch ms). */
  occurredAt: number;
  /** Arrival order, the tie-breaker. */
  receivedAt: number;
  encounterClass: EncounterClass;
  periodStart: number;
  periodEnd?: number;
  leaveStart?: number;
  leaveEnd?: number;
  deceased: boolean;
  /** The ward (serviceProvider) as its SOR code. */
  wardSor?: string;
}

export interface LeavePeriod {
  start: number;
  end?: number;
}

export interface EpisodeView {
  state: EpisodeState | 'cancelled';
  encounterClass?: EncounterClass;
  start?: number;
  end?: number;
  deceased: boolean;
  wardSor?: string;
  leaves: LeavePeriod[];
  /** The messages that count (after corrections and cancellations), in event order. */
  effective: { messageId: string; event: HospitalEvent; correctedBy?: string }[];
  /** The message whose event the episode stands at (its latest effective event). */
  latestMessageId?: string;
}

const byTime = (a: EpisodeMessage, b: EpisodeMessage) => a.occurredAt - b.occurredAt || a.receivedAt - b.receivedAt;

/** Folds an episode's messages, in event order, into its state. */
export function foldEpisode(messages: readonly EpisodeMessage[]): EpisodeView {
  const sorted = [...messages].sort(byTime);
  const removed = new Set(sorted.filter((m) => m.kind === 'cancellation' && m.targetMessageId).map((m) => m.targetMessageId!));
  // the latest correction of each message stands for it (a correction may itself be corrected)
  const correction = new Map<string, EpisodeMessage>();
  for (const m of sorted) if (m.kind === 'correction' && m.targetMessageId && !removed.has(m.messageId)) correction.set(m.targetMessageId, m);
  const present = new Set(sorted.map((m) => m.messageId));
  const effective: { msg: EpisodeMessage; id: string; correctedBy?: string }[] = [];
  for (const m of sorted) {
    if (removed.has(m.messageId) || m.kind === 'cancellation') continue;
    if (m.kind === 'correction') {
      // stands for its original only when that has not arrived (or was no event of its own)
      if (m.targetMessageId && present.has(m.targetMessageId)) continue;
      effective.push({ msg: m, id: m.messageId });
      continue;
    }
    const fix = correction.get(m.messageId);
    effective.push({ msg: fix ? { ...fix, occurredAt: m.occurredAt } : m, id: m.messageId, ...(fix ? { correctedBy: fix.messageId } : {}) });
  }
  const view: EpisodeView = { state: 'cancelled', deceased: false, leaves: [], effective: [] };
  for (const { msg, id, correctedBy } of effective) {
    applyEvent(view, msg);
    view.effective.push({ messageId: id, event: msg.event, ...(correctedBy ? { correctedBy } : {}) });
    view.latestMessageId = id;
  }
  return view;
}

function applyEvent(v: EpisodeView, m: EpisodeMessage): void {
  if (m.wardSor) v.wardSor = m.wardSor;
  switch (m.event) {
    case 'STIN':
    case 'STAA':
      // an acute ambulant stay that becomes an admission gets a new STIN (no SLHJ between)
      v.state = 'in_progress';
      v.encounterClass = m.encounterClass;
      v.start = v.start === undefined ? m.periodStart : Math.min(v.start, m.periodStart);
      v.end = undefined;
      return;
    case 'STOR':
      v.state = 'on_leave';
      v.start ??= m.periodStart;
      if (m.leaveStart !== undefined) v.leaves.push({ start: m.leaveStart });
      return;
    case 'SLOR': {
      v.state = 'in_progress';
      v.start ??= m.periodStart;
      const open = [...v.leaves].reverse().find((l) => l.end === undefined);
      const end = m.leaveEnd ?? m.occurredAt;
      if (open) open.end = end;
      else if (m.leaveStart !== undefined) v.leaves.push({ start: m.leaveStart, end });
      return;
    }
    case 'SLHJ':
    case 'MORS':
      v.state = 'finished';
      v.start ??= m.periodStart;
      v.encounterClass ??= m.encounterClass;
      v.end = m.periodEnd ?? m.occurredAt;
      if (m.event === 'MORS') v.deceased = true;
      for (const l of v.leaves) l.end ??= v.end;
      return;
  }
}

/** What a hospital event means for the citizen's open cases (each case type says how it reacts). */
export type CitizenEvent =
  | { kind: 'admitted'; at: number }
  | { kind: 'discharged'; at: number }
  | { kind: 'died'; at: number }
  /** Leave (orlov) starts (STOR) or ends (SLOR): shown on every open case; obligations that pause on leave pause. */
  | { kind: 'leave'; onLeave: boolean; at: number };

/**
 * The case effect of a message, if any: only an event (not a correction or cancellation) that is
 * still the episode's latest effective event (a late STIN after the SLHJ changes no case).
 */
export function citizenEventOf(m: EpisodeMessage, view: EpisodeView): CitizenEvent | undefined {
  if (m.kind !== 'event' || view.latestMessageId !== m.messageId) return undefined;
  if (m.event === 'MORS' || m.deceased) return { kind: 'died', at: m.periodEnd ?? m.occurredAt };
  if (m.event === 'STIN' || m.event === 'STAA') return { kind: 'admitted', at: m.periodStart };
  if (m.event === 'SLHJ') return { kind: 'discharged', at: m.periodEnd ?? m.occurredAt };
  if (m.event === 'STOR') return { kind: 'leave', onLeave: true, at: m.leaveStart ?? m.occurredAt };
  if (m.event === 'SLOR') return { kind: 'leave', onLeave: false, at: m.leaveEnd ?? m.occurredAt };
  return undefined;
}
