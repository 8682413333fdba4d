// Decision forms generated from the decision contracts: the body's JSON schema (the zod definition
// as the OpenAPI document carries it) becomes fields — enums as choices with their Danish names,
// dates and instants as date inputs, booleans as yes/no, objects as groups, a discriminated union
// as a choice of its kind followed by that kind's fields. The schema's limits become the inputs'
// hints (required, minLength/maxLength, minimum/maximum); the server's 400 messages (from the same
// zod definitions) are shown beside the field they name.

import { FIELDS_DA, words } from './i18n.js';

let counter = 0;
const uid = (p) => `${p}-${++counter}`;

/** Builds an element: h('p', { class: 'x' }, 'text', child). Text is always text (never HTML). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** A nullable or optional schema's non-null part. */
function plain(schema) {
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts) {
    const rest = alts.filter((s) => s.type !== 'null');
    if (rest.length === 1) return { ...rest[0], description: schema.description ?? rest[0].description };
  }
  return schema;
}

/** The property that tells a union's variants apart (a `const` or one-value enum in every variant). */
function discriminator(variants) {
  const first = variants[0]?.properties ?? {};
  return Object.keys(first).find((k) => variants.every((v) => {
    const p = v.properties?.[k];
    return p && (p.const !== undefined || (Array.isArray(p.enum) && p.enum.length === 1));
  }));
}
const constOf = (p) => (p.const !== undefined ? p.const : p.enum[0]);

/** The Danish label of a code: from the label set whose codes cover the enum's values. */
function labelOf(code, values, ctx) {
  if (ctx.lang !== 'da') return code.replace(/_/g, ' ');
  const set = ctx.codeLabels.find((s) => values.every((v) => v in s));
  return set ? `${set[code]} (${code})` : code.replace(/_/g, ' ');
}

function labelText(name, ctx) {
  return ctx.lang === 'da' && FIELDS_DA[name] ? FIELDS_DA[name] : words(name);
}

/**
 * One field: its element and how to read its value (undefined: left empty). `path` is the field's
 * place in the body (e.g. `decision.kind`): the server's 400 names it as `body.<path>`.
 */
