import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import { isUserError } from "../../src/errors/index.js";
import { escapeXml, renderCardSvg, shortHex, svgDataUri, truncate } from "../../src/registry/card-svg.js";
import { canonicalJson } from "../../src/registry/canonical-json.js";
import { parseLicense } from "../../src/registry/license.js";
import { CROISSANT_CONFORMS_TO } from "../../src/registry/croissant-context.js";
import { buildDatasetMetadata, type DatasetMetadataInput } from "../../src/registry/dataset-metadata.js";
import { METADATA_MAX_BYTES, metadataBytes } from "../../src/registry/metadata-document.js";
import { buildModelMetadata, type ModelMetadataInput } from "../../src/registry/model-metadata.js";
import { readHyperparametersFile } from "../../src/registry/hyperparameters-file.js";
import { expectRejection } from "./reject.js";

const ROOT = "0x" + "ab".repeat(32);
const CID = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";
const dataset: DatasetMetadataInput = {
  name: "SpamAssassin public corpus",
  description: "Ham and spam emails.",
  license: "cc0-1.0",
  creator: { name: "The Apache SpamAssassin Project", type: "Organization", url: "https://spamassassin.apache.org" },
  datePublished: "2026-07-01",
  root: ROOT,
  leafCount: 6046,
  sampleCount: 6050,
  manifest: { cid: CID, headerSha256: "CD".repeat(32), headerSize: 412, size: 193472 },
};
const model: ModelMetadataInput = {
  name: "spam-nb-base",
  weightsHash: "0x" + "12".repeat(32),
  relation: "base",
  datasets: [{ id: "1", root: ROOT }],
  hyperparameters: { alpha: 1, minCount: 3 },
  metrics: { accuracy: 0.9721, f1: 0.9532 },
  trainingLogHead: "0x" + "34".repeat(32),
  license: "MIT",
};

function decodeImage(uri: string): string {
  expect(uri.startsWith("data:image/svg+xml;base64,")).to.equal(true);
  return Buffer.from(uri.slice("data:image/svg+xml;base64,".length), "base64").toString("utf8");
}

