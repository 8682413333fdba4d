/**
 * The housing offers' contracts (botilbud): an offer with its places and which are vacant. One
 * definition each, with one example.
 */
import { z } from 'zod';
import { documented, Id } from '../contract.js';

/** An offer with its places; a place held by a case is not vacant. */
const HousingOffer = z.object({
  id: Id,
  name: z.string(),
  targetGroup: z.string().describe('Who the offer is for (målgruppe)'),
  places: z.array(z.object({ id: Id, label: z.string(), vacant: z.boolean(), caseId: Id.nullable().describe('The case that holds the place') })),
  vacantPlaces: z.number().int(),
});

const offer = {
  id: '1abfed4d-399d-4615-abc8-d0bf7effb4a8',
  name: 'Botilbud Amager 1',
  targetGroup: 'Adults with severe mental illness',
  places: [
    { id: '0e081d15-28ad-4548-b930-2c75d5e2005b', label: 'Room 1', vacant: false, caseId: '552199ac-7537-437d-94ab-5a67fc121ad7' },
    { id: '525e765e-9156-4140-a0f2-bc0cc1a388eb', label: 'Room 2', vacant: true, caseId: null },
  ],
  vacantPlaces: 1,
};

/** `GET /housing-offers`. */
export const HousingOfferList = documented(z.object({ items: z.array(HousingOffer) }), {
  description: 'Botilbud offers with their places and vacancies, by name',
  example: { items: [offer] },
});

/** `POST /housing-offers`. */
export const HousingOfferCreated = documented(HousingOffer, {
  description: 'The offer added, with its places',
  example: { ...offer, places: [{ ...offer.places[0]!, vacant: true, caseId: null }], vacantPlaces: 1 },
});

/** `POST /housing-offers/:id/places`. */
export const HousingOfferWithPlaces = documented(HousingOffer, {
  description: 'The offer with its places (labels already there are kept)',
  example: offer,
});