function field(name, raw, required, path, ctx) {
  const schema = plain(raw);
  const id = uid('f');
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const label = labelText(name, ctx);
  const mark = required ? h('span', { class: 'req' }, ` (${ctx.t.required})`) : '';
  const hint = schema.description ? h('p', { class: 'hint', id: hintId }, schema.description) : null;
  const err = h('p', { class: 'field-error', id: errId, hidden: true });
  const describedBy = [hint ? hintId : null, errId].filter(Boolean).join(' ');
  const variants = schema.oneOf ?? schema.anyOf;

  if (variants && variants.every((v) => v.type === 'object')) return unionField(name, schema, variants, required, path, ctx, { id, label, mark, hint, err });
  if (schema.type === 'object') {
    const sub = objectFields(schema, path, ctx);
    const el = h('fieldset', { class: 'group' }, h('legend', {}, label, mark), hint, ...sub.elements, err);
    return { el, path, err, focus: () => sub.fields[0]?.focus?.(), read: () => sub.read(), fields: sub.fields };
  }
  if (schema.type === 'boolean') {
    if (required) {
      const group = `${id}-g`;
      const yes = h('input', { type: 'radio', name: group, id: `${id}-y`, value: 'true', required: true, 'aria-describedby': describedBy });
      const no = h('input', { type: 'radio', name: group, id: `${id}-n`, value: 'false' });
      const el = h('fieldset', { class: 'field' }, h('legend', {}, label, mark), hint,
        h('span', { class: 'choice' }, yes, h('label', { for: `${id}-y` }, ctx.t.yes)),
        h('span', { class: 'choice' }, no, h('label', { for: `${id}-n` }, ctx.t.no)), err);
      return { el, path, err, focus: () => yes.focus(), read: () => (yes.checked ? true : no.checked ? false : undefined) };
    }
    const sel = h('select', { id, 'aria-describedby': describedBy },
      h('option', { value: '' }, ctx.t.none), h('option', { value: 'true' }, ctx.t.yes), h('option', { value: 'false' }, ctx.t.no));
    return simple(sel, () => (sel.value === '' ? undefined : sel.value === 'true'));
  }
  if (Array.isArray(schema.enum)) {
    const sel = h('select', { id, required, 'aria-describedby': describedBy },
      h('option', { value: '' }, ctx.t.none),
      ...schema.enum.map((v) => h('option', { value: v }, labelOf(String(v), schema.enum, ctx))));
    return simple(sel, () => (sel.value === '' ? undefined : sel.value));
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    const inp = h('input', { id, type: 'number', required, min: schema.minimum, max: schema.maximum, step: schema.type === 'integer' ? 1 : 'any', 'aria-describedby': describedBy });
    return simple(inp, () => (inp.value === '' ? undefined : Number(inp.value)));
  }
  if (schema.type === 'array' && plain(schema.items ?? {}).type === 'string') {
    const ta = h('textarea', { id, rows: 3, required: required && (schema.minItems ?? 0) > 0, 'aria-describedby': `${describedBy}` });
    const lines = h('p', { class: 'hint' }, ctx.t.linesHint);
    const s = simple(ta, () => {
      const v = ta.value.split('\n').map((l) => l.trim()).filter(Boolean);
      return v.length ? v : undefined;
    });
    s.el.insertBefore(lines, s.el.querySelector('.field-error'));
    return s;
  }
  if (schema.type === 'string') {
    if (schema.format === 'date') {
      const inp = h('input', { id, type: 'date', required, 'aria-describedby': describedBy });
      return simple(inp, () => inp.value || undefined);
    }
    if (schema.format === 'date-time') {
      const inp = h('input', { id, type: 'datetime-local', required, 'aria-describedby': describedBy });
      // the browser's local time (Copenhagen at the municipality) as an instant with its offset
      return simple(inp, () => (inp.value ? new Date(inp.value).toISOString() : undefined));
    }
    const long = (schema.maxLength ?? 0) > 200;
    const inp = h(long ? 'textarea' : 'input', { id, ...(long ? { rows: 4 } : { type: 'text' }), required, minlength: schema.minLength, maxlength: schema.maxLength, 'aria-describedby': describedBy });
    return simple(inp, () => (inp.value.trim() === '' ? undefined : inp.value));
  }
  // anything else: the value as JSON
  const ta = h('textarea', { id, rows: 3, required, 'aria-describedby': describedBy });
  return simple(ta, () => {
    if (ta.value.trim() === '') return undefined;
    try {
      return JSON.parse(ta.value);
    } catch {
      return ta.value;
    }
  });

  function simple(input, read) {
    const el = h('div', { class: 'field' }, h('label', { for: id }, label, mark), hint, input, err);
    return { el, path, err, input, focus: () => input.focus(), read };
  }
}

/** A discriminated union: the choice of its kind, then that kind's own fields. */
function unionField(name, schema, variants, required, path, ctx, { id, label, mark, hint, err }) {
  const key = discriminator(variants);
  const codes = variants.map((v) => String(constOf(v.properties[key])));
  const sel = h('select', { id, required }, h('option', { value: '' }, ctx.t.none), ...codes.map((c) => h('option', { value: c }, labelOf(c, codes, ctx))));
  const body = h('div', { class: 'variant' });
  let current = null;
  sel.addEventListener('change', () => {
    const v = variants[codes.indexOf(sel.value)];
    const props = { ...(v?.properties ?? {}) };
    delete props[key];
    current = v ? objectFields({ ...v, properties: props }, path, ctx) : null;
    body.replaceChildren(...(current?.elements ?? []));
  });
  const el = h('fieldset', { class: 'group' }, h('legend', {}, label, mark), hint,
    h('div', { class: 'field' }, h('label', { for: id }, `${labelText(key, ctx)}`), sel), body, err);
  return {
    el, path, err, focus: () => sel.focus(),
    read: () => (sel.value === '' ? undefined : { [key]: sel.value, ...(current?.read() ?? {}) }),
    get fields() { return current?.fields ?? []; },
  };
}