describe("dataset metadata (ERC-721 + Croissant 1.0)", () => {
  it("has the Croissant context, type, conformsTo and required dataset fields", () => {
    const m = buildDatasetMetadata(dataset);
    expect(m["@type"]).to.equal("sc:Dataset");
    expect(m.conformsTo).to.equal(CROISSANT_CONFORMS_TO);
    expect((m["@context"] as Record<string, unknown>)["cr"]).to.equal("http://mlcommons.org/croissant/");
    expect((m["@context"] as Record<string, unknown>)["@vocab"]).to.equal("https://schema.org/");
    expect(m).to.deep.include({ name: dataset.name, description: dataset.description, license: "https://spdx.org/licenses/CC0-1.0.html", datePublished: "2026-07-01", version: "1.0.0", url: `ipfs://${CID}` });
    expect(m.creator).to.deep.equal({ "@type": "sc:Organization", name: "The Apache SpamAssassin Project", url: "https://spamassassin.apache.org" });
  });

  it("describes the manifest directory as a FileObject without checksum and its header.json as a FileObject with its sha256", () => {
    const files = buildDatasetMetadata(dataset).distribution as Record<string, unknown>[];
    const directory = files.find((f) => f["@id"] === "sample-hash-manifest");
    expect(directory).to.deep.include({ "@type": "cr:FileObject", contentUrl: `ipfs://${CID}`, encodingFormat: "inode/directory", contentSize: "193472 B" });
    expect(directory).to.not.have.property("sha256");
    const header = files.find((f) => f["@id"] === "sample-hash-manifest-header");
    expect(header).to.deep.include({ "@type": "cr:FileObject", name: "header.json", contentUrl: `ipfs://${CID}/header.json`, encodingFormat: "application/json", sha256: "cd".repeat(32), contentSize: "412 B" });
  });

  it("gives a checksum only to entries whose contentUrl is a single file, and puts index and shards in FileSets of the directory", () => {
    const files = buildDatasetMetadata(dataset).distribution as Record<string, unknown>[];
    for (const f of files) {
      if ("sha256" in f) expect(f["contentUrl"], `${String(f["@id"])} has a sha256`).to.match(/^ipfs:\/\/[a-z0-9]+\/header\.json$/);
    }
    const sets = files.filter((f) => f["@type"] === "cr:FileSet");
    expect(sets.map((f) => f["includes"])).to.deep.equal(["index.bin", "shards/**/*.bin"]);
    for (const set of sets) {
      expect(set["containedIn"]).to.deep.equal({ "@id": "sample-hash-manifest" });
      expect(set).to.not.have.property("contentUrl");
    }
  });

  it("carries the commitment, counts and ERC-721 attributes", () => {
    const m = buildDatasetMetadata(dataset);
    expect(m).to.deep.include({ merkleRoot: ROOT, leafCount: 6046, sampleCount: 6050, duplicateCount: 4 });
    expect(m.attributes).to.deep.include({ trait_type: "Leaves", value: 6046, display_type: "number" });
    expect(m.attributes).to.deep.include({ trait_type: "License", value: "CC0-1.0" });
  });

  it("renders an SVG card with the name, short root and counts", () => {
    const svg = decodeImage(buildDatasetMetadata(dataset).image);
    expect(svg).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).to.include("SpamAssassin public corpus");
    expect(svg).to.include(shortHex(ROOT));
    expect(svg).to.include("6,046");
    expect(svg).to.not.match(/<script|href=/);
  });

  it("is reproducible: same input, same canonical bytes; different input, different bytes", () => {
    const a = metadataBytes(buildDatasetMetadata(dataset));
    const b = metadataBytes(buildDatasetMetadata({ ...dataset }));
    const c = metadataBytes(buildDatasetMetadata({ ...dataset, leafCount: 6045 }));
    expect(Buffer.from(a).equals(Buffer.from(b))).to.equal(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).to.equal(false);
    expect(Buffer.from(a).toString("utf8")).to.equal(canonicalJson(JSON.parse(Buffer.from(a).toString("utf8"))));
  });

  it("omits optional fields that were not given instead of writing null", () => {
    const m = buildDatasetMetadata({ name: "x", license: "MIT", root: ROOT, leafCount: 1, manifest: { cid: CID, headerSha256: "00".repeat(32) } });
    const text = Buffer.from(metadataBytes(m)).toString("utf8");
    expect(text).to.not.include("null");
    expect(text).to.not.include("datePublished");
    expect(m.sampleCount).to.equal(1);
  });

  it("escapes hostile names in the SVG card", () => {
    const m = buildDatasetMetadata({ ...dataset, name: '<script>alert("x")</script> & co' });
    const svg = decodeImage(m.image);
    expect(svg).to.not.include("<script>");
    expect(svg).to.include("&lt;script&gt;");
    expect(m.name).to.equal('<script>alert("x")</script> & co');
  });

  it("rejects missing or bad input with UserErrors that say what to do", () => {
    const fails = (input: Partial<DatasetMetadataInput>, pattern: RegExp): void => {
      let error: unknown;
      try {
        buildDatasetMetadata({ ...dataset, ...input } as DatasetMetadataInput);
      } catch (e) {
        error = e;
      }
      expect(isUserError(error), `expected a UserError for ${JSON.stringify(input)}`).to.equal(true);
      expect((error as Error).message).to.match(pattern);
    };
    fails({ name: "   " }, /Invalid dataset name: it is missing or empty.\nPass a dataset name/);
    fails({ name: "a\u0000b" }, /control characters/);
    fails({ license: "my own license" }, /Invalid license "my own license".*\n.*SPDX identifier such as CC-BY-4.0/);
    fails({ license: "CC-BY-5.0" }, /"CC-BY-5.0" is not a known SPDX identifier/);
    fails({ root: "0x1234" }, /Invalid Merkle root/);
    fails({ leafCount: -1 }, /Invalid leaf count/);
    fails({ leafCount: 1.5 }, /Invalid leaf count/);
    fails({ sampleCount: 10 }, /10 samples cannot give 6046 distinct leaves/);
    fails({ manifest: { cid: "not-a-cid", headerSha256: ROOT } }, /not an IPFS CID/);
    fails({ manifest: { cid: CID, headerSha256: "0x12" } }, /Invalid manifest header sha256/);
    fails({ datePublished: "01/07/2026" }, /not an ISO 8601 date\.\nUse YYYY-MM-DD/);
    fails({ datePublished: "2026-02-30" }, /not an ISO 8601 date/);
    fails({ url: "javascript:alert(1)" }, /javascript: URLs are not allowed/);
    fails({ version: "1 0" }, /Invalid version/);
  });

  it("accepts a full ISO date-time", () => {
    expect(buildDatasetMetadata({ ...dataset, datePublished: "2026-07-01T12:30:00Z" }).datePublished).to.equal("2026-07-01T12:30:00Z");
  });

  it("refuses metadata larger than one IPFS block", () => {
    const keywords = Array.from({ length: 3000 }, (_, i) => `keyword-${i}-${"x".repeat(80)}`);
    expect(() => buildDatasetMetadata({ ...dataset, keywords })).to.throw(new RegExp(`more than one IPFS block \\(${METADATA_MAX_BYTES} bytes\\)`));
  });
});

