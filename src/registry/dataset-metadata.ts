/**
 * Dataset token metadata: an ERC-721 metadata JSON (name, description,
 * image, external_url, attributes) that is also a Croissant 1.0 dataset
 * description (JSON-LD, `@type: sc:Dataset`, `conformsTo`
 * http://mlcommons.org/croissant/1.0, distribution pointing at the
 * sample-hash manifest on IPFS), plus the Datatrace commitment fields
 * (Merkle root, leaf, sample and duplicate counts).
 *
 * Inputs are validated with `UserError`s that say what to fix (see
 * metadata-fields.ts). Nothing here reads the clock: pass `datePublished`
 * explicitly. The document must fit one IPFS block (metadata-document.ts).
 */
import type { SourceStructure } from "../sources/index.js";
import { renderCardSvg, shortHex, svgDataUri } from "./card-svg.js";
import type { JsonObject } from "./canonical-json.js";
import { CROISSANT_CONFORMS_TO, CROISSANT_CONTEXT } from "./croissant-context.js";
import { croissantRecordSets } from "./croissant-record-set.js";
import { parseLicense } from "./license.js";
import { manifestDistribution } from "./manifest-distribution.js";
import { assertMetadataSize } from "./metadata-document.js";
import { countField, creatorField, dateField, invalidField, keywordsField, normalizeHash32, textField, urlField, validateCid, versionField, type Creator } from "./metadata-fields.js";

/** Input of {@link buildDatasetMetadata}. */
export interface DatasetMetadataInput {
  readonly name: string;
  readonly description?: string;
  /** SPDX identifier (see license.ts). */
  readonly license: string;
  /** Dataset home page (Croissant `url`); default `ipfs://<manifest cid>`. */
  readonly url?: string;
  /** Page shown by marketplaces (`external_url`). */
  readonly externalUrl?: string;
  readonly creator?: string | Creator;
  /** Who publishes the dataset (Croissant recommends it), when not the creator. */
  readonly publisher?: string | Creator;
  /**
   * What the sources' records look like (`describeSources`): adds their
   * files to the Croissant `distribution` and one `recordSet` each.
   */
  readonly sources?: readonly SourceStructure[];
  /** ISO 8601 date, `YYYY-MM-DD` or full date-time. Omitted when absent (Croissant validators warn). */
  readonly datePublished?: string;
  /** Dataset version, default "1.0.0". */
  readonly version?: string;
  /** Citation (BibTeX or text). */
  readonly citeAs?: string;
  readonly keywords?: readonly string[];
  /** Merkle root of the sample-hash set (0x + 64 hex). */
  readonly root: string;
  /** Number of distinct sample hashes (tree leaves). */
  readonly leafCount: number;
  /** Number of samples read, duplicates included (>= leafCount). Default leafCount. */
  readonly sampleCount?: number;
  /**
   * The sample-hash manifest on IPFS: a UnixFS directory (`header.json`,
   * `index.bin`, `shards/*.bin`, `ids/*` unless private) named by its CID.
   */
  readonly manifest: {
    /** CID of the manifest directory. */
    readonly cid: string;
    /** SHA-256 of the directory's `header.json` (0x optional), which names the root. */
    readonly headerSha256: string;
    /** Size of `header.json` in bytes. */
    readonly headerSize?: number;
    /** Cumulative size of the stored directory in bytes. */
    readonly size?: number;
  };
}

/** Dataset metadata document (ERC-721 + Croissant). */
export type DatasetMetadata = JsonObject & {
  readonly name: string;
  readonly image: string;
  readonly merkleRoot: string;
  readonly leafCount: number;
};

/** 6046 → "6,046" (fixed format, independent of the runtime's locale data). */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Builds and validates dataset metadata (ERC-721 + Croissant 1.0, see the module doc). */
export function buildDatasetMetadata(input: DatasetMetadataInput): DatasetMetadata {
  const name = textField("dataset name", input.name, 200, true) as string;
  const description = textField("description", input.description, 5000, false) ?? `Dataset ${name}, committed on chain by its Merkle root.`;
  const license = parseLicense(input.license);
  const root = normalizeHash32("Merkle root", input.root);
  const leafCount = countField("leaf count", input.leafCount);
  const sampleCount = countField("sample count", input.sampleCount ?? input.leafCount);
  if (sampleCount < leafCount) invalidField("sample count", `${sampleCount} samples cannot give ${leafCount} distinct leaves`, "Pass the number of samples read, duplicates included (>= leaf count).");
  if (typeof input.manifest !== "object" || input.manifest === null) invalidField("manifest", "it is missing", "Pass the manifest's {cid, sha256} from the storage step.");
  const manifestCid = validateCid("manifest CID", input.manifest.cid);
  const headerSha = normalizeHash32("manifest header sha256", input.manifest.headerSha256).slice(2);
  const headerSize = input.manifest.headerSize === undefined ? undefined : countField("manifest header size", input.manifest.headerSize);
  const size = input.manifest.size === undefined ? undefined : countField("manifest size", input.manifest.size);
  const ver = versionField(input.version);
  const contents = croissantRecordSets(input.sources ?? []);
  const image = svgDataUri(
    renderCardSvg({
      kind: "dataset",
      title: name,
      rows: [
        ["root", shortHex(root)],
        ["leaves", thousands(leafCount)],
        ["samples", thousands(sampleCount)],
        ["duplicates", thousands(sampleCount - leafCount)],
        ["license", license.spdx],
        ["version", ver],
      ],
    }),
  );
  const doc: DatasetMetadata = {
    "@context": CROISSANT_CONTEXT,
    "@type": "sc:Dataset",
    conformsTo: CROISSANT_CONFORMS_TO,
    name,
    description,
    license: license.url ?? license.spdx,
    url: urlField("url", input.url) ?? `ipfs://${manifestCid}`,
    creator: creatorField(input.creator),
    publisher: creatorField(input.publisher, "publisher"),
    datePublished: dateField("datePublished", input.datePublished),
    version: ver,
    citeAs: textField("citeAs", input.citeAs, 5000, false),
    keywords: keywordsField(input.keywords),
    distribution: [...manifestDistribution(manifestCid, headerSha, headerSize, size), ...contents.distribution],
    recordSet: contents.recordSet.length === 0 ? undefined : contents.recordSet,
    image,
    external_url: urlField("external URL", input.externalUrl),
    attributes: [
      { trait_type: "Kind", value: "dataset" },
      { trait_type: "Leaves", value: leafCount, display_type: "number" },
      { trait_type: "Samples", value: sampleCount, display_type: "number" },
      { trait_type: "Duplicates", value: sampleCount - leafCount, display_type: "number" },
      { trait_type: "License", value: license.spdx },
      { trait_type: "Version", value: ver },
    ],
    merkleRoot: root,
    leafCount,
    sampleCount,
    duplicateCount: sampleCount - leafCount,
  };
  assertMetadataSize(doc);
  return doc;
}
