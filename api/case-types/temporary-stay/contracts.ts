/**
 * The temporary stay's contracts (midlertidigt døgnophold, source 003): what its routes accept
 * and answer. One definition each, with one example.
 */
import { z } from 'zod';
import { PRIORITY_CHANGE_REASON_CODES, PRIORITY_CHANGE_REASONS, PRIORITY_ORDER, STAY_PURPOSE_CODES, STAY_PURPOSES, type Priority } from '../../../domain/rules.js';
import { normalisePlaceType, PLACE_TYPE_PATTERN } from '../../../workflows/temporary-stay/allocation-state.js';
import { token } from '../../schemas.js';

/** Place type (pladstype): normalised (trimmed, lower case, spaces → -) and then checked. */
export const placeTypeSchema = token(200)
  .transform(normalisePlaceType)
  .pipe(z.string().regex(PLACE_TYPE_PATTERN, { message: 'must be a place type (pladstype): letters, digits, spaces, - or _, at most 60' }))
  .describe('Place type (pladstype), e.g. rehabilitering, aflastning')
  .meta({ 'x-audit': 'code' });
export const prioritySchema = z
  .enum(PRIORITY_ORDER as unknown as [Priority, ...Priority[]])
  .describe('akut > indlagt_faerdigbehandlet > hoej > middel > planlagt (003)');

/** "code (Danish name), …" for a schema's description. */
const listed = (list: Record<string, string>) =>
  Object.entries(list)
    .map(([code, da]) => `${code} (${da})`)
    .join(', ');
export const purposeSchema = z
  .enum(STAY_PURPOSE_CODES)
  .describe(`Purpose of the stay (formål) as a category: ${listed(STAY_PURPOSES)}. The purpose itself is written in the journal (003).`);
export const priorityReasonSchema = z.enum(PRIORITY_CHANGE_REASON_CODES).describe(`Why the priority changes (003): ${listed(PRIORITY_CHANGE_REASONS)}`);