describe("model metadata", () => {
  it("carries datasets, parents, relation, weightsHash, hyperparameters, metrics, trainingLogHead", () => {
    const m = buildModelMetadata(model);
    expect(m).to.deep.include({ relation: "base", weightsHash: model.weightsHash, trainingLogHead: model.trainingLogHead, hyperparameters: { alpha: 1, minCount: 3 }, metrics: { accuracy: 0.9721, f1: 0.9532 } });
    expect(m.datasets).to.deep.equal([{ id: "1", root: ROOT }]);
    expect(m.parents).to.deep.equal([]);
    expect(m.attributes).to.deep.include({ trait_type: "accuracy", value: 0.9721, display_type: "number" });
  });

  it("records the weights manifest and training log CIDs given to the builder", () => {
    const m = buildModelMetadata({ ...model, weightsManifestCid: CID, trainingLogCid: CID });
    expect(m).to.deep.include({ weightsManifestCid: CID, trainingLogCid: CID });
    expect(Buffer.from(metadataBytes(buildModelMetadata(model))).toString("utf8")).to.not.match(/weightsManifestCid|trainingLogCid/);
    expect(() => buildModelMetadata({ ...model, weightsManifestCid: "nope" })).to.throw(/Invalid weights manifest CID/);
    expect(() => buildModelMetadata({ ...model, trainingLogCid: "nope" })).to.throw(/Invalid training log CID/);
  });

  it("lists held-out evaluation datasets apart from the training datasets", () => {
    const m = buildModelMetadata({ ...model, evaluationDatasets: [{ id: "2", name: "test split", root: "0x" + "EF".repeat(32) }] });
    expect(m.datasets).to.deep.equal([{ id: "1", root: ROOT }]);
    expect(m["evaluationDatasets"]).to.deep.equal([{ id: "2", name: "test split", root: "0x" + "ef".repeat(32) }]);
    expect(m.attributes).to.deep.include({ trait_type: "Evaluation datasets", value: 1, display_type: "number" });
    expect(Buffer.from(metadataBytes(buildModelMetadata(model))).toString("utf8")).to.not.include("evaluationDatasets");
  });

  it("rejects a dataset listed both as training and as evaluation data", () => {
    expect(() => buildModelMetadata({ ...model, evaluationDatasets: [{ id: "1" }] })).to.throw(/dataset 1 is listed both as training data and as evaluation data/);
    expect(() => buildModelMetadata({ ...model, evaluationDatasets: [{ id: "2" }, { id: "2" }] })).to.throw(/token 2 is listed twice/);
  });

  it("describes a fine-tuned child with its parent and fingerprint root", () => {
    const m = buildModelMetadata({ ...model, name: "spam-nb-child", relation: "fine-tune", parents: [{ id: "1", weightsHash: model.weightsHash }], datasets: [{ id: "2" }], fingerprintRoot: "0x" + "56".repeat(32) });
    expect(m.relation).to.equal("finetune");
    expect(m.parents).to.deep.equal([{ id: "1", weightsHash: model.weightsHash }]);
    expect(m.fingerprintRoot).to.equal("0x" + "56".repeat(32));
    const svg = decodeImage(m.image);
    expect(svg).to.include("finetune");
    expect(svg).to.include("97.21%");
  });

  it("normalizes hashes to lowercase 0x form", () => {
    expect(buildModelMetadata({ ...model, weightsHash: "AB".repeat(32) }).weightsHash).to.equal("0x" + "ab".repeat(32));
  });

  it("rejects inconsistent relations, duplicate ids and bad metrics", () => {
    expect(() => buildModelMetadata({ ...model, relation: "finetune" })).to.throw(/needs exactly one parent/);
    expect(() => buildModelMetadata({ ...model, relation: "merge", parents: [{ id: "1" }] })).to.throw(/merge needs at least two parents/);
    expect(() => buildModelMetadata({ ...model, relation: "base", parents: [{ id: "1" }] })).to.throw(/a base model has no parent/);
    expect(() => buildModelMetadata({ ...model, relation: "cloned" })).to.throw(/Unknown model relation "cloned"/);
    expect(() => buildModelMetadata({ ...model, datasets: [{ id: "1" }, { id: "1" }] })).to.throw(/token 1 is listed twice/);
    expect(() => buildModelMetadata({ ...model, datasets: [{ id: "one" }] })).to.throw(/not a token id/);
    expect(() => buildModelMetadata({ ...model, datasets: [] })).to.throw(/base model must name at least one training dataset/);
    expect(() => buildModelMetadata({ ...model, metrics: { accuracy: Number.NaN } })).to.throw(/"accuracy" is NaN/);
    expect(() => buildModelMetadata({ ...model, hyperparameters: [] as never })).to.throw(/hyperparameters: expected a JSON object/);
    expect(() => buildModelMetadata({ ...model, name: "" })).to.throw(/Invalid model name/);
    expect(() => buildModelMetadata({ ...model, weightsHash: "0x12" })).to.throw(/Invalid weightsHash/);
  });
});

