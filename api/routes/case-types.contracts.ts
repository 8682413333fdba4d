/** The case type as the answers of the shared routes name it: one of the list's names. */
import { z } from 'zod';
import { CASE_TYPE_NAMES } from '../case-types/index.js';

/**
 * A case type's name, from the one list. The handler may hand over the `cases.type` column as a
 * plain string (the lists only return case types the reader reads, all of them in the list);
 * the answer says which one it is.
 */
export const CaseTypeAnswer = z.codec(z.enum(CASE_TYPE_NAMES), z.string(), {
  decode: (name) => name,
  encode: (name) => name as (typeof CASE_TYPE_NAMES)[number],
});
