/**
 * Where a committed sample lives, read from its sample id and the sources
 * recorded in the manifest header (kind, name, options): a file of a
 * directory or image folder (`data/cats/001.png`), a line of a line file
 * (`data/emails.csv:3`), an IDX record (`data/train-images-idx3-ubyte#17`),
 * a tar member (`shards/00000.tar/000017.jpg`), a WebDataset key with
 * `--group-by-key` (`shards/00000.tar/000017`), or a Parquet row with its
 * column (`data/train.parquet#17`). Ids are built by the sources
 * (docs/sources.md); this is their inverse. A header comes from a manifest
 * fetched by CID, so its sources are checked before use, and no location
 * may name a path outside the directory it is resolved against.
 */
import type { ManifestHeader } from "../manifest/index.js";
import type { SourceDescription } from "../sources/index.js";

/** A sample's place in its source. `file` and `shard` are paths relative to where the dataset was hashed (id prefixes). */
export type SampleLocation =
  | { readonly kind: "file"; readonly source: SourceDescription; readonly id: string; readonly file: string }
  | { readonly kind: "line"; readonly source: SourceDescription; readonly id: string; readonly file: string; readonly line: number }
  | { readonly kind: "record"; readonly source: SourceDescription; readonly id: string; readonly file: string; readonly record: number }
  | { readonly kind: "tar-member"; readonly source: SourceDescription; readonly id: string; readonly shard: string; readonly member: string }
  | { readonly kind: "tar-key"; readonly source: SourceDescription; readonly id: string; readonly shard: string; readonly key: string }
  | { readonly kind: "parquet-row"; readonly source: SourceDescription; readonly id: string; readonly file: string; readonly row: number; readonly column: string | null };

const KINDS = new Set(["dir", "imagefolder", "lines", "idx", "tar", "parquet"]);

/** Whether a recorded source looks as our writer writes it (a header fetched from elsewhere is data, not code). */
function wellFormed(s: unknown): s is SourceDescription {
  if (typeof s !== "object" || s === null) return false;
  const { kind, name, options } = s as { kind?: unknown; name?: unknown; options?: unknown };
  if (typeof kind !== "string" || !KINDS.has(kind) || typeof name !== "string" || name === "" || typeof options !== "object" || options === null) return false;
  const o = options as Record<string, unknown>;
  if (kind === "parquet") return o.column === null || typeof o.column === "string";
  if (kind === "tar") return typeof o.groupByKey === "boolean";
  return true;
}

/** The 0-based (or 1-based) position after `prefix` in `id`, when `id` is `prefix` + digits. */
function position(id: string, prefix: string): number | undefined {
  if (!id.startsWith(prefix)) return undefined;
  const digits = id.slice(prefix.length);
  if (!/^\d+$/u.test(digits)) return undefined;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `name/rest` → rest (everything when the source is the working directory itself, `.`). */
function under(id: string, name: string): string | undefined {
  if (name === ".") return id;
  return id.startsWith(`${name}/`) ? id.slice(name.length + 1) : undefined;
}

const TAR_FILE = /\.(?:tar|tar\.gz|tgz)$/iu;

function locateIn(source: SourceDescription, id: string): SampleLocation | undefined {
  switch (source.kind) {
    case "dir":
    case "imagefolder":
      return under(id, source.name) === undefined ? undefined : { kind: "file", source, id, file: id };
    case "lines": {
      const line = position(id, `${source.name}:`);
      return line === undefined || line < 1 ? undefined : { kind: "line", source, id, file: source.name, line };
    }
    case "idx": {
      const record = position(id, `${source.name}#`);
      return record === undefined ? undefined : { kind: "record", source, id, file: source.name, record };
    }
    case "parquet": {
      const hash = id.lastIndexOf("#");
      if (hash < 0) return undefined;
      const file = id.slice(0, hash);
      const row = position(id, `${file}#`);
      if (row === undefined || (file !== source.name && under(file, source.name) === undefined)) return undefined;
      return { kind: "parquet-row", source, id, file, row, column: source.options.column };
    }
    case "tar": {
      // One shard (a name ending in .tar/.tar.gz/.tgz): `<name>/<member>`; a directory: `<name>/<shard path>/<member>`.
      let shard: string;
      let rest: string;
      if (TAR_FILE.test(source.name) && id.startsWith(`${source.name}/`)) {
        shard = source.name;
        rest = id.slice(source.name.length + 1);
      } else {
        const inside = under(id, source.name);
        if (inside === undefined) return undefined;
        const m = /^(.*?\.(?:tar|tar\.gz|tgz))\/(.+)$/isu.exec(inside);
        if (m === null) return undefined;
        shard = source.name === "." ? m[1]! : `${source.name}/${m[1]!}`;
        rest = m[2]!;
      }
      if (rest === "") return undefined;
      return source.options.groupByKey ? { kind: "tar-key", source, id, shard, key: rest } : { kind: "tar-member", source, id, shard, member: rest };
    }
  }
}

/**
 * The location of the sample with id `id` among the recorded `sources`, or
 * undefined when no source can have given that id. The source with the
 * longest name that fits wins (a source named `.` fits every path).
 */
export function locateId(sources: ManifestHeader["sources"], id: string): SampleLocation | undefined {
  const candidates = (sources as readonly unknown[]).filter(wellFormed).sort((a, b) => (a.name === "." ? 1 : b.name === "." ? -1 : b.name.length - a.name.length));
  for (const source of candidates) {
    const location = locateIn(source, id);
    if (location !== undefined) return location;
  }
  return undefined;
}

/** The file holding the sample, relative to where the dataset was hashed. */
export function locationFile(location: SampleLocation): string {
  return location.kind === "tar-member" || location.kind === "tar-key" ? location.shard : location.file;
}

/** One phrase for where the sample is ("row 17 of data/train.parquet, column image"). */
export function describeLocation(location: SampleLocation): string {
  switch (location.kind) {
    case "file":
      return `file ${location.file}`;
    case "line":
      return `line ${location.line} of ${location.file}`;
    case "record":
      return `record ${location.record} of ${location.file}`;
    case "tar-member":
      return `member ${location.member} of shard ${location.shard}`;
    case "tar-key":
      return `key ${location.key} of shard ${location.shard} (--group-by-key)`;
    case "parquet-row":
      return `row ${location.row} of ${location.file}, ${location.column === null ? "whole row" : `column ${location.column}`}`;
  }
}

/** Whether a recorded relative path stays inside the directory it is resolved against (no absolute path, no `..`). */
export function isContainedPath(relative: string): boolean {
  if (relative === "" || relative.startsWith("/") || /^[a-z]:/iu.test(relative)) return false;
  return relative.split("/").every((part) => part !== "..");
}
