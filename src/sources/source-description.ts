/**
 * The serializable description of a sample source, as written in a manifest
 * header and a partial leaf file: kind, name (a relative POSIX path, never an
 * absolute one) and the options that change which samples it yields.
 */

/** The kinds of sample sources (see docs/sources.md). */
export type SourceKind = "dir" | "lines" | "idx" | "tar" | "parquet" | "imagefolder";

/** Options of a directory source, all explicit. */
export interface DirSourceOptions {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly includeHidden: boolean;
  readonly followSymlinks: boolean;
}

/** Options of a line-delimited source, all explicit. */
export interface LinesSourceOptions {
  /** `csv`, `tsv`, `jsonl` or `txt` (from the file extension). */
  readonly format: "csv" | "tsv" | "jsonl" | "txt";
  /** Whether line 1 is a header row and is skipped. */
  readonly header: boolean;
}

/** Options of an IDX source, all explicit. */
export interface IdxSourceOptions {
  /** Whether the file is gzip-compressed. */
  readonly gzip: boolean;
}

/**
 * Options of a tar source (one shard, or a directory of `.tar` / `.tar.gz` /
 * `.tgz` shards), all explicit. The globs and `includeHidden` apply to the
 * members' paths inside the shards (and `includeHidden`, `followSymlinks` to
 * the walk of a shard directory).
 */
export interface TarSourceOptions {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly includeHidden: boolean;
  readonly followSymlinks: boolean;
  /** One sample per WebDataset key (its members concatenated canonically) instead of one per member. */
  readonly groupByKey: boolean;
}

/**
 * Options of a Parquet source (one file, or a directory of `.parquet`
 * files), all explicit. The globs and the two flags apply to the walk of a
 * directory.
 */
export interface ParquetSourceOptions {
  /** The column whose value is the sample, or null for the canonical serialization of the whole row. */
  readonly column: string | null;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly includeHidden: boolean;
  readonly followSymlinks: boolean;
}

/** A metadata file of an image folder, recorded (not hashed as a sample unless asked). */
export interface ImageFolderMetadataFile {
  /** POSIX path relative to the source directory, e.g. `metadata.csv` or `train/metadata.jsonl`. */
  readonly path: string;
  readonly bytes: number;
  /** SHA-256 of the file, hex. */
  readonly sha256: string;
}

/** Options of an image folder (Hugging Face `imagefolder` layout), all explicit. */
export interface ImageFolderSourceOptions extends DirSourceOptions {
  /** Hash the metadata files as samples too (default false: they are only recorded). */
  readonly hashMetadata: boolean;
  /** The metadata files found (`metadata.csv`, `metadata.jsonl`, `metadata.parquet` at any depth), in path order. */
  readonly metadata: readonly ImageFolderMetadataFile[];
}

/** A source as recorded in manifests: `name` is relative to the base directory. */
export type SourceDescription =
  | { readonly kind: "dir"; readonly name: string; readonly options: DirSourceOptions }
  | { readonly kind: "lines"; readonly name: string; readonly options: LinesSourceOptions }
  | { readonly kind: "idx"; readonly name: string; readonly options: IdxSourceOptions }
  | { readonly kind: "tar"; readonly name: string; readonly options: TarSourceOptions }
  | { readonly kind: "parquet"; readonly name: string; readonly options: ParquetSourceOptions }
  | { readonly kind: "imagefolder"; readonly name: string; readonly options: ImageFolderSourceOptions };
