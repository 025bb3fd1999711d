/**
 * Node file-system errors (`EACCES`, `ENOTDIR`, `ENAMETOOLONG`…) as
 * {@link FileSystemError}s: one line naming the path and what is wrong with
 * it, one line saying what to do, instead of a raw `EACCES: permission
 * denied, scandir '…'` or a stack trace. The family says whose fault it is:
 * `not-found` (ENOENT), `usage` (a path that cannot work: ENOTDIR, EEXIST,
 * ENAMETOOLONG…), `io` (EACCES, EROFS, ENOSPC…), `temporary` (EMFILE).
 * Recognizes errors by their `code` only (no Node import), so it is
 * browser-safe.
 */
import type { FailureFamily } from "./failure-family.js";
import { UserError } from "./user-error.js";

/** A local file operation failed; `errno` is Node's code (`EACCES`…) of the system call that failed. */
export class FileSystemError extends UserError {
  /** Node's error code (`EACCES`, `ENOENT`…). */
  readonly errno: string;
  constructor(problem: string, fix: string, options: { readonly errno: string; readonly family: FailureFamily; readonly cause?: unknown }) {
    super(problem, fix, { family: options.family, cause: options.cause });
    this.name = "FileSystemError";
    this.errno = options.errno;
  }
}

/** What a system call was doing, for the sentence ("cannot read the directory …"). */
const ACTIONS: Record<string, string> = {
  open: "open",
  read: "read",
  write: "write",
  scandir: "read the directory",
  opendir: "read the directory",
  readdir: "read the directory",
  mkdir: "create the directory",
  mkdtemp: "create a directory in",
  rmdir: "remove the directory",
  unlink: "remove",
  rename: "move",
  stat: "look at",
  lstat: "look at",
  realpath: "resolve",
  access: "access",
  copyfile: "copy",
  link: "link",
  symlink: "create the link",
  utime: "touch",
  chmod: "change the mode of",
  fsync: "flush",
};

const HANDLED = new Set(["EACCES", "EPERM", "EROFS", "ENOENT", "ENOTDIR", "EEXIST", "EISDIR", "ENAMETOOLONG", "ENOSPC", "EDQUOT", "ELOOP", "EMFILE", "ENFILE", "ENOTEMPTY", "EXDEV"]);

/** The shape of a Node system error (`NodeJS.ErrnoException`), declared here to stay free of Node types. */
export interface SystemErrorLike extends Error {
  readonly code?: string | undefined;
  readonly syscall?: string | undefined;
  readonly path?: string | undefined;
}

/** True for a Node system error with one of the codes this module explains. */
export function isFileSystemErrno(error: unknown): error is SystemErrorLike {
  return error instanceof Error && typeof (error as SystemErrorLike).code === "string" && HANDLED.has((error as SystemErrorLike).code!);
}

/** The path shown in messages: long ones are cut in the middle. */
function shown(p: string | undefined): string {
  if (p === undefined) return "the path";
  return p.length <= 160 ? p : `${p.slice(0, 80)}…${p.slice(-60)} (${p.length} characters)`;
}

/**
 * A FileSystemError explaining a Node file-system error (see the module
 * doc), or undefined if `error` is not one. `what` names the role of the path
 * in the command, e.g. "the output path".
 */
export function fileSystemError(error: unknown, what?: string): FileSystemError | undefined {
  if (!isFileSystemErrno(error)) return undefined;
  const errno = error.code!;
  const action = ACTIONS[error.syscall ?? ""] ?? "use";
  const target = shown(error.path);
  const role = what === undefined ? "" : ` (${what})`;
  const make = (problem: string, fix: string, family: FailureFamily): FileSystemError => new FileSystemError(problem, fix, { errno, family, cause: error });
  switch (errno) {
    case "EACCES":
    case "EPERM":
      return make(`Permission denied: cannot ${action} ${target}${role}.`, `Check the permissions of ${target} and its parent directories, or choose a path you can ${action === "open" || action === "read" || action.startsWith("read") ? "read" : "write"}.`, "io");
    case "EROFS":
      return make(`Cannot ${action} ${target}${role}: the file system is read-only.`, "Choose a path on a writable file system.", "io");
    case "ENOENT":
      return make(`No such file or directory: ${target}${role}.`, "Check the path (and that its parent directories exist).", "not-found");
    case "ENOTDIR":
      return make(`Cannot ${action} ${target}${role}: part of that path is a file, not a directory.`, "Choose a path whose parent directories are directories, or move the file that is in the way.", "usage");
    case "EEXIST":
      if (error.syscall === "mkdir") {
        return make(`Cannot create the directory ${target}${role}: a file with that name is in the way.`, "Choose another directory path, or move that file.", "usage");
      }
      return make(`Cannot ${action} ${target}${role}: it already exists.`, "Choose a path that does not exist yet, or remove it first.", "usage");
    case "ENOTEMPTY":
      return make(`Cannot ${action} ${target}${role}: it already exists.`, "Choose a path that does not exist yet, or remove it first.", "usage");
    case "EISDIR":
      return make(`Cannot ${action} ${target}${role}: it is a directory, not a file.`, "Give a file path.", "usage");
    case "ENAMETOOLONG":
      return make(`The path ${target}${role} is too long for the file system (a name longer than 255 bytes, or a path longer than 4096).`, "Use shorter file or directory names.", "usage");
    case "ENOSPC":
    case "EDQUOT":
      return make(`No space left to ${action} ${target}${role} (${errno === "EDQUOT" ? "disk quota exceeded" : "the disk is full"}).`, "Free some space, or choose a directory on another disk.", "io");
    case "ELOOP":
      return make(`Cannot ${action} ${target}${role}: too many levels of symbolic links (a link loop).`, "Fix or remove the symbolic link.", "usage");
    case "EMFILE":
    case "ENFILE":
      return make(`Too many open files while trying to ${action} ${target}${role}.`, "Raise the limit (ulimit -n) or use fewer threads, then retry.", "temporary");
    case "EXDEV":
      return make(`Cannot ${action} ${target}${role} across file systems.`, "Keep the paths on the same file system.", "io");
    default:
      return undefined;
  }
}
