/**
 * A `model_signing` signature file (`model.sig`): a Sigstore bundle (JSON,
 * parsed and validated with `@sigstore/bundle`) whose content is a DSSE
 * envelope with payload type `application/vnd.in-toto+json` carrying the
 * model-signing statement.
 *
 * {@link readSignatureBundle} extracts and checks the statement (its subject
 * digest must match its resources). {@link verifyBundleWithKey} checks the
 * signature of a key-signed bundle (model_signing `sign key`) offline:
 *
 * - the bundle's public-key hint, when present, must be model_signing's:
 *   SHA-256 (hex) of the key's PEM SubjectPublicKeyInfo;
 * - the signature is ECDSA over the DSSE pre-authentication encoding
 *   `DSSEv1 <len type> <type> <len payload> <payload>`, with the hash
 *   model_signing pairs with the curve (P-256 → SHA-256, P-384 → SHA-384,
 *   P-521 → SHA-512).
 *
 * Hand-written, with a reason: `@sigstore/verify` 4.1.3's Verifier checks
 * key signatures with Node's default digest for the key (SHA-256), so it
 * rejects model_signing's P-384 bundles (its own v1.1.0 test bundle fails,
 * checked while writing this). P-256 bundles verify the same either way.
 * Certificate (Sigstore/Fulcio) bundles need the Sigstore trust root, which
 * is online; they are reported as not checked.
 */
import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";

import { bundleFromJSON, isBundleWithDsseEnvelope, isBundleWithPublicKey, type Bundle } from "@sigstore/bundle";

import { IN_TOTO_PAYLOAD_TYPE, parseModelSigningStatement, type ModelSigningStatement } from "./model-signing-statement.js";
import { DatatraceError } from "../errors/index.js";

/** A read signature bundle. */
export interface SignatureBundle {
  readonly bundle: Bundle;
  /** The signed payload bytes. */
  readonly payload: Buffer;
  readonly statement: ModelSigningStatement;
  /** How the signer is identified: a key hint, or a certificate (Sigstore). */
  readonly signer: { readonly kind: "public-key"; readonly hint: string } | { readonly kind: "certificate" };
}

/** A signature file that cannot be used. */
export class SignatureBundleError extends DatatraceError {
  constructor(message: string) {
    super(message, { family: "data" });
    this.name = "SignatureBundleError";
  }
}

/** Reads a bundle's JSON text (see the module doc). */
export function readSignatureBundle(json: string, where = "the signature file"): SignatureBundle {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new SignatureBundleError(`${where} is not JSON (${(cause as Error).message}).`);
  }
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(parsed);
  } catch (cause) {
    throw new SignatureBundleError(`${where} is not a Sigstore bundle: ${(cause as Error).message}.`);
  }
  if (!isBundleWithDsseEnvelope(bundle)) throw new SignatureBundleError(`${where} signs a message, not a DSSE envelope: it is not a model_signing signature.`);
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new SignatureBundleError(`${where} carries a ${envelope.payloadType} payload, not an in-toto statement.`);
  let statement: ModelSigningStatement;
  try {
    statement = parseModelSigningStatement(JSON.parse(envelope.payload.toString("utf8")));
  } catch (cause) {
    throw new SignatureBundleError(`The statement inside ${where} is unusable: ${(cause as Error).message}`);
  }
  const signer = isBundleWithPublicKey(bundle) ? ({ kind: "public-key", hint: bundle.verificationMaterial.content.publicKey.hint } as const) : ({ kind: "certificate" } as const);
  return { bundle, payload: envelope.payload, statement, signer };
}

/** DSSE v1 pre-authentication encoding. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** model_signing's key hint: SHA-256 hex of the key's PEM SubjectPublicKeyInfo. */
export function publicKeyHint(key: KeyObject): string {
  return createHash("sha256").update(key.export({ type: "spki", format: "pem" })).digest("hex");
}

function digestFor(key: KeyObject): string {
  if (key.asymmetricKeyType !== "ec") throw new SignatureBundleError(`The public key is ${key.asymmetricKeyType ?? "unknown"}, not an elliptic-curve key (model_signing signs with EC keys).`);
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === "prime256v1") return "sha256";
  if (curve === "secp384r1") return "sha384";
  if (curve === "secp521r1") return "sha512";
  throw new SignatureBundleError(`The public key's curve ${curve ?? "unknown"} is not one model_signing uses (P-256, P-384, P-521).`);
}

/** The result of a key check. */
export interface KeyVerification {
  readonly valid: boolean;
  /** Why not, when invalid. */
  readonly reason?: string;
}

/** Verifies a key-signed bundle against a PEM public key (see the module doc). */
export function verifyBundleWithKey(signature: SignatureBundle, publicKeyPem: string): KeyVerification {
  let key: KeyObject;
  try {
    key = createPublicKey(publicKeyPem);
  } catch (cause) {
    throw new SignatureBundleError(`The public key is not a PEM public key (${(cause as Error).message}).`);
  }
  if (signature.signer.kind !== "public-key") return { valid: false, reason: "the bundle is signed with a certificate (Sigstore), not a key" };
  if (signature.signer.hint !== "" && signature.signer.hint !== publicKeyHint(key)) return { valid: false, reason: "the bundle names another public key (key hint mismatch)" };
  const envelope = isBundleWithDsseEnvelope(signature.bundle) ? signature.bundle.content.dsseEnvelope : undefined;
  const sig = envelope?.signatures[0]?.sig;
  if (envelope === undefined || sig === undefined) return { valid: false, reason: "the bundle has no signature" };
  const ok = verify(digestFor(key), preAuthEncoding(envelope.payloadType, envelope.payload), key, sig);
  return ok ? { valid: true } : { valid: false, reason: "the signature does not verify with this key" };
}
