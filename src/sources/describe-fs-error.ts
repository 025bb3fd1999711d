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

/**
 * What to do about a file-system error met while opening `absolute` (a path
 * the user named, resolved against `baseDir`): one sentence, ending in a period.
 */
export function fsErrorAdvice(error: unknown, absolute: string, baseDir: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return `Nothing exists at ${absolute}: check the path (a relative path is resolved against ${baseDir}).`;
    case "EACCES":
    case "EPERM":
      return `Check the permissions of ${absolute} and of every directory above it (ls -ld), or run as a user who may read it.`;
    case "ENOTDIR":
      return `Part of the path ${absolute} is a file, not a directory: check the path.`;
    case "ELOOP":
      return `The path ${absolute} goes through a loop of symbolic links: fix the links or name the real path.`;
    default:
      return `Check the path ${absolute} and its permissions.`;
  }
}
