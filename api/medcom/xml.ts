/**
 * FHIR XML ⇄ the JSON form, for the MedCom messages (elements and attributes only).
 *
 * The reader is deliberately small and strict: it has **no DTD support at all** — a document
 * with `<!DOCTYPE` or `<!ENTITY` is refused before anything is expanded, so neither external
 * entities (XXE) nor entity expansion ("billion laughs") can happen; only the five predefined
 * entities and character references are understood, any other `&name;` is an error. Depth and
 * size are bounded (the size by the route's body limit). FHIR XML needs nothing more: values sit
 * in `value` attributes, extensions carry `url`, and the narrative (`<div>`) is skipped.
 *
 * FHIR XML does not say which element repeats: the reader makes a list of a name that occurs more
 * than once and a single value otherwise; readers of the result take both (`many` in fhir.ts).
 */

export class XmlError extends Error {}

const MAX_DEPTH = 64;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&([^;&\s]{0,12});/g, (_, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const ch = PREDEFINED[name];
    if (ch === undefined) throw new XmlError(`undeclared entity &${name}; (DTDs and entities are not accepted)`);
    return ch;
  });
}

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
}

const NAME = /^[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?/;
const localName = (n: string) => n.slice(n.indexOf(':') + 1);

/** Parses a document into its element tree (strict: well-formed, no DTD, no unknown entity). */
function parseTree(xml: string): Element {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new XmlError('a DOCTYPE or ENTITY declaration is not accepted (DTDs are off)');
  const stack: Element[] = [];
  let root: Element | undefined;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (text.trim() && stack.length === 0) throw new XmlError('text outside the root element');
    if (text.includes('&')) decode(text);
    if (lt === -1) break;
    if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt);
      if (end === -1) throw new XmlError('unterminated processing instruction');
      i = end + 2;
    } else if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt);
      if (end === -1) throw new XmlError('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      if (end === -1 || stack.length === 0) throw new XmlError('misplaced or unterminated CDATA section');
      i = end + 3;
    } else if (xml.startsWith('</', lt)) {
      const m = NAME.exec(xml.slice(lt + 2));
      const close = xml.indexOf('>', lt);
      const open = stack.pop();
      if (!m || close === -1 || !open || open.name !== m[0] || xml.slice(lt + 2 + m[0].length, close).trim()) {
        throw new XmlError(`mismatched end tag${m ? ` </${m[0]}>` : ''}`);
      }
      i = close + 1;
    } else {
      i = openTag(xml, lt, stack, (el) => {
        if (stack.length === 0) {
          if (root) throw new XmlError('more than one root element');
          root = el;
        }
      });
    }
  }
  if (stack.length) throw new XmlError(`unclosed element <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** Reads a start tag at `lt`; returns the index after it. */
function openTag(xml: string, lt: number, stack: Element[], onRoot: (el: Element) => void): number {
  const m = NAME.exec(xml.slice(lt + 1));
  if (!m) throw new XmlError('malformed tag');
  const el: Element = { name: m[0], attrs: {}, children: [] };
  let j = lt + 1 + m[0].length;
  const attr = /\s+([A-Za-z_][\w.\-:]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/y;
  for (;;) {
    attr.lastIndex = j;
    const a = attr.exec(xml);
    if (!a) break;
    if (a[1]! in el.attrs) throw new XmlError(`duplicate attribute ${a[1]}`);
    el.attrs[a[1]!] = decode(a[3] ?? a[4] ?? '');
    j = attr.lastIndex;
  }
  const rest = /^\s*(\/?)>/.exec(xml.slice(j, j + 64));
  if (!rest) throw new XmlError(`malformed tag <${m[0]}>`);
  onRoot(el);
  stack[stack.length - 1]?.children.push(el);
  if (stack.length >= MAX_DEPTH) throw new XmlError('the document nests too deep');
  if (!rest[1]) stack.push(el);
  return j + rest[0].length;
}

type Json = Record<string, unknown>;

/** An element as FHIR JSON: `value` → the primitive, `url` kept, children grouped by name. */
function toJson(el: Element): unknown {
  const out: Json = {};
  if (el.attrs.url !== undefined) out.url = el.attrs.url;
  if (el.attrs.id !== undefined) out.id = el.attrs.id;
  const children = el.children.filter((c) => localName(c.name) !== 'div');
  if (children.length === 0 && el.attrs.value !== undefined && Object.keys(out).length === 0) return el.attrs.value;
  if (el.attrs.value !== undefined) out.value = el.attrs.value;
  const add = (name: string, v: unknown) => {
    if (name in out) out[name] = Array.isArray(out[name]) ? [...(out[name] as unknown[]), v] : [out[name], v];
    else out[name] = v;
  };
  for (const c of children) {
    const name = localName(c.name);
    // a primitive with an id or extensions: its value under the name, the rest under `_name` (as FHIR JSON has it)
    if (c.attrs.value !== undefined && (c.attrs.id !== undefined || c.children.some((x) => localName(x.name) === 'extension'))) {
      const { value, ...rest } = toJson(c) as Json;
      add(name, value);
      add(`_${name}`, rest);
      continue;
    }
    // a contained resource (`<resource><Patient>…`): its element name is its type
    const v = name === 'resource' && c.children[0] ? resourceJson(c.children[0]) : toJson(c);
    // an element with nothing in it (e.g. a narrative of only its <div>) is no element in FHIR JSON
    if (typeof v === 'object' && Object.keys(v as Json).length === 0) continue;
    add(name, v);
  }
  return out;
}

const resourceJson = (el: Element): Json => ({ resourceType: localName(el.name), ...(toJson(el) as Json) });

/** Parses a FHIR XML resource into its JSON form. Throws `XmlError` naming what is wrong. */
export function parseFhirXml(xml: string): Json {
  const root = parseTree(xml);
  if (root.attrs.xmlns !== 'http://hl7.org/fhir') throw new XmlError('the root element is not in the FHIR namespace (xmlns="http://hl7.org/fhir")');
  return resourceJson(root);
}

/**
 * FHIR XML is ordered: the elements the MedCom messages use, in the specification's order (one
 * list serves every type here: no two of them order these names differently).
 */
const ORDER = [
  'id', 'meta', 'profile', 'extension', 'link', 'fullUrl', 'resource', 'identifier', 'use', 'type', 'timestamp', 'entry', 'status', 'class',
  'eventCoding', 'destination', 'name', 'target', 'endpoint', 'receiver', 'sender', 'source', 'response', 'severity', 'system', 'version', 'code',
  'display', 'details', 'diagnostics', 'expression', 'focus', 'text', 'family', 'given', 'subject', 'episodeOfCare', 'period', 'start', 'end',
  'serviceProvider', 'occurredDateTime', 'recorded', 'activity', 'agent', 'who', 'entity', 'role', 'what', 'value', 'deceasedBoolean', 'issue',
  'reference', 'valuePeriod', 'valueCoding', 'valueBoolean', 'valueReference',
];
const rank = (k: string) => {
  const r = ORDER.indexOf(k);
  return r === -1 ? ORDER.length : r;
};
const ordered = (o: Json) => Object.entries(o).sort(([a], [b]) => rank(a) - rank(b));

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function element(name: string, value: unknown, indent: string): string {
  // the narrative's XHTML (written by this project: well-formed, with its own namespace)
  if (name === 'div' && typeof value === 'string') return `${indent}${value}\n`;
  if (Array.isArray(value)) return value.map((v) => element(name, v, indent)).join('');
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return `${indent}<${name} value="${escape(String(value))}"/>\n`;
  const o = value as Json;
  if (name === 'resource' && typeof o.resourceType === 'string') return `${indent}<resource>\n${resource(o, `${indent}  `)}${indent}</resource>\n`;
  const url = typeof o.url === 'string' && name === 'extension' ? ` url="${escape(o.url)}"` : '';
  const inner = ordered(o)
    .filter(([k]) => !(url && k === 'url'))
    .map(([k, v]) => element(k, v, `${indent}  `))
    .join('');
  return `${indent}<${name}${url}>\n${inner}${indent}</${name}>\n`;
}

function resource(o: Json, indent: string, ns = false): string {
  const { resourceType, text, ...rest } = o;
  // a resource's narrative comes right after its id and meta (elsewhere `text` is a CodeableConcept's, last)
  const [head, tail] = [ordered(rest).filter(([k]) => k === 'id' || k === 'meta'), ordered(rest).filter(([k]) => k !== 'id' && k !== 'meta')];
  const inner = [...head, ...(text !== undefined ? [['text', text] as [string, unknown]] : []), ...tail]
    .map(([k, v]) => element(k, v, `${indent}  `))
    .join('');
  return `${indent}<${String(resourceType)}${ns ? ' xmlns="http://hl7.org/fhir"' : ''}>\n${inner}${indent}</${String(resourceType)}>\n`;
}

/** Writes a resource in its JSON form as FHIR XML (its keys in FHIR's element order). */
export function toFhirXml(o: Json): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${resource(o, '', true)}`;
}
