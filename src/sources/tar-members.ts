/**
 * Which entries of a tar shard are samples, and under which path — the
 * directory-source rules applied inside the archive:
 *
 * - a member's path is its stored name without leading `./` or `/`
 *   (`tar -C dir -cf x.tar .` stores `./a.jpg`; the sample id uses `a.jpg`);
 * - regular files (and contiguous files) are samples, empty ones included;
 * - directory entries, character and block devices and FIFOs are not;
 * - symbolic-link and hard-link entries are not samples (a link is not
 *   followed inside an archive) and are counted for a warning;
 * - a path with a component starting with `.` is hidden: skipped unless
 *   `includeHidden`;
 * - include / exclude globs apply to the path, an exclude naming a directory
 *   above it excludes it ({@link PathFilter.acceptsPath});
 * - an entry type tar-stream does not know (GNU sparse files, volume labels,
 *   multi-volume continuations) is an error: its stored bytes are not the
 *   file's content.
 */
import type { PathFilter } from "./glob-filter.js";
import type { TarEntryInfo } from "./tar-entries.js";

/** What to do with one tar entry. */
export type TarMemberVerdict =
  | { readonly kind: "sample"; readonly path: string }
  | { readonly kind: "skip" }
  | { readonly kind: "link"; readonly path: string }
  | { readonly kind: "unsupported" };

/** The member path used in ids and matched by globs: the stored name without leading `./` or `/`. */
export function memberPath(name: string): string {
  let p = name;
  for (;;) {
    if (p.startsWith("./")) p = p.slice(2);
    else if (p.startsWith("/")) p = p.slice(1);
    else return p;
  }
}

/** Whether some component of `path` starts with a dot (`.` and `..` included). */
export function isHiddenPath(path: string): boolean {
  return path.split("/").some((part) => part.startsWith("."));
}

/** Classifies one entry (see the module doc). */
export function classifyMember(info: TarEntryInfo, filter: PathFilter, includeHidden: boolean): TarMemberVerdict {
  const path = memberPath(info.name).replace(/\/+$/u, "");
  switch (info.type) {
    case "file":
    case "contiguous-file":
      break;
    case "symlink":
    case "link":
      return path === "" || (!includeHidden && isHiddenPath(path)) ? { kind: "skip" } : { kind: "link", path };
    case "directory":
    case "character-device":
    case "block-device":
    case "fifo":
      return { kind: "skip" };
    default:
      return { kind: "unsupported" };
  }
  if (path === "") return { kind: "skip" };
  if (!includeHidden && isHiddenPath(path)) return { kind: "skip" };
  if (!filter.acceptsPath(path)) return { kind: "skip" };
  return { kind: "sample", path };
}
