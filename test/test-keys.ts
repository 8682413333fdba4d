/** The tests' payload encryption: the run's key set (made by global-setup.ts), one data converter. */
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { inject } from 'vitest';
import { encryptingDataConverter, parsePayloadKeys } from '../codec/index.js';

let dataConverter: DataConverter | undefined;
/** The data converter of every client and worker in the tests: payloads encrypted with the run's key (codec/). */
export function testDataConverter(): DataConverter {
  dataConverter ??= encryptingDataConverter(parsePayloadKeys(inject('payloadKeys'), "the test run's payload keys"));
  return dataConverter;
}

/** The run's payload codec (what the API's codec endpoint decodes with). */
export const testCodec = (): PayloadCodec => testDataConverter().payloadCodecs![0]!;
