/**
 * Line-delimited source (`.jsonl`, `.csv`, `.tsv`, `.txt`): every line is one
 * sample, its bytes without the terminator (LF or CRLF: a CR ending a line is
 * dropped). Empty lines are skipped; a header row (line 1) is skipped
 * for CSV/TSV unless told otherwise. Sample id = `<name>:<line>` with 1-based
 * physical line numbers (skipped lines keep their number). The file is
 * streamed through shared memory slots, never loaded whole. A file whose
 * first 64 KiB contain a NUL byte or invalid UTF-8 is rejected as binary.
 */
import type { FileHandle } from "node:fs/promises";

import type { BatchContext, BatchSlot, SampleBatch, SegmentsBatch } from "./sample-batch.js";
import { partRange } from "./sample-batch.js";
import type { SampleSource, SourceEstimate } from "./sample-source.js";
import type { LinesSourceOptions, SourceDescription } from "./source-description.js";
import { SourceError } from "./source-error.js";
import { openSourceFile } from "./source-file.js";
import { InternalError } from "../errors/index.js";

const LF = 0x0a;
const CR = 0x0d;
/** How much of the file is checked for binary content. */
const TEXT_CHECK_BYTES = 64 * 1024;
const SCAN_CHUNK = 4 * 1024 * 1024;

/** The line format implied by a file name, or undefined. */
export function linesFormatOf(fileName: string): LinesSourceOptions["format"] | undefined {
  const m = /\.(jsonl|ndjson|csv|tsv|txt)$/iu.exec(fileName);
  if (m === null) return undefined;
  const ext = m[1]!.toLowerCase();
  return ext === "ndjson" ? "jsonl" : (ext as LinesSourceOptions["format"]);
}

/** A text file, one sample per non-empty line. */
export class LinesSource implements SampleSource {
  readonly description: SourceDescription;
  readonly #file: string;
  readonly #name: string;
  readonly #options: LinesSourceOptions;

