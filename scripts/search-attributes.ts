import type { Connection } from '@temporalio/client';
import { SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import proto from '@temporalio/proto';
import { searchAttributeDefinitions } from '../workflows/shared.js';

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
export async function registerSearchAttributes(connection: Connection, namespace = 'default'): Promise<void> {
  const searchAttributes: Record<string, number> = {};
  for (const k of searchAttributeDefinitions) searchAttributes[k.name] = indexedType[k.type]!;
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}
