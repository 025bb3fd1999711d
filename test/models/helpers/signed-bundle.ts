/** Key-signed model_signing bundles for tests, built with @sigstore/bundle (not our code) the way model_signing's `sign key` writes them. */
import { sign, type KeyObject } from "node:crypto";

import { bundleToJSON, toDSSEBundle } from "@sigstore/bundle";

import { IN_TOTO_PAYLOAD_TYPE, preAuthEncoding, publicKeyHint } from "../../../src/models/index.js";

/** A bundle JSON text: DSSE envelope over `payload`, ECDSA with `digest`, key hint of `publicKey`. */
export function keySignedBundle(payload: Buffer, privateKey: KeyObject, publicKey: KeyObject, digest: string): string {
  const signature = sign(digest, preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload), privateKey);
  return JSON.stringify(bundleToJSON(toDSSEBundle({ artifact: payload, artifactType: IN_TOTO_PAYLOAD_TYPE, signature, keyHint: publicKeyHint(publicKey) })));
}
