/** Ids: every case, citizen, place, offer and registry entry is a UUID. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value is a UUID (a case id, not a case number or free text). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