/** The fields of an object schema, in the contract's order. */
function objectFields(schema, prefix, ctx) {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([name, s]) => field(name, s, required.has(name), prefix ? `${prefix}.${name}` : name, ctx));
  return {
    fields,
    elements: fields.map((f) => f.el),
    read: () => {
      const out = {};
      for (const f of fields) {
        const v = f.read();
        if (v !== undefined) out[f.path.split('.').pop()] = v;
      }
      return out;
    },
  };
}

/** Every field (nested ones too), for placing the server's messages. */
function allFields(fields) {
  return fields.flatMap((f) => [f, ...allFields(f.fields ?? [])]);
}

/**
 * The form of one decision. `send(body, key)` posts it; the answer decides what the form shows.
 * A key is made for each new submission; after a 202 (pending) or a 503 the retry button sends the
 * same body with the same key (the API then answers the first request's outcome).
 */
export function decisionForm(decision, ctx, send) {
  const formId = uid('d');
  const fields = objectFields(decision.schema, '', ctx);
  const status = h('div', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, ctx.t.submit);
  const retry = h('button', { type: 'button', class: 'secondary', hidden: true }, ctx.t.retry);
  let last = null; // { key, body } of a submission whose outcome is not known (202 / 503)

  const form = h('form', { class: 'decision', id: formId, novalidate: true, 'data-path': decision.path },
    h('h3', {}, decision.summary || words(decision.path)),
    ...fields.elements,
    h('div', { class: 'actions' }, submit, retry), status);

  function clearErrors() {
    for (const f of allFields(fields.fields)) {
      f.err.hidden = true;
      f.err.textContent = '';
      f.input?.removeAttribute('aria-invalid');
    }
  }

  async function go(body, key) {
    clearErrors();
    submit.disabled = true;
    retry.disabled = true;
    status.className = 'form-status';
    status.textContent = '…';
    let res;
    try {
      res = await send(body, key);
    } catch {
      res = { status: 503, body: { message: 'network' } };
    }
    submit.disabled = false;
    retry.disabled = false;
    const msg = res.body?.message ?? '';
    if (res.status === 200 || res.status === 201) {
      last = null;
      retry.hidden = true;
      status.className = 'form-status ok';
      status.textContent = ctx.t.accepted;
      ctx.onDecided?.();
    } else if (res.status === 202 || res.status === 503 || (res.status === 409 && res.retryAfter)) {
      last = { key, body };
      retry.hidden = false;
      status.className = 'form-status warn';
      status.textContent = `${res.status === 202 ? ctx.t.pending : ctx.t.unavailable} (${res.status}${msg ? `: ${msg}` : ''})`;
    } else if (res.status === 400) {
      last = null;
      retry.hidden = true;
      const all = allFields(fields.fields);
      let firstBad = null;
      for (const { field: name, message } of res.body?.fields ?? []) {
        const f = all.find((x) => `body.${x.path}` === name) ?? all.find((x) => name.startsWith(`body.${x.path}`));
        if (!f) continue;
        f.err.hidden = false;
        f.err.textContent = message;
        f.input?.setAttribute('aria-invalid', 'true');
        firstBad ??= f;
      }
      status.className = 'form-status error';
      status.setAttribute('role', 'alert');
      status.textContent = `${ctx.t.invalid}: ${msg}`;
      firstBad?.focus();
    } else {
      last = null;
      retry.hidden = true;
      status.className = 'form-status error';
      status.setAttribute('role', 'alert');
      const lead = res.status === 409 ? ctx.t.refused : res.status === 403 ? ctx.t.forbidden : `${res.status}`;
      status.textContent = `${lead}: ${msg}`;
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = fields.read();
    // the same body again after a pending or unavailable answer is the same decision: the same key
    const key = last && JSON.stringify(last.body) === JSON.stringify(body) ? last.key : crypto.randomUUID();
    void go(body, key);
  });
  retry.addEventListener('click', () => {
    if (last) void go(last.body, last.key);
  });
  return form;
}
