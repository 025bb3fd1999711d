/**
 * Whether a sample read in place (a Parquet row, a tar member, a WebDataset
 * key: sample-query.ts) can be one of a dataset's samples, from the sources
 * its manifest header records (kind, name and options: `--column`,
 * `--group-by-key`, the tar member rules). A query read differently from how
 * the dataset was hashed would only ever be "proven absent", which answers
 * nothing; it is refused with what to pass instead ("dataset #3 was hashed
 * with --column image; pass --column image").
 *
 * The rules: a whole Parquet row, or a WebDataset key, is a serialization of
 * ours, so the dataset must have a source hashed that way. A column value or
 * a tar member is plain bytes (an image), which may be a sample of any
 * dataset (an image folder, other shards): it is refused only when the
 * dataset has sources of that kind and none reads it that way.
 */
import { UserError } from "../errors/index.js";
import type { ManifestHeader } from "../manifest/index.js";
import { type SourceDescription, splitKey } from "../sources/index.js";
import { sampleQueryFromTarKey, type InPlaceSample, type SampleQuery, type TarGroupingOptions } from "./sample-query.js";

type Sources = ManifestHeader["sources"];

/** `kind name` of every source (at most four), for messages. */
export function describeSourceList(sources: Sources): string {
  const shown = sources.slice(0, 4).map((s) => `${s.kind} ${s.name}`);
  return `${shown.join(", ")}${sources.length > 4 ? ", …" : ""}`;
}

/** A recorded column name, with `x.bytes` and `x` (an Image struct and its bytes field) the same column. */
function sameColumn(a: string | null, b: string | null): boolean {
  const norm = (c: string | null): string | null => (c === null ? null : c.replace(/\.bytes$/u, ""));
  return norm(a) === norm(b);
}

function columnFlag(column: string | null): string {
  return column === null ? "whole rows (no --column)" : `--column ${column}`;
}

function parquetProblem(label: string, sources: Sources, inPlace: Extract<InPlaceSample, { kind: "parquet-row" }>): string | undefined {
  const parquet = sources.filter((s): s is Extract<SourceDescription, { kind: "parquet" }> => s.kind === "parquet");
  if (parquet.length === 0) {
    return inPlace.column === null
      ? `${label} has no Parquet source (its sources: ${describeSourceList(sources)}), so a whole Parquet row is never one of its samples. To check a value of the row (an image, a text), pass --column <name>.`
      : undefined;
  }
  if (parquet.some((s) => sameColumn(s.options.column, inPlace.column))) return undefined;
  const used = [...new Set(parquet.map((s) => s.options.column))];
  if (used.length === 1) {
    const only = used[0]!;
    if (only === null) return `${label} was hashed from whole Parquet rows (no --column), so a column value is not one of its samples; leave out --column ${inPlace.column}.`;
    return `${label} was hashed with --column ${only}${inPlace.column === null ? ", so a whole row is not one of its samples" : `, not --column ${inPlace.column}`}; pass --column ${only}.`;
  }
  const each = parquet.map((s) => `${columnFlag(s.options.column)} (${s.name})`).join(", ");
  return `${label}'s Parquet sources were hashed with ${each}, none with ${columnFlag(inPlace.column)}; pass the column of the file's source.`;
}

function tarProblem(label: string, sources: Sources, inPlace: Extract<InPlaceSample, { kind: "tar-member" | "tar-key" }>): string | undefined {
  const tar = sources.filter((s): s is Extract<SourceDescription, { kind: "tar" }> => s.kind === "tar");
  const grouped = tar.filter((s) => s.options.groupByKey);
  if (inPlace.kind === "tar-member") {
    if (tar.length === 0 || grouped.length < tar.length) return undefined;
    const key = splitKey(inPlace.member.replace(/^(\.\/|\/)+/u, ""))?.key;
    return `${label} was hashed with --group-by-key (one sample per WebDataset key: a key's files concatenated), so a single member is not one of its samples; pass --key ${key ?? "<key>"} instead of --member ${inPlace.member}.`;
  }
  if (grouped.length > 0) return undefined;
  if (tar.length > 0) {
    return `${label} was hashed one sample per tar member (no --group-by-key), so a key's files concatenated are not one of its samples; pass --member ${inPlace.key}.<ext> (e.g. --member ${inPlace.key}.jpg) instead of --key ${inPlace.key}.`;
  }
  return `${label} has no tar source hashed with --group-by-key (its sources: ${describeSourceList(sources)}), so a WebDataset key is never one of its samples. Check one of the key's files with --member ${inPlace.key}.<ext>, or the file itself.`;
}

/**
 * Why `query` cannot be one of the samples of the dataset whose manifest
 * header lists `sources` (`label` names the dataset, e.g. "dataset #3"), or
 * undefined when it can (or is not read in place).
 */
export function layoutProblem(label: string, sources: Sources, query: SampleQuery): string | undefined {
  const inPlace = query.inPlace;
  if (inPlace === undefined) return undefined;
  return inPlace.kind === "parquet-row" ? parquetProblem(label, sources, inPlace) : tarProblem(label, sources, inPlace);
}

function sameGrouping(a: TarGroupingOptions, b: TarGroupingOptions): boolean {
  return a.includeHidden === b.includeHidden && a.include.join("\u0000") === b.include.join("\u0000") && a.exclude.join("\u0000") === b.exclude.join("\u0000");
}

/** The grouping rules of the dataset's grouped tar source holding `shard` (by its recorded name), else of its first one. */
function groupingOf(sources: Sources, shard: string): TarGroupingOptions | undefined {
  const grouped = sources.filter((s): s is Extract<SourceDescription, { kind: "tar" }> => s.kind === "tar" && s.options.groupByKey);
  const posix = shard.split("\\").join("/").replace(/^\.\//u, "");
  const holder = grouped.find((s) => posix === s.name || posix.startsWith(`${s.name}/`) || s.name === ".") ?? grouped[0];
  return holder === undefined ? undefined : { include: holder.options.include, exclude: holder.options.exclude, includeHidden: holder.options.includeHidden };
}

/**
 * The queries made to fit dataset `datasetId` (manifest header `header`):
 * refuses (UserError, exit "usage") a query read in place differently from
 * how the dataset was hashed, and re-reads a WebDataset key under the
 * dataset's own member rules (--include/--exclude/--hidden) when they are not
 * the ones it was read with.
 */
export async function fitQueriesToDataset(datasetId: bigint, header: Pick<ManifestHeader, "sources">, queries: readonly SampleQuery[]): Promise<SampleQuery[]> {
  const out: SampleQuery[] = [];
  for (const query of queries) {
    const problem = layoutProblem(`dataset #${datasetId}`, header.sources, query);
    if (problem !== undefined) {
      throw new UserError(`${query.label}: ${problem}`, "Pass the flags the dataset was hashed with (`dataset show` and the manifest's header.json list its sources and options).", {
        family: "usage",
      });
    }
    const inPlace = query.inPlace;
    if (inPlace?.kind === "tar-key") {
      const grouping = groupingOf(header.sources, inPlace.shard);
      if (grouping !== undefined && !sameGrouping(grouping, inPlace.options)) {
        out.push({ ...(await sampleQueryFromTarKey(inPlace.shard, inPlace.key, grouping)), label: query.label });
        continue;
      }
    }
    out.push(query);
  }
  return out;
}
