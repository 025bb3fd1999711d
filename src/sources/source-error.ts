/** The error of the sources module: a sample source that cannot be read as asked (family `data`). */
import { DatatraceError } from "../errors/index.js";

/** Thrown when a sample source cannot be read as asked; the message names the file and says what to do. */
export class SourceError extends DatatraceError {
  /** The file or directory at fault, as the user named it (relative when possible). */
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(message, { family: "data", cause: options?.cause });
    this.name = "SourceError";
    this.file = file;
  }
}
