/** A short human description of a file-system error (`permission denied`, `no such file or directory`, …). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOENT") return "no such file or directory";
  if (code === "ENOTDIR") return "not a directory";
  if (code === "EISDIR") return "is a directory";
  if (code === "ELOOP") return "too many levels of symbolic links";
  return error instanceof Error ? error.message : String(error);
}
