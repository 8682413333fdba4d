/**
 * The hospital episode's fold (domain/hospital-episodes.ts) and the FHIR XML reader
 * (api/medcom/xml.ts), without servers: event order over arrival order, corrections and
 * cancellations, acute ambulant → admitted; XML without DTDs or unknown entities.
 */
import { describe, expect, it } from 'vitest';
import { ACTIVITY_CODES, citizenEventOf, foldEpisode, messageCode, type EpisodeMessage } from '../domain/hospital-episodes.js';
import { parseFhirXml, toFhirXml } from '../api/medcom/xml.js';
import { acknowledgement, readNotification } from '../api/medcom/fhir.js';
import { medcomScenario, resourcesOf } from './medcom-support.js';

const H = 3_600_000;
let arrival = 0;
const msg = (messageId: string, over: Partial<EpisodeMessage>): EpisodeMessage => ({
  messageId,
  event: 'STIN',
  kind: 'event',
  occurredAt: 0,
  receivedAt: ++arrival,
  encounterClass: 'IMP',
  periodStart: 0,
  deceased: false,
  ...over,
});

describe('the activity codes', () => {
  it('every code of the IG value set maps to an event and a kind; the code table names them', () => {
    expect(Object.keys(ACTIVITY_CODES)).toHaveLength(18);
    expect(ACTIVITY_CODES['revise-admit-inpatient']).toEqual({ event: 'STIN', kind: 'correction' });
    expect(ACTIVITY_CODES['cancel-discharge-emergency-home']).toEqual({ event: 'SLHJ', kind: 'cancellation' });
    expect(messageCode('STOR', 'cancellation')).toBe('AN_STOR');
    expect(messageCode('STIN', 'correction')).toBe('RE_STIN');
  });
});

describe('the fold', () => {
  it('orders by event time, not arrival: SLHJ received before the STOR/SLOR still ends the stay', () => {
    const v = foldEpisode([
      msg('slhj', { event: 'SLHJ', occurredAt: 10 * H, periodEnd: 10 * H }),
      msg('stin', { occurredAt: 0 }),
      msg('slor', { event: 'SLOR', occurredAt: 6 * H, leaveStart: 4 * H, leaveEnd: 6 * H }),
      msg('stor', { event: 'STOR', occurredAt: 4 * H, leaveStart: 4 * H }),
    ]);
    expect(v).toMatchObject({ state: 'finished', start: 0, end: 10 * H, leaves: [{ start: 4 * H, end: 6 * H }], latestMessageId: 'slhj' });
  });

  it('a correction replaces its original (also a correction of a correction); one arriving first stands for it', () => {
    const base = [msg('stin', { periodStart: 0, wardSor: '1' }), msg('re1', { kind: 'correction', targetMessageId: 'stin', occurredAt: H, periodStart: H, wardSor: '2' })];
    expect(foldEpisode(base)).toMatchObject({ start: H, wardSor: '2', effective: [{ messageId: 'stin', correctedBy: 're1' }] });
    const twice = [...base, msg('re2', { kind: 'correction', targetMessageId: 'stin', occurredAt: 2 * H, periodStart: 2 * H })];
    expect(foldEpisode(twice).start).toBe(2 * H);
    expect(foldEpisode([base[1]!]).start).toBe(H);
  });

  it('a cancellation removes its event and the state before it comes back; a cancelled leave is no leave', () => {
    const stin = msg('stin', {});
    const stor = msg('stor', { event: 'STOR', occurredAt: H, leaveStart: H });
    expect(foldEpisode([stin, stor]).state).toBe('on_leave');
    const v = foldEpisode([stin, stor, msg('an', { event: 'STOR', kind: 'cancellation', targetMessageId: 'stor', occurredAt: 2 * H })]);
    expect(v).toMatchObject({ state: 'in_progress', leaves: [] });
    expect(foldEpisode([stin, msg('an', { kind: 'cancellation', targetMessageId: 'stin', occurredAt: H })]).state).toBe('cancelled');
  });

  it('acute ambulant → admitted: a STIN after a STAA makes the stay inpatient, keeping its start', () => {
    const v = foldEpisode([msg('staa', { event: 'STAA', encounterClass: 'EMER', periodStart: 0 }), msg('stin', { occurredAt: 3 * H, periodStart: 3 * H })]);
    expect(v).toMatchObject({ state: 'in_progress', encounterClass: 'IMP', start: 0 });
  });

  it('a case is changed only by the latest event: a STIN arriving after its SLHJ changes none', () => {
    const stin = msg('stin', { occurredAt: 0 });
    const slhj = msg('slhj', { event: 'SLHJ', occurredAt: 5 * H, periodEnd: 5 * H });
    const v = foldEpisode([slhj, stin]);
    expect(citizenEventOf(stin, v)).toBeUndefined();
    expect(citizenEventOf(slhj, v)).toEqual({ kind: 'discharged', at: 5 * H });
    const dead = msg('mors', { event: 'MORS', deceased: true, occurredAt: 6 * H, periodEnd: 6 * H });
    expect(citizenEventOf(dead, foldEpisode([stin, dead]))).toEqual({ kind: 'died', at: 6 * H });
  });
});

