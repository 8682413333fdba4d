/** The project's search attributes on a Temporal server: registered by the API at start-up, by `npm start` and by the tests. */
import type { Connection } from '@temporalio/client';
import { SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import proto from '@temporalio/proto';
import { searchAttributeDefinitions } from '../workflows/shared/search-attributes.js';

const IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

/** `--search-attribute Name=Type` arguments registering the project's custom search attributes. */
export function searchAttributeArgs(): string[] {
  return searchAttributeDefinitions.flatMap((k) => [
    '--search-attribute',
    `${k.name}=${TypedSearchAttributes.toMetadataType(k.type)}`,
  ]);
}

const indexedType: Record<string, number> = {
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.TEXT]: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Registers the search attributes through the operator API (e.g. on the time-skipping server). */
export async function registerSearchAttributes(
  connection: Connection,
  namespace = 'default',
  definitions = searchAttributeDefinitions,
): Promise<void> {
  const searchAttributes: Record<string, number> = {};
  for (const k of definitions) searchAttributes[k.name] = indexedType[k.type]!;
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}

/**
 * Registers whichever of the project's search attributes the server does not have yet (an
 * external server: docker-compose, production). The dev server started by `npm start` gets them
 * from its command line; registering twice is harmless.
 */
export async function ensureSearchAttributes(connection: Connection, namespace = 'default'): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
  const missing = searchAttributeDefinitions.filter((k) => !known.has(k.name));
  if (missing.length) await registerSearchAttributes(connection, namespace, missing);
  return missing.map((k) => k.name);
}

export const searchAttributeNames = (): string => searchAttributeDefinitions.map((k) => k.name).join(', ');
