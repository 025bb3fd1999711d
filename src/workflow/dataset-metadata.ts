/**
 * The token metadata of a dataset registration (ERC-721 + Croissant 1.0,
 * src/registry/metadata.ts) from its descriptive fields and the commitment
 * (root, counts, stored manifest). Shared by `dataset register` and the web
 * page's wallet registration, so both publish the same document for the
 * same dataset (given the same sources' structure, for the Croissant
 * `recordSet`). Browser-safe.
 */
import { buildDatasetMetadata, type DatasetMetadata, type Creator } from "../registry/browser.js";
import type { SourceStructure } from "../sources/index.js";

/** Descriptive fields of the dataset (ERC-721 + Croissant metadata). */
export interface DatasetDescription {
  readonly name: string;
  readonly description?: string | undefined;
  /** SPDX license identifier. */
  readonly license: string;
  readonly creator?: string | Creator | undefined;
  /** Home page of the dataset. */
  readonly url?: string | undefined;
  readonly version?: string | undefined;
  /** ISO date; default today (UTC). */
  readonly datePublished?: string | undefined;
  readonly keywords?: readonly string[] | undefined;
  /** Who publishes the dataset, when not the creator. */
  readonly publisher?: string | Creator | undefined;
  /** Citation (BibTeX or text), Croissant `citeAs`. */
  readonly citeAs?: string | undefined;
  /** Page shown by marketplaces (ERC-721 `external_url`). */
  readonly externalUrl?: string | undefined;
}

/** The commitment part of the dataset metadata. */
export interface MetadataCommitment {
  readonly root: string;
  readonly leafCount: number;
  readonly sampleCount: number;
  readonly manifest: { readonly cid: string; readonly headerSha256: string; readonly headerSize?: number | undefined; readonly size: number };
}

/** Stand-in commitment used to validate the descriptive fields before hashing. */
export const PLACEHOLDER_COMMITMENT: MetadataCommitment = {
  root: `0x${"00".repeat(31)}01`,
  leafCount: 1,
  sampleCount: 1,
  manifest: { cid: "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am", headerSha256: "00".repeat(32), size: 1 },
};

/**
 * The dataset's ERC-721/Croissant metadata. The manifest is a directory: its
 * Croissant distribution is the directory (`ipfs://<cid>`, no checksum) and
 * its `header.json` (`ipfs://<cid>/header.json` with its SHA-256), which
 * names the root; the root commits to `index.bin` and every shard.
 */
export function datasetMetadata(m: DatasetDescription, datePublished: string, c: MetadataCommitment, sources?: readonly SourceStructure[]): DatasetMetadata {
  return buildDatasetMetadata({
    name: m.name,
    ...(m.publisher === undefined ? {} : { publisher: m.publisher }),
    ...(m.citeAs === undefined ? {} : { citeAs: m.citeAs }),
    ...(m.externalUrl === undefined ? {} : { externalUrl: m.externalUrl }),
    ...(sources === undefined ? {} : { sources }),
    ...(m.description === undefined ? {} : { description: m.description }),
    license: m.license,
    ...(m.creator === undefined ? {} : { creator: m.creator }),
    ...(m.url === undefined ? {} : { url: m.url }),
    ...(m.version === undefined ? {} : { version: m.version }),
    ...(m.keywords === undefined ? {} : { keywords: m.keywords }),
    datePublished,
    root: c.root,
    leafCount: c.leafCount,
    sampleCount: c.sampleCount,
    manifest: {
      cid: c.manifest.cid,
      headerSha256: c.manifest.headerSha256,
      size: c.manifest.size,
      ...(c.manifest.headerSize === undefined ? {} : { headerSize: c.manifest.headerSize }),
    },
  });
}

/** Today as YYYY-MM-DD (UTC). */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
