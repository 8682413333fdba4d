/**
 * MedCom HospitalNotification test messages: the IG's example Bundles (test/fixtures/medcom/)
 * for one made-up citizen. A scenario gives every id of its flow a fresh UUID (the same id the
 * same UUID throughout the flow: the messages chain and the episode identifiers link them) and
 * moves the examples' December 2022 instants so that `latest` (default 2022-12-18T10:00+02:00,
 * after the last example event) lands a minute ago, keeping their order and distances.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config/index.js';

export type Fixture =
  | 'STIN'
  | 'RE_STIN'
  | 'AN_STIN'
  | 'STOR'
  | 'SLOR'
  | 'SLHJ-inpatient'
  | 'MORS-inpatient'
  | 'STAA'
  | 'SLHJ-acute-ambulant'
  | 'MORS-acute-ambulant'
  | 'STIN-distinct-service-provider'
  | 'STIN-two-episode-identifiers';

const dir = path.join(projectRoot, 'test', 'fixtures', 'medcom');
const IG_ID = /\b[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}\b/g;
const INSTANT = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)/g;
/** The examples' STIN: 2022-12-07T12:00:00+02:00. */
export const IG_STIN_AT = Date.parse('2022-12-07T12:00:00+02:00');
const IG_LATEST = Date.parse('2022-12-18T10:00:00+02:00');

export interface Scenario {
  cpr: string;
  /** A fixture's Bundle (JSON form), with this scenario's ids, instants and CPR. */
  json(name: Fixture): Record<string, unknown>;
  /** A fixture's text as committed (`.json` or `.xml`), with this scenario's ids, instants and CPR. */
  text(name: Fixture, ext?: 'json' | 'xml'): string;
  /** The MessageHeader id of a fixture in this scenario. */
  messageId(name: Fixture): string;
  /** An instant of the examples (ISO) as it lies in this scenario (epoch ms). */
  at(igInstant: string): number;
}

/** `stinAt`: where the examples' STIN (2022-12-07T12:00+02:00) lands; default: the flow's last event a minute ago. */
export function medcomScenario(o: { cpr: string; stinAt?: number }): Scenario {
  const ids = new Map<string, string>();
  const shift = o.stinAt !== undefined ? o.stinAt - IG_STIN_AT : Date.now() - 60_000 - IG_LATEST;
  const text = (name: Fixture, ext: 'json' | 'xml' = 'json') =>
    readFileSync(path.join(dir, `${name}.${ext}`), 'utf8')
      .replaceAll('{{cpr}}', o.cpr)
      .replace(IG_ID, (id) => ids.get(id) ?? (ids.set(id, randomUUID()), ids.get(id)!))
      .replace(INSTANT, (t) => new Date(Date.parse(t) + shift).toISOString());
  const json = (name: Fixture) => JSON.parse(text(name)) as Record<string, unknown>;
  return {
    cpr: o.cpr,
    json,
    text,
    messageId: (name) => {
      const entries = json(name).entry as { resource: { resourceType: string; id: string } }[];
      return entries.find((e) => e.resource.resourceType === 'MessageHeader')!.resource.id;
    },
    at: (igInstant) => Date.parse(igInstant) + shift,
  };
}

/** The resources of a Bundle of a given type (for editing a fixture into an invalid message). */
export function resourcesOf(bundle: Record<string, unknown>, type: string): Record<string, unknown>[] {
  return (bundle.entry as { resource: Record<string, unknown> }[]).map((e) => e.resource).filter((r) => r.resourceType === type);
}

/**
 * A cancellation the IG has no example of (e.g. AN_STOR): the AN_STIN example pointed at another
 * message of the scenario, with that event's cancel activity and the status the cancellation
 * restores. Answers the Bundle and its MessageHeader id.
 */
export function cancellationOf(s: Scenario, target: Fixture, activity: string, restoredStatus = 'in-progress'): { bundle: Record<string, unknown>; messageId: string } {
  const bundle = JSON.parse(
    JSON.stringify(s.json('AN_STIN'))
      .replaceAll(s.messageId('STIN'), s.messageId(target))
      .replace('"cancel-admit-inpatient"', JSON.stringify(activity))
      .replace('"entered-in-error"', JSON.stringify(restoredStatus)),
  ) as Record<string, unknown>;
  const messageId = (bundle.entry as { resource: { resourceType: string; id: string } }[]).find((e) => e.resource.resourceType === 'MessageHeader')!.resource.id;
  return { bundle, messageId };
}
