import { createHash, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import { hashModel, readSignatureBundle, statementOfBytes, verifyBundleWithKey } from "../../src/models/index.js";
import { keySignedBundle } from "./helpers/signed-bundle.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const vector = path.join(here, "..", "fixtures", "model-signing");

describe("model_signing interoperability", function () {
  this.timeout(30_000);

  it("hashes model_signing's own signed test model to the statement it signed (v1.1.0, key-signed)", async () => {
    const signature = readSignatureBundle(readFileSync(path.join(vector, "v1.1.0-elliptic-key", "model.sig"), "utf8"));
    const ours = await hashModel(path.join(vector, "v1.1.0-elliptic-key"), { ignore: ["ignore-me"] });
    const signed = signature.statement;
    expect(ours.hashed.statement.predicate.resources).to.deep.equal(signed.predicate.resources);
    expect(ours.hashed.statement.subject).to.deep.equal(signed.subject);
    expect(ours.hashed.weightsHash).to.equal("0x92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4");
    expect([...ours.hashed.statement.predicate.serialization.ignore_paths!].sort()).to.deep.equal([...signed.predicate.serialization.ignore_paths!].sort());
    const pem = readFileSync(path.join(vector, "signing-key-pub.pem"), "utf8");
    expect(verifyBundleWithKey(signature, pem)).to.deep.equal({ valid: true });
  });

  it("rejects the vector's signature with another key, and a bundle whose payload was altered", () => {
    const text = readFileSync(path.join(vector, "v1.1.0-elliptic-key", "model.sig"), "utf8");
    const other = generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(verifyBundleWithKey(readSignatureBundle(text), other)).to.deep.equal({ valid: false, reason: "the bundle names another public key (key hint mismatch)" });
    const json = JSON.parse(text) as { dsseEnvelope: { payload: string } };
    const statement = JSON.parse(Buffer.from(json.dsseEnvelope.payload, "base64").toString()) as { subject: { name: string }[] };
    statement.subject[0]!.name = "renamed"; // still a consistent statement, but not what was signed
    json.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    const pem = readFileSync(path.join(vector, "signing-key-pub.pem"), "utf8");
    expect(verifyBundleWithKey(readSignatureBundle(JSON.stringify(json)), pem)).to.deep.equal({ valid: false, reason: "the signature does not verify with this key" });
  });

  for (const [curve, digest] of [["prime256v1", "sha256"], ["secp384r1", "sha384"], ["secp521r1", "sha512"]] as const) {
    it(`verifies a bundle signed with a ${curve} key (${digest})`, () => {
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: curve });
      const s = statementOfBytes("m", [{ name: "w.bin", bytes: Buffer.from("weights") }]);
      const bundle = keySignedBundle(Buffer.from(s.bytes), privateKey, publicKey, digest);
      const read = readSignatureBundle(bundle);
      expect(read.statement).to.deep.equal(s.statement);
      expect(read.signer).to.deep.equal({ kind: "public-key", hint: createHash("sha256").update(publicKey.export({ type: "spki", format: "pem" })).digest("hex") });
      expect(verifyBundleWithKey(read, publicKey.export({ type: "spki", format: "pem" }).toString()).valid).to.equal(true);
    });
  }

  it("refuses files that are not model_signing bundles, with the reason", () => {
    expect(() => readSignatureBundle("not json")).to.throw(/not JSON/);
    expect(() => readSignatureBundle("{}")).to.throw(/not a Sigstore bundle/);
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const bad = keySignedBundle(Buffer.from(JSON.stringify({ _type: "https://in-toto.io/Statement/v1", predicateType: "x", subject: [], predicate: {} })), privateKey, publicKey, "sha256");
    expect(() => readSignatureBundle(bad)).to.throw(/statement inside the signature file is unusable: Not a model_signing v1.0 statement/);
  });
});
