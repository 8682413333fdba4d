/**
 * Letters and messages (breve og meddelelser) put in the outbox: the code lists every case type
 * shares, the complaint period of the appeal guidance (klagevejledning) and the pure rendering of
 * a template. The templates' texts and the legal bases are data (`outbox_templates`, seeded with
 * example texts), never code: the Ældrelov (1 July 2025) and later changes move them without a
 * release.
 */
import { addWeeks, type LocalDate } from './calendar.js';
import { codesOf } from './codes.js';

/**
 * Who a message is addressed to (modtager). Extensible: a case type that writes to someone new
 * adds a code here. `addressee_id` names the one addressed where a registry holds them
 * (`citizen` → citizens.id, `provider` → providers.id); Ankestyrelsen is one body and has none.
 */
export const OUTBOX_ADDRESSEE_KINDS = {
  citizen: 'borgeren',
  provider: 'leverandøren',
  ankestyrelsen: 'Ankestyrelsen',
} as const;
export type OutboxAddresseeKind = keyof typeof OUTBOX_ADDRESSEE_KINDS;
export const OUTBOX_ADDRESSEE_KIND_CODES = codesOf(OUTBOX_ADDRESSEE_KINDS);

/**
 * Retssikkerhedsloven § 67: the citizen complains within 4 weeks of being told the decision; 4
 * weeks end on the same weekday four weeks later. Configurable (`COMPLAINT_WEEKS`).
 */
export const COMPLAINT_WEEKS = 4;

/**
 * The last day to complain when the decision is received on `toldOn` (the letter states it for a
 * letter received the day it is written; the period runs from the day the citizen receives it).
 */
export function complaintDeadline(toldOn: LocalDate, weeks: number = COMPLAINT_WEEKS): LocalDate {
  return addWeeks(toldOn, weeks);
}

/** A fact a template may name: ids, codes, dates, numbers and labels from registries, never a person's free text. */
export type LetterFact = string | number | boolean | null;
export type LetterFacts = Record<string, LetterFact>;

/** A template names a fact it was not given (a programming error: retrying cannot help). */
export class MissingLetterFact extends Error {
  constructor(readonly template: string, readonly fact: string) {
    super(`template ${template} names the fact "${fact}", which was not given`);
    this.name = 'MissingLetterFact';
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** The placeholders (`{{name}}`) a template text names. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Fills a template text's `{{name}}` placeholders from the facts. A fact given as null prints as
 * "–"; a placeholder with no fact at all throws `MissingLetterFact`.
 */
export function renderLetterText(template: string, text: string, facts: LetterFacts): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => {
    if (!(name in facts)) throw new MissingLetterFact(template, name);
    const v = facts[name];
    if (v === null || v === undefined) return '–';
    if (typeof v === 'boolean') return v ? 'ja' : 'nej';
    return String(v);
  });
}
