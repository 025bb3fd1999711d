/**
 * Which paths of a model directory are not hashed. As in model_signing, an
 * ignore path is a path relative to the model directory, and ignoring a
 * directory ignores everything below it (`a` ignores `a` and `a/b`, not
 * `ab`); there are no glob patterns. The defaults are model_signing's: the
 * git files (`.git`, `.gitattributes`, `.github`, `.gitignore`) and the
 * signature file (`model.sig`). A folder downloaded with
 * `huggingface_hub.snapshot_download(local_dir=…)` also holds the download
 * bookkeeping folder `.cache/huggingface`, which is ignored (and recorded)
 * when it exists.
 */
import { DatatraceError } from "../errors/index.js";

/** model_signing's default signature file name. */
export const DEFAULT_SIGNATURE_FILE = "model.sig";
/** Git files model_signing ignores by default (`--ignore-git-paths`). */
export const GIT_IGNORE_PATHS = [".git", ".gitattributes", ".github", ".gitignore"] as const;
/** Bookkeeping folder of `snapshot_download(local_dir=…)`. */
export const HF_LOCAL_DIR_METADATA = ".cache/huggingface";

/** Thrown for an ignore path that cannot be one. */
export class IgnorePathError extends DatatraceError {
  constructor(message: string) {
    super(message, { family: "usage" });
    this.name = "IgnorePathError";
  }
}

/**
 * Normalizes an ignore path: `./a/b/` → `a/b`. Refuses absolute paths,
 * `..` (outside the model) and `.` (the whole model).
 */
export function normalizeIgnorePath(text: string): string {
  const parts = text.trim().replace(/\\/g, "/").split("/").filter((p) => p !== "" && p !== ".");
  if (text.trim().startsWith("/")) throw new IgnorePathError(`Ignore path ${JSON.stringify(text)} is absolute: give it relative to the model directory.`);
  if (parts.includes("..")) throw new IgnorePathError(`Ignore path ${JSON.stringify(text)} leaves the model directory.`);
  if (parts.length === 0) throw new IgnorePathError(`Ignore path ${JSON.stringify(text)} names the whole model.`);
  return parts.join("/");
}

/** The ignore list: defaults (git paths unless `includeGitPaths`, the signature file) plus `extra`, normalized, without duplicates. */
export function ignoreList(extra: readonly string[] = [], options: { readonly includeGitPaths?: boolean; readonly signatureFile?: string } = {}): string[] {
  const list = [...(options.includeGitPaths === true ? [] : GIT_IGNORE_PATHS), options.signatureFile ?? DEFAULT_SIGNATURE_FILE, ...extra];
  return [...new Set(list.map(normalizeIgnorePath))];
}

/** True when the relative POSIX path `name` is, or is below, one of `ignorePaths`. */
export function isIgnored(name: string, ignorePaths: readonly string[]): boolean {
  return ignorePaths.some((p) => name === p || name.startsWith(`${p}/`));
}
