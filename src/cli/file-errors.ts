/**
 * Node file-system errors (`EACCES`, `ENOTDIR`, `ENAMETOOLONG`…) as
 * {@link UserError}s: one line naming the path and what is wrong with it, one
 * line saying what to do, instead of a raw `EACCES: permission denied,
 * scandir '…'` or a stack trace.
 */
import { EXIT_CODES, UserError } from "./errors.js";

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

/** True for a Node system error with one of the codes this module explains. */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && HANDLED.has((error as NodeJS.ErrnoException).code!);
}

/** The path shown in messages: long ones are cut in the middle. */
function shown(p: string | undefined): string {
  if (p === undefined) return "the path";
  return p.length <= 160 ? p : `${p.slice(0, 80)}…${p.slice(-60)} (${p.length} characters)`;
}

/**
 * A UserError explaining a file-system error (see the module doc), or
 * undefined if `error` is not one. `what` names the role of the path in the
 * command, e.g. "the output path".
 */
export function fileSystemUserError(error: unknown, what?: string): UserError | undefined {
  if (!isFileSystemError(error)) return undefined;
  const code = error.code!;
  const action = ACTIONS[error.syscall ?? ""] ?? "use";
  const target = shown(error.path);
  const role = what === undefined ? "" : ` (${what})`;
  const make = (problem: string, fix: string, exitCode: number): UserError => new UserError(problem, fix, { exitCode, cause: error });
  switch (code) {
    case "EACCES":
    case "EPERM":
      return make(`Permission denied: cannot ${action} ${target}${role}.`, `Check the permissions of ${target} and its parent directories, or choose a path you can ${action === "open" || action === "read" || action.startsWith("read") ? "read" : "write"}.`, EXIT_CODES.ioError);
    case "EROFS":
      return make(`Cannot ${action} ${target}${role}: the file system is read-only.`, "Choose a path on a writable file system.", EXIT_CODES.ioError);
    case "ENOENT":
      return make(`No such file or directory: ${target}${role}.`, "Check the path (and that its parent directories exist).", EXIT_CODES.noInput);
    case "ENOTDIR":
      return make(`Cannot ${action} ${target}${role}: part of that path is a file, not a directory.`, "Choose a path whose parent directories are directories, or move the file that is in the way.", EXIT_CODES.usage);
    case "EEXIST":
      if (error.syscall === "mkdir") {
        return make(`Cannot create the directory ${target}${role}: a file with that name is in the way.`, "Choose another directory path, or move that file.", EXIT_CODES.usage);
      }
      return make(`Cannot ${action} ${target}${role}: it already exists.`, "Choose a path that does not exist yet, or remove it first.", EXIT_CODES.usage);
    case "ENOTEMPTY":
      return make(`Cannot ${action} ${target}${role}: it already exists.`, "Choose a path that does not exist yet, or remove it first.", EXIT_CODES.usage);
    case "EISDIR":
      return make(`Cannot ${action} ${target}${role}: it is a directory, not a file.`, "Give a file path.", EXIT_CODES.usage);
    case "ENAMETOOLONG":
      return make(`The path ${target}${role} is too long for the file system (a name longer than 255 bytes, or a path longer than 4096).`, "Use shorter file or directory names.", EXIT_CODES.usage);
    case "ENOSPC":
    case "EDQUOT":
      return make(`No space left to ${action} ${target}${role} (${code === "EDQUOT" ? "disk quota exceeded" : "the disk is full"}).`, "Free some space, or choose a directory on another disk.", EXIT_CODES.ioError);
    case "ELOOP":
      return make(`Cannot ${action} ${target}${role}: too many levels of symbolic links (a link loop).`, "Fix or remove the symbolic link.", EXIT_CODES.usage);
    case "EMFILE":
    case "ENFILE":
      return make(`Too many open files while trying to ${action} ${target}${role}.`, "Raise the limit (ulimit -n) or use fewer threads, then retry.", EXIT_CODES.tempFail);
    case "EXDEV":
      return make(`Cannot ${action} ${target}${role} across file systems.`, "Keep the paths on the same file system.", EXIT_CODES.ioError);
    default:
      return undefined;
  }
}
