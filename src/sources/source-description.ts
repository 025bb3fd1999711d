/**
 * The serializable description of a sample source, as written in a manifest
 * header and a partial leaf file: kind, name (a relative POSIX path, never an
 * absolute one) and the options that change which samples it yields.
 */

/** The kinds of sample sources (see docs/sources.md). */
export type SourceKind = "dir" | "lines" | "idx";

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

/** A source as recorded in manifests: `name` is relative to the base directory. */
export type SourceDescription =
  | { readonly kind: "dir"; readonly name: string; readonly options: DirSourceOptions }
  | { readonly kind: "lines"; readonly name: string; readonly options: LinesSourceOptions }
  | { readonly kind: "idx"; readonly name: string; readonly options: IdxSourceOptions };
