/**
 * The pages (sider) for the people who act, served by the API on the same origin: sign-in, the
 * work queue (arbejdsliste), the case page (sag) with its decision forms, the deadline dashboard
 * (fristoverblik). Each page is one static HTML shell with a small script (`web/`, plain ES
 * modules and CSS served as files: no bundler, no build step); every figure on a page comes from
 * the API's own routes, called by the script with the signed-in user's bearer token, so the roles
 * and need to know are exactly the API's. The shells and assets hold no case data and are public.
 *
 * `GET /ui/meta.json` gives the script what the pages are generated from: the case types of the
 * one list (name, slug, Danish and English label), the decisions of each (from the OpenAPI
 * document the app builds from the decision contracts: URL, summary, roles, the body's JSON
 * schema), the Danish labels of the codes (`domain/rules.ts`), the dev tokens to pick from where
 * the token table is the development one, and the Temporal Web UI's address. docs/pages.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { projectRoot } from '../../config/index.js';
import * as rules from '../../domain/rules.js';
import type { TokenTable } from '../auth.js';
import { CASE_TYPES } from '../case-types/index.js';

export interface PageOptions {
  tokens: TokenTable;
  /** The Temporal Web UI's address (the case page links the case's workflow there). */
  temporalWebUi?: string;
  /** The Temporal namespace of the cases (default `default`). */
  namespace?: string;
}

export const PAGES = ['sign-in', 'queue', 'case', 'dashboard'] as const;

const require = createRequire(import.meta.url);
const webDir = path.join(projectRoot, 'web');

/** The files the pages load: ours from `web/`, the chart library's UMD build from its package. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'app.js': { file: path.join(webDir, 'app.js'), type: 'text/javascript; charset=utf-8' },
  'forms.js': { file: path.join(webDir, 'forms.js'), type: 'text/javascript; charset=utf-8' },
  'i18n.js': { file: path.join(webDir, 'i18n.js'), type: 'text/javascript; charset=utf-8' },
  'app.css': { file: path.join(webDir, 'app.css'), type: 'text/css; charset=utf-8' },
  // the package exports no path to its UMD build: it lies beside its main file (dist/)
  'chart.umd.min.js': { file: path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'), type: 'text/javascript; charset=utf-8' },
};

/** Same origin only; no inline script; nothing framed; no referrer (a case id never leaves the page). */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/** The shell of every page: the script fills `<main>` (the title says the page, never a CPR). */
function shell(page: (typeof PAGES)[number]): string {
  return `<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>overgang</title>
<link rel="stylesheet" href="/ui/assets/app.css">
<script src="/ui/assets/chart.umd.min.js" defer></script>
<script type="module" src="/ui/assets/app.js"></script>
</head>
<body data-page="${page}">
<a class="skip" href="#main">Spring til indhold</a>
<header id="top"></header>
<main id="main" tabindex="-1"><p aria-busy="true">Indlæser …</p></main>
</body>
</html>
`;
}

/** Danish labels of codes (`domain/rules.ts`: objects of code → Danish phrase, not code → code), for the forms' choices. */
function codeLabelSets(): Record<string, string>[] {
  return (Object.values(rules) as unknown[]).filter(
    (v): v is Record<string, string> =>
      v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && Object.values(v).every((x) => typeof x === 'string') && !Object.values(v).every((x) => /^[a-z][a-z0-9_]*$/.test(x as string)),
  );
}

interface Operation {
  summary?: string;
  description?: string;
  'x-roles'?: string[];
  requestBody?: { content?: { 'application/json'?: { schema?: unknown } } };
}

/** Each case type's decisions, read from the OpenAPI document (its bodies: the decision contracts as JSON schema). */
function decisionForms(app: FastifyInstance) {
  const doc = (app as unknown as { swagger(): { paths: Record<string, Record<string, Operation>> } }).swagger();
  return CASE_TYPES.map((t) => ({
    name: t.name,
    slug: t.slug,
    label: t.label,
    decisions: Object.entries(doc.paths)
      .filter(([p, ops]) => p.startsWith(`/cases/{id}/${t.slug}/`) && ops.post && !(ops.post as { deprecated?: boolean }).deprecated)
      .map(([p, ops]) => ({
        path: p.slice(`/cases/{id}/${t.slug}/`.length),
        summary: ops.post!.summary ?? '',
        roles: ops.post!['x-roles'] ?? [],
        schema: ops.post!.requestBody?.content?.['application/json']?.schema ?? { type: 'object', properties: {} },
      }))
      .filter((d) => !d.path.includes('{')),
  }));
}

const pageParams = z.object({ id: z.uuid() });
const hidden = { hide: true, response: { 200: z.string() } };

export async function pageRoutes(app: FastifyInstance, opts: PageOptions): Promise<void> {
  const send = (reply: FastifyReply, type: string, body: string | Buffer) => reply.headers(SECURITY_HEADERS).type(type).send(body);
  const html = Object.fromEntries(PAGES.map((p) => [p, shell(p)])) as Record<(typeof PAGES)[number], string>;
  const config = { access: 'public' as const };
  // the development token table (its tokens are named dev-…) may be picked from on the sign-in page
  const devTokens = [...opts.tokens.entries()].filter(([token]) => token.startsWith('dev-')).map(([token, u]) => ({ token, ...u }));
  let meta: string | undefined;
  const assetBodies: Record<string, Buffer> = {};

  app.get('/ui', { config, schema: hidden }, (_req, reply) => reply.redirect('/ui/queue'));
  app.get('/ui/sign-in', { config, schema: hidden }, (_req, reply) => send(reply, 'text/html; charset=utf-8', html['sign-in']));
  app.get('/ui/queue', { config, schema: hidden }, (_req, reply) => send(reply, 'text/html; charset=utf-8', html.queue));
  app.get('/ui/dashboard', { config, schema: hidden }, (_req, reply) => send(reply, 'text/html; charset=utf-8', html.dashboard));
  app.get('/ui/cases/:id', { config, schema: { ...hidden, params: pageParams } }, (_req, reply) => send(reply, 'text/html; charset=utf-8', html.case));
  app.get('/ui/assets/:file', { config, schema: { hide: true, response: { 200: z.string(), 404: z.string() }, params: z.object({ file: z.string().max(100) }) } }, (request, reply) => {
    const asset = ASSETS[(request.params as { file: string }).file];
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('no such asset');
    // read once per process (the files do not change while it runs); revalidated by the browser
    const body = (assetBodies[asset.file] ??= readFileSync(asset.file));
    return reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache' }).type(asset.type).send(body);
  });
  app.get('/ui/meta.json', { config, schema: hidden }, (_req, reply) => {
    meta ??= JSON.stringify({
      caseTypes: decisionForms(app),
      codeLabels: codeLabelSets(),
      devTokens,
      temporalWebUi: opts.temporalWebUi ?? 'http://localhost:8233',
      namespace: opts.namespace ?? 'default',
    });
    return send(reply, 'application/json; charset=utf-8', meta);
  });
}
