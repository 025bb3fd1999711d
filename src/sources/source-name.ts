import path from "node:path";

/**
 * The name a source is recorded under: its path relative to `baseDir`, with
 * `/` separators (`.` for the base directory itself). A source outside
 * `baseDir` is named by its base name, so no absolute path ever reaches a
 * manifest; two sources with the same name are refused by `openSources`.
 */
export function sourceName(absolutePath: string, baseDir: string): string {
  const rel = path.relative(baseDir, absolutePath);
  if (rel === "") return ".";
  if (rel.startsWith("..") || path.isAbsolute(rel)) return path.basename(absolutePath);
  return rel.split(path.sep).join("/");
}
