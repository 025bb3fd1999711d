/** Thrown when a sample source cannot be read as asked; the message names the file and says what to do. */
export class SourceError extends Error {
  /** The file or directory at fault, as the user named it (relative when possible). */
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SourceError";
    this.file = file;
  }
}
