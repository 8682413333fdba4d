/**
 * The municipality's own supported-housing offers (botilbud) and their places: the registry the
 * psychiatry coordinator matches citizens against. A place's vacancy is derived from the
 * allocations (a place held by a case is not vacant).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addHousingPlaces, createHousingOffer, getHousingOffer, listHousingOffers, offerNameTaken } from '../../db/queries/psychiatric.js';
import type { Role } from '../auth.js';
import type { ApiDeps } from '../context.js';
import { conflict, notFound } from '../errors.js';
import { routeOptionsFor } from '../route-options.js';
import { line } from '../schemas.js';
import { HousingOfferCreated, HousingOfferList, HousingOfferWithPlaces } from './housing-offers.contracts.js';

const label = line(100);
const READERS: Role[] = ['psychiatry_coordinator', 'area_chief', 'supervisor'];
const MAINTAINERS: Role[] = ['psychiatry_coordinator', 'area_chief'];
const route = routeOptionsFor('housing offers');
const offersQuery = z.object({ vacant: z.enum(['true', 'false']).optional().describe('true: only offers with a vacant place') });

export const housingOfferRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const db = deps.database.db;

  app.get(
    '/housing-offers',
    route({ access: READERS, summary: 'Botilbud offers with their places and vacancies', querystring: offersQuery, response: { 200: HousingOfferList } }),
    async (request) => ({ items: await listHousingOffers(db, request.query.vacant === 'true') }),
  );

  app.post(
    '/housing-offers',
    route({
      access: MAINTAINERS,
      audit: 'housing_offer.create',
      summary: 'Add a botilbud offer with its places',
      body: z
        .object({
          name: line(200),
          targetGroup: line(500).describe('Who the offer is for (målgruppe)'),
          places: z.array(label).max(500).default([]).describe('Labels of the places, e.g. "Room 1"'),
        })
        .strict()
        .refine((v) => new Set(v.places).size === v.places.length, { path: ['places'], message: 'place labels must be distinct' }),
      response: { 201: HousingOfferCreated },
    }),
    async (request, reply) => {
      const b = request.body;
      if (await offerNameTaken(db, b.name)) throw conflict(`an offer named ${b.name} already exists`);
      const id = await createHousingOffer(db, { name: b.name, targetGroup: b.targetGroup, placeLabels: b.places });
      return reply.code(201).send((await getHousingOffer(db, id))!);
    },
  );

  app.post(
    '/housing-offers/:id/places',
    route({
      access: MAINTAINERS,
      audit: 'housing_offer.add_places',
      summary: 'Add places to an offer (labels already there are kept)',
      params: z.object({ id: z.uuid({ message: 'must be a housing offer id (UUID)' }) }),
      body: z.object({ labels: z.array(label).min(1).max(500) }).strict(),
      response: { 200: HousingOfferWithPlaces },
    }),
    async (request) => {
      const offer = await getHousingOffer(db, request.params.id);
      if (!offer) throw notFound(`no housing offer ${request.params.id}`);
      await addHousingPlaces(db, offer.id, request.body.labels);
      return (await getHousingOffer(db, offer.id))!;
    },
  );
};