describe("hyperparameters file", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "datatrace-hp-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a JSON object", async () => {
    await writeFile(path.join(dir, "ok.json"), '{"alpha": 1, "minCount": 3}');
    expect(await readHyperparametersFile(path.join(dir, "ok.json"))).to.deep.equal({ alpha: 1, minCount: 3 });
  });

  it("explains a syntax error, a non-object and a missing file", async () => {
    await writeFile(path.join(dir, "bad.json"), '{"alpha": 1,}');
    await writeFile(path.join(dir, "array.json"), "[1, 2]");
    await expectRejection(readHyperparametersFile(path.join(dir, "bad.json")), /bad.json is not valid JSON .*\nFix the JSON syntax/s);
    await expectRejection(readHyperparametersFile(path.join(dir, "array.json")), /holds an array, not a JSON object/);
    await expectRejection(readHyperparametersFile(path.join(dir, "missing.json")), /Cannot read the hyperparameters file/);
  });
});

describe("licenses", () => {
  it("canonicalizes known SPDX ids case-insensitively and links to spdx.org", () => {
    expect(parseLicense("cc-by-4.0")).to.deep.equal({ spdx: "CC-BY-4.0", url: "https://spdx.org/licenses/CC-BY-4.0.html" });
    expect(parseLicense(" MIT ")).to.deep.equal({ spdx: "MIT", url: "https://spdx.org/licenses/MIT.html" });
  });

  it("accepts LicenseRef- ids and AND/OR expressions", () => {
    expect(parseLicense("LicenseRef-Acme-Data")).to.deep.equal({ spdx: "LicenseRef-Acme-Data" });
    expect(parseLicense("mit OR apache-2.0")).to.deep.equal({ spdx: "MIT OR Apache-2.0" });
  });

  it("rejects empty, unknown and malformed licenses", () => {
    expect(() => parseLicense("")).to.throw(/the license is empty/);
    expect(() => parseLicense("Proprietary")).to.throw(/not a known SPDX identifier/);
    expect(() => parseLicense("MIT OR")).to.throw(/Invalid license/);
    expect(() => parseLicense("GPL (v3)")).to.throw(/Invalid license/);
  });
});

describe("SVG card helpers", () => {
  it("escapes XML special characters and drops characters XML forbids", () => {
    expect(escapeXml(`<a href="x">&'</a>\u0001\uFFFE`)).to.equal("&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
  });

  it("truncates by code points with an ellipsis", () => {
    expect(truncate("abcdef", 4)).to.equal("abc…");
    expect(truncate("abc", 4)).to.equal("abc");
    expect(truncate("😀😀😀😀😀", 3)).to.equal("😀😀…");
  });

  it("shortens long hex strings only", () => {
    expect(shortHex("0x" + "a".repeat(64))).to.equal("0xaaaaaa…aaaaaa");
    expect(shortHex("0x1234")).to.equal("0x1234");
    expect(shortHex("0x0123456789abcdef" + "0".repeat(44) + "cafe", 10, 4)).to.equal("0x0123456789…cafe");
  });

  it("renders at most 7 rows and base64-encodes the data URI", () => {
    const svg = renderCardSvg({ kind: "model", title: "t", rows: Array.from({ length: 9 }, (_, i) => [`row${i}`, String(i)] as const) });
    expect(svg.match(/class="l"/g)).to.have.length(7);
    expect(svg).to.include("row6").and.not.include("row7");
    expect(Buffer.from(svgDataUri(svg).split(",")[1]!, "base64").toString("utf8")).to.equal(svg);
  });
});
