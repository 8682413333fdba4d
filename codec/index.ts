/**
 * The one place clients and workers get their data converter: JSON payloads, encrypted by the
 * payload codec with the configured keys (docs/encryption.md).
 */
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec.js';
import { payloadKeysFromConfig, type PayloadKeys } from './keys.js';

export { EncryptionCodec, ENCRYPTED_ENCODING, METADATA_KEY_ID, isEncrypted, keyIdOf } from './encryption-codec.js';
export { ensureDevKeyFile, newKeySetJson, parsePayloadKeys, payloadKeysFromConfig, type PayloadKeys } from './keys.js';

/** The data converter of a key set (the codec runs outside the workflow sandbox: no bundle change). */
export function encryptingDataConverter(keys: PayloadKeys): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)] };
}

/** The data converter of a process, from PAYLOAD_KEYS_FILE / PAYLOAD_KEYS (validated: a bad key set stops it). */
export function dataConverterFromConfig(config: { PAYLOAD_KEYS_FILE?: string | undefined; PAYLOAD_KEYS?: string | undefined }): DataConverter {
  return encryptingDataConverter(payloadKeysFromConfig(config));
}
