/**
 * The place-type registry (pladstyper) of the temporary stay (source 003). A place type is a
 * code: it names its allocator workflow (`allocator-<code>`), its waiting list, and it stands in
 * summaries, the audit and the supervisor's view. So it is a registered code, like the wards and
 * providers of the psychiatric case: the housing team lead registers a type (`POST /place-types`,
 * code and name) before its first place, and every request naming a type that is not registered
 * — a place, an application, a hospital's decision for a temporary stay, a place or waiting-list
 * read — is refused with 400 naming the field. A typo ("rehabillitering") thus never opens a
 * second, empty waiting list that no place ever serves.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getPlaceType, insertPlaceType, listPlaceTypes } from '../../../db/queries/temporary-stay.js';
import type { Role } from '../../auth.js';
import type { ApiDeps } from '../../context.js';
import { badRequest, conflict } from '../../errors.js';
import type { routeOptionsFor } from '../../route-options.js';
import * as c from './contracts.js';

type App = Parameters<FastifyPluginAsyncZod<ApiDeps>>[0];
type Db = ApiDeps['database']['db'];

/** Who reads the registry: the readers of temporary stays, and the discharge coordinator who decides a stay of a type. */
const PLACE_TYPE_READERS: readonly Role[] = ['needs_assessor', 'housing_team_lead', 'supervisor', 'discharge_coordinator'];

/** 400 naming `field` when the place type is not registered. */
export async function assertPlaceTypeRegistered(db: Db, code: string, field: string): Promise<void> {
  if (!(await getPlaceType(db, code))) {
    throw badRequest(`${field}: place type "${code}" is not registered (the housing team lead registers it: POST /place-types)`, field);
  }
}

/** `POST /place-types`, `GET /place-types`. */
export function placeTypeRoutes(app: App, deps: ApiDeps, route: ReturnType<typeof routeOptionsFor>): void {
  const db = deps.database.db;
  app.post(
    '/place-types',
    route({
      access: ['housing_team_lead'],
      audit: 'place_type.create',
      summary: 'Register a place type (pladstype) before its first place; requests naming an unregistered type get 400',
      body: c.PlaceTypeBody,
      response: { 201: c.PlaceType },
    }),
    async (request, reply) => {
      const { code, name, description } = request.body;
      const row = await insertPlaceType(db, { code, name, description });
      if (!row) throw conflict(`place type "${code}" is already registered`);
      return reply.code(201).send(row);
    },
  );

  app.get(
    '/place-types',
    route({ access: PLACE_TYPE_READERS, summary: 'The registered place types (pladstyper)', response: { 200: c.PlaceTypes } }),
    async () => listPlaceTypes(db),
  );
}