  /**
   * @param file absolute path.
   * @param name relative name recorded in the manifest and used in ids.
   * @param options `format` defaults from the extension (else `txt`); `header`
   *   defaults to true for csv/tsv, false otherwise.
   */
  constructor(file: string, name: string, options: Partial<LinesSourceOptions> = {}) {
    const format = options.format ?? linesFormatOf(file) ?? "txt";
    this.#file = file;
    this.#name = name;
    this.#options = { format, header: options.header ?? (format === "csv" || format === "tsv") };
    this.description = { kind: "lines", name, options: this.#options };
  }

  async estimate(): Promise<SourceEstimate> {
    const fh = await this.#open();
    try {
      return { bytes: (await fh.stat()).size };
    } finally {
      await fh.close();
    }
  }

  async fingerprint(): Promise<string> {
    return `bytes=${(await this.estimate()).bytes}`;
  }

  async *batches(context: BatchContext): AsyncGenerator<SampleBatch> {
    const fh = await this.#open();
    let slot: BatchSlot | undefined; // the slot being filled, owned by this generator
    try {
      const size = (await fh.stat()).size;
      await this.#checkText(fh, size);
      const range = partRange(size, context.part);
      if (range.start >= range.end) return;
      // A line belongs to the part holding its first byte.
      let lineNo = 1 + (await countLineFeeds(fh, range.start));
      let skippingPartialLine = range.start > 0 && (await byteAt(fh, range.start - 1)) !== LF;

      let current = await context.acquireSlot();
      slot = current;
      let buf = bufferOf(current);
      let fill = 0; // bytes of the slot holding file data
      let slotFileOffset = range.start; // file offset of data[0]
      let readPos = range.start;
      let lineStart = 0; // slot offset where the current line begins
      let scanFrom = 0;
      let count = 0;
      let ordinals: number[] = [];
      let ids: string[] = [];
      let samples = 0;
      let done = false;

      const takeBatch = (filled: BatchSlot): SegmentsBatch => {
        const batch: SegmentsBatch = {
          kind: "segments",
          slot: filled,
          count,
          ordinals: Float64Array.from(ordinals),
          ids: context.withIds ? ids : null,
        };
        count = 0;
        ordinals = [];
        ids = [];
        return batch;
      };
      const pushLine = (start: number, end: number): void => {
        if (end > start && current.data[end - 1] === CR) end--;
        const number = lineNo++;
        if (end === start || (number === 1 && this.#options.header)) return;
        current.bounds[2 * count] = start;
        current.bounds[2 * count + 1] = end;
        ordinals.push(number);
        if (context.withIds) ids.push(`${this.#name}:${number}`);
        count++;
        samples++;
      };

      while (!done) {
        // Complete lines already in the slot.
        while (count < current.maxSamples) {
          const lf = buf.indexOf(LF, scanFrom);
          if (lf < 0 || lf >= fill) {
            scanFrom = fill;
            break;
          }
          if (skippingPartialLine) {
            skippingPartialLine = false;
            lineNo++;
          } else if (slotFileOffset + lineStart >= range.end) {
            done = true;
            break;
          } else {
            pushLine(lineStart, lf);
          }
          lineStart = lf + 1;
          scanFrom = lineStart;
        }
        if (done || (!skippingPartialLine && slotFileOffset + lineStart >= range.end)) break;
        if (fill === current.data.length || count === current.maxSamples) {
          // Hand over the complete lines; the rest moves to a fresh slot, a
          // bigger one when a single line fills the whole slot.
          const tail = fill - lineStart;
          const oneLongLine = lineStart === 0 && fill === current.data.length;
          const next = await context.acquireSlot(oneLongLine ? 2 * current.data.length : tail);
          next.data.set(current.data.subarray(lineStart, fill), 0);
          const old = current;
          current = next;
          slot = next;
          buf = bufferOf(next);
          slotFileOffset += lineStart;
          scanFrom -= lineStart;
          fill = tail;
          lineStart = 0;
          if (count > 0) yield takeBatch(old);
          else context.releaseSlot(old);
          continue;
        }
        const { bytesRead } = await fh.read(current.data, fill, current.data.length - fill, readPos);
        readPos += bytesRead;
        if (bytesRead === 0) {
          // A last line without terminator.
          if (fill > lineStart && !skippingPartialLine && slotFileOffset + lineStart < range.end) {
            if (count === current.maxSamples) throw new InternalError("no room for the last line");
            pushLine(lineStart, fill);
          }
          break;
        }
        fill += bytesRead;
      }
      if (count > 0) {
        slot = undefined;
        yield takeBatch(current);
      }
      if (samples === 0 && context.part === undefined) {
        throw new SourceError(
          this.#name,
          `${this.#name} contains no samples: no non-empty line${this.#options.header ? " after the header row" : ""}.`,
        );
      }
    } finally {
      if (slot !== undefined) context.releaseSlot(slot);
      await fh.close();
    }
  }

  #open(): Promise<FileHandle> {
    return openSourceFile(this.#file, this.#name);
  }

  async #checkText(fh: FileHandle, size: number): Promise<void> {
    const head = new Uint8Array(Math.min(size, TEXT_CHECK_BYTES));
    await fh.read(head, 0, head.length, 0);
    const nul = head.indexOf(0);
    let problem: string | undefined;
    if (nul >= 0) problem = `a NUL byte at offset ${nul}`;
    else {
      try {
        // `stream: true` tolerates a character cut at the end of the block.
        new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
      } catch {
        problem = "bytes that are not valid UTF-8";
      }
    }
    if (problem !== undefined) {
      throw new SourceError(
        this.#name,
        `${this.#name} looks binary (${problem} in its first ${head.length} bytes), so it cannot be read as lines. ` +
          `If it is an IDX file pass --kind idx; otherwise hash it as a whole file by passing its directory.`,
      );
    }
  }
}

function bufferOf(slot: BatchSlot): Buffer {
  return Buffer.from(slot.data.buffer, slot.data.byteOffset, slot.data.byteLength);
}

async function byteAt(fh: FileHandle, offset: number): Promise<number> {
  const one = new Uint8Array(1);
  await fh.read(one, 0, 1, offset);
  return one[0]!;
}

/** Number of LF bytes in the first `end` bytes of the file. */
async function countLineFeeds(fh: FileHandle, end: number): Promise<number> {
  if (end === 0) return 0;
  const chunk = Buffer.allocUnsafe(Math.min(end, SCAN_CHUNK));
  let lines = 0;
  for (let pos = 0; pos < end; ) {
    const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, end - pos), pos);
    if (bytesRead === 0) break;
    for (let i = chunk.indexOf(LF, 0); i >= 0 && i < bytesRead; i = chunk.indexOf(LF, i + 1)) lines++;
    pos += bytesRead;
  }
  return lines;
}
