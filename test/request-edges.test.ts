/**
 * What a caller can send that no contract describes still gets a 4xx naming the part of the
 * request it is about, listed in the OpenAPI document: a body nested ten thousand levels deep
 * (once a stack overflow in the Idempotency-Key's body hash on routes that take no body: a 500),
 * a body that is not JSON, another content type (415), a body over the limit (413), a path
 * segment longer than any id (414, never repeating what was sent); a UUID in capitals names the
 * same object.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { as } from './api-helpers.js';
import { useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'dev', app: true });

const post = (url: string, token: string, payload: string, contentType = 'application/json') =>
  stack.app.inject({ method: 'POST', url, headers: { ...as(token), 'idempotency-key': randomUUID(), 'content-type': contentType }, payload });

const nestedArrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const nestedObjects = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

async function documented(method: string, path: string): Promise<string[]> {
  const doc = (await stack.app.inject({ method: 'GET', url: '/docs/json' })).json();
  return Object.keys(doc.paths[path][method].responses);
}

describe('requests no contract describes', () => {
  it('a body nested deeper than 64 levels → 400 naming the body, on a route that takes no body and on one that does', async () => {
    const noBody = `/escalations/${randomUUID()}/acknowledge`;
    for (const payload of [nestedArrays(5_000), nestedObjects(5_000), nestedArrays(65)]) {
      const res = await post(noBody, 'dev-chief', payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ message: 'body: nested deeper than 64 levels', fields: [{ field: 'body', message: 'body: nested deeper than 64 levels' }] });
    }
    // 64 levels pass on to the route (which knows no such escalation)
    expect((await post(noBody, 'dev-chief', nestedArrays(64))).statusCode).toBe(404);
    const intake = await post('/cases', 'dev-hospital', nestedObjects(10_000));
    expect(intake.statusCode, intake.body).toBe(400);
    expect(intake.json().fields).toEqual([{ field: 'body', message: 'body: nested deeper than 64 levels' }]);
  });

  it('not JSON → 400 naming the body; another content type → 415, a body over the limit → 413: both named and documented', async () => {
    const bad = await post('/cases', 'dev-hospital', '{not json');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields).toEqual([{ field: 'body', message: expect.stringContaining('not valid JSON') }]);
    for (const [payload, type] of [['a=1', 'application/x-www-form-urlencoded'], ['{"type":"hospital_discharge"}', 'text/plain']]) {
      const other = await post('/cases', 'dev-hospital', payload!, type);
      expect(other.statusCode, type).toBe(415);
      expect(other.json(), type).toMatchObject({ error: 'Unsupported Media Type', fields: [{ field: 'headers.content-type' }] });
    }
    const huge = await post('/cases', 'dev-hospital', JSON.stringify({ type: 'hospital_discharge', ward: 'x'.repeat(2_000_000) }));
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ error: 'Payload Too Large', fields: [{ field: 'body' }] });
    expect(await documented('post', '/cases')).toEqual(expect.arrayContaining(['400', '413', '415']));
    expect(await documented('post', '/escalations/{id}/acknowledge')).toEqual(expect.arrayContaining(['400', '413', '414', '415']));
  });

  it('a path segment longer than any id → 414 naming the path without repeating it; documented on every route with a path id', async () => {
    const sent = `zz${'a'.repeat(3_000)}`;
    const res = await stack.app.inject({ method: 'GET', url: `/cases/${sent}`, headers: as('dev-supervisor') });
    expect(res.statusCode).toBe(414);
    expect(res.json()).toEqual({ statusCode: 414, error: 'URI Too Long', message: 'path: a path segment is longer than 100 characters', fields: [{ field: 'path', message: 'path: a path segment is longer than 100 characters' }] });
    expect(res.body).not.toContain('zzaaaa');
    const doc = (await stack.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const withIds = Object.entries(doc.paths as Record<string, Record<string, { responses: object }>>)
      .filter(([path]) => path.includes('{'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => [`${method} ${path}`, Object.keys(op.responses)] as const))
      .filter(([, statuses]) => statuses.includes('401')); // the public pages answer no errors of their own
    expect(withIds.length).toBeGreaterThan(30);
    expect(withIds.filter(([, statuses]) => !statuses.includes('414')).map(([op]) => op)).toEqual([]);
  });

  it('a housing offer named by its id in capitals is the same offer', async () => {
    const created = await post('/housing-offers', 'dev-psychiatry', JSON.stringify({ name: `Bosted ${randomUUID()}`, targetGroup: 'Voksne med psykiske vanskeligheder', places: ['R1'] }));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const added = await post(`/housing-offers/${id.toUpperCase()}/places`, 'dev-psychiatry', JSON.stringify({ labels: ['R2'] }));
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().id).toBe(id);
  });
});
