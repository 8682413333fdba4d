/** A grant ordered by another case's decision (hospital discharge, temporary stay): its contract and its registry checks. */
import { z } from 'zod';
import { providerOf, serviceOf } from '../../../db/queries/grant.js';
import type { ApiDeps } from '../../context.js';
import { badRequest } from '../../errors.js';
import { calendarDate } from '../../schemas.js';
import { ProviderCode, ServiceCode } from './contracts.js';

/** The field of another case's decision that carries a grant order (a 400 names it: `body.<field>`). */
export const GRANT_ORDER_FIELD = 'grant' as const;

export const GrantOrderBody = z
  .object({
    serviceCode: ServiceCode,
    minutesPerDelivery: z.number().int().min(1).max(600),
    deliveriesPerWeek: z.number().int().min(1).max(70),
    providerCode: ProviderCode,
    endsOn: calendarDate.optional().describe('The last day of a temporary grant; absent: permanent'),
  })
  .strict()
  .describe('Opens a grant case (bevilling) handed to the provider: the grant is the hand-over (letter, provider message, 14:30 rule)');

/** 400 naming the field when the order names a service or provider the registries do not have (or not approved). */
export async function checkGrantOrder(db: ApiDeps['database']['db'], o: z.output<typeof GrantOrderBody>, field: string): Promise<void> {
  if (!(await serviceOf(db, o.serviceCode))) throw badRequest(`${field}.serviceCode: no service ${o.serviceCode} in the catalogue (GET /grant-services)`, `${field}.serviceCode`);
  const p = await providerOf(db, o.providerCode);
  if (!p || !p.approved) throw badRequest(`${field}.providerCode: no approved provider ${o.providerCode} (GET /providers)`, `${field}.providerCode`);
}