describe('the FHIR XML reader', () => {
  const doc = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Bundle xmlns="http://hl7.org/fhir">${inner}</Bundle>`;

  it('reads values, repeats, extensions, contained resources, entities and character references; skips comments, the narrative and CDATA', () => {
    const b = parseFhirXml(
      doc(`<!-- c --><id value="a&amp;b&#65;&#x42;"/><entry><resource><Patient><text><div xmlns="http://www.w3.org/1999/xhtml"><![CDATA[<x>]]>Bruno</div></text><identifier><system value="urn:oid:1.2.208.176.1.2"/></identifier><identifier><value value='2'/></identifier></Patient></resource></entry><entry><resource><Encounter><extension url="u"><valuePeriod><start value="2026-01-01T00:00:00+01:00"/></valuePeriod></extension></Encounter></resource></entry>`),
    );
    expect(b).toEqual({
      resourceType: 'Bundle',
      id: 'a&bAB',
      entry: [
        { resource: { resourceType: 'Patient', identifier: [{ system: 'urn:oid:1.2.208.176.1.2' }, { value: '2' }] } },
        { resource: { resourceType: 'Encounter', extension: { url: 'u', valuePeriod: { start: '2026-01-01T00:00:00+01:00' } } } },
      ],
    });
  });

  it('refuses DTDs, external entities, undeclared entities, mismatched tags, two roots, another namespace, deep nesting', () => {
    const bad = [
      '<!DOCTYPE Bundle [<!ENTITY x SYSTEM "file:///etc/passwd">]><Bundle xmlns="http://hl7.org/fhir"><id value="&x;"/></Bundle>',
      doc('<id value="&nbsp;"/>'),
      doc('<id value="x"></Bundle>'),
      `${doc('')}<Bundle xmlns="http://hl7.org/fhir"/>`,
      '<Bundle xmlns="urn:other"/>',
      doc(`${'<a>'.repeat(70)}${'</a>'.repeat(70)}`),
      doc('<id value="x"'),
    ];
    for (const x of bad) expect(() => parseFhirXml(x), x.slice(0, 60)).toThrow();
  });

  it('writes FHIR XML it reads back', () => {
    const r = { resourceType: 'Bundle', type: 'message', id: 'x<"&>', entry: [{ fullUrl: 'urn:uuid:1', resource: { resourceType: 'MessageHeader', id: '1', response: { identifier: 'm', code: 'ok' } } }] };
    const xml = toFhirXml(r);
    expect(xml.indexOf('<id value')).toBeLessThan(xml.indexOf('<type value'));
    expect(parseFhirXml(xml)).toEqual({ ...r, entry: { fullUrl: 'urn:uuid:1', resource: r.entry[0]!.resource } });
  });
});

describe('reading the IG messages as published, and the acknowledgement', () => {
  const scenario = medcomScenario({ cpr: '2509479989' });

  it('a death given as deceasedDateTime is a death (MORS), not an admission', () => {
    const b = scenario.json('MORS-inpatient');
    const patient = resourcesOf(b, 'Patient')[0]!;
    delete patient.deceasedBoolean;
    patient.deceasedDateTime = '2022-12-18T09:00:00+01:00';
    const read = readNotification(b);
    expect('notification' in read && read.notification.event).toBe('MORS');
  });

  it('MessageHeader.focus is a list; a focus naming no Encounter of the message is a problem; the MessageHeader comes first', () => {
    const b = scenario.json('STIN');
    expect(Array.isArray(resourcesOf(b, 'MessageHeader')[0]!.focus)).toBe(true);
    expect('notification' in readNotification(b)).toBe(true);
    (resourcesOf(b, 'MessageHeader')[0]!.focus as { reference: string }[])[0]!.reference = 'Encounter/nowhere';
    const read = readNotification(b);
    expect('problems' in read && read.problems.map((p) => p.expression)).toContain('MessageHeader.focus');
    const reordered = scenario.json('STIN');
    (reordered.entry as unknown[]).reverse();
    const r2 = readNotification(reordered);
    expect('problems' in r2 && r2.problems.map((p) => p.expression)).toContain('Bundle.entry[0]');
  });

  it('one stay named with and without urn:uuid: is one episode key', () => {
    const b = scenario.json('STIN');
    const enc = resourcesOf(b, 'Encounter')[0]!;
    const given = (enc.episodeOfCare as { identifier: { value: string } | { value: string }[] }[])[0]!.identifier;
    const id = Array.isArray(given) ? given[0]! : given;
    const plain = id.value;
    id.value = `urn:uuid:${plain}`;
    const read = readNotification(b);
    expect('notification' in read && read.notification.episodeIds.map((e) => e.value)).toContain(plain.replace(/^urn:uuid:/, ''));
  });

  it('XML: a primitive with an id or an extension keeps its value (the rest under _name, as in FHIR JSON)', () => {
    const j = parseFhirXml(
      '<Encounter xmlns="http://hl7.org/fhir"><period><start id="s1" value="2022-12-07T12:00:00+02:00"/></period><status value="in-progress"><extension url="http://x"><valueString value="y"/></extension></status></Encounter>',
    );
    expect(j.period).toEqual({ start: '2022-12-07T12:00:00+02:00', _start: { id: 's1' } });
    expect(j.status).toBe('in-progress');
    expect(j._status).toEqual({ extension: { url: 'http://x', valueString: 'y' } });
  });

  it('the acknowledgement: sender and receiver swapped (both Organizations in it), the hospital endpoint as destination, two Provenances, narratives; its XML reads back', () => {
    const b = scenario.json('STIN');
    const theirs = resourcesOf(b, 'MessageHeader')[0]!;
    const ack = acknowledgement({ received: b, receivedId: String(theirs.id), problems: [], at: '2026-12-06T10:00:00+01:00', ourEndpoint: 'https://overgang.example/medcom' });
    const header = resourcesOf(ack, 'MessageHeader')[0]! as Record<string, any>;
    expect(header.response).toEqual({ identifier: theirs.id, code: 'ok' });
    expect(header.destination[0].endpoint).toBe((theirs.source as { endpoint: string }).endpoint);
    expect(header.source.endpoint).toBe((theirs.destination as { endpoint: string }[])[0]!.endpoint);
    const fullUrls = (ack.entry as { fullUrl: string }[]).map((e) => e.fullUrl);
    expect(fullUrls).toContain(header.sender.reference);
    expect(fullUrls).toContain(header.destination[0].receiver.reference);
    expect(header.destination[0].extension[0].valueCoding.code).toBe('primary');
    expect(resourcesOf(ack, 'Provenance')).toHaveLength(2);
    expect(String(header.text.div)).toMatch(/^<div xmlns="http:\/\/www.w3.org\/1999\/xhtml">/);
    const back = parseFhirXml(toFhirXml(ack));
    expect(resourcesOf(back, 'MessageHeader')[0]!.response).toEqual({ identifier: theirs.id, code: 'ok' });
  });
});
