/**
 * Image folder source (the Hugging Face `imagefolder` layout): a directory
 * of files with `metadata.csv`, `metadata.jsonl` or `metadata.parquet` files
 * (captions, labels; one row per image, `file_name` naming it relative to
 * the metadata file). Every other file is a sample exactly as in a `dir`
 * source (same walk, same ids); the metadata files are not samples unless
 * `hashMetadata` — they are recorded instead, path, size and SHA-256, in the
 * source's options (hence in the manifest header, which the registered
 * metadata checksums) and described in the Croissant metadata.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";

import { describeFsError } from "./describe-fs-error.js";
import { DirectorySource } from "./directory-source.js";
import type { BatchContext, SampleBatch } from "./sample-batch.js";
import type { SampleSource, SourceEstimate } from "./sample-source.js";
import type { DirSourceOptions, ImageFolderMetadataFile, ImageFolderSourceOptions, SourceDescription } from "./source-description.js";
import { SourceError } from "./source-error.js";

/** File names of image-folder metadata files (at any depth). */
export const IMAGE_FOLDER_METADATA_NAMES = ["metadata.csv", "metadata.jsonl", "metadata.parquet"] as const;

/** Whether `dir` looks like an image folder: a metadata file at its top level or in a direct subdirectory (a split such as `train/`). */
export async function looksLikeImageFolder(dir: string): Promise<boolean> {
  const has = async (d: string): Promise<{ metadata: boolean; subdirs: string[] }> => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    return {
      metadata: entries.some((e) => e.isFile() && (IMAGE_FOLDER_METADATA_NAMES as readonly string[]).includes(e.name)),
      subdirs: entries.filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => path.join(d, e.name)),
    };
  };
  const top = await has(dir);
  if (top.metadata) return true;
  for (const sub of top.subdirs) if ((await has(sub)).metadata) return true;
  return false;
}

async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

/** An image folder: its files as samples, its metadata files recorded. */
export class ImageFolderSource implements SampleSource {
  readonly description: SourceDescription;
  readonly #files: DirectorySource;
  readonly #options: ImageFolderSourceOptions;

  /** Absolute path of the folder. */
  readonly root: string;

  private constructor(root: string, files: DirectorySource, name: string, options: ImageFolderSourceOptions) {
    this.root = root;
    this.#files = files;
    this.#options = options;
    this.description = { kind: "imagefolder", name, options };
  }

  /**
   * Lists and hashes the metadata files of the folder at `root` (absolute),
   * named `name` in the manifest.
   */
  static async open(root: string, name: string, options: Partial<DirSourceOptions> & { hashMetadata?: boolean | undefined } = {}): Promise<ImageFolderSource> {
    const walk: DirSourceOptions = {
      include: options.include ?? [],
      exclude: options.exclude ?? [],
      includeHidden: options.includeHidden ?? false,
      followSymlinks: options.followSymlinks ?? false,
    };
    const hashMetadata = options.hashMetadata ?? false;
    // The same walk (hidden, exclude, symbolic-link rules), keeping only metadata files.
    const finder = new DirectorySource(root, name, { ...walk, include: [...IMAGE_FOLDER_METADATA_NAMES] });
    const metadata: ImageFolderMetadataFile[] = [];
    for await (const entry of finder.entries()) {
      const { sha256, bytes } = await sha256File(entry.absolutePath).catch((error: unknown) => {
        const id = finder.idOf(entry.relativePath);
        throw new SourceError(id, `Cannot read metadata file ${id}: ${describeFsError(error)}.`, { cause: error });
      });
      metadata.push({ path: entry.relativePath, bytes, sha256 });
    }
    const samples = new DirectorySource(root, name, hashMetadata ? walk : { ...walk, exclude: [...walk.exclude, ...IMAGE_FOLDER_METADATA_NAMES] });
    return new ImageFolderSource(root, samples, name, { ...walk, hashMetadata, metadata });
  }

  /** The recorded metadata files. */
  get metadataFiles(): readonly ImageFolderMetadataFile[] {
    return this.#options.metadata;
  }

  /** Warnings of the last walk (skipped links, loops). */
  get warnings(): readonly string[] {
    return this.#files.warnings;
  }

  /** The id of the file at `relativePath` (as a `dir` source). */
  idOf(relativePath: string): string {
    return this.#files.idOf(relativePath);
  }

  estimate(): Promise<SourceEstimate> {
    return this.#files.estimate();
  }

  fingerprint(): Promise<string> {
    return this.#files.fingerprint();
  }

  batches(context: BatchContext): AsyncIterable<SampleBatch> {
    return this.#files.batches(context);
  }
}
