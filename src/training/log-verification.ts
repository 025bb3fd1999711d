/**
 * Checking a training log file on its own and against a committed head:
 * every line parses and is a well-formed entry, every recorded head is the
 * recomputed chain head, the run is shaped as the format says (one run-start
 * first, one run-end last, steps never go back, checkpoints strictly after
 * one another), and the last head is the committed one. Problems are
 * reported with the file's 1-based line number; the first one is the first
 * bad line. A log whose heads were all recomputed after an edit is
 * self-consistent: it is caught by the committed head, but the edited line
 * cannot be named (only the final head is on chain).
 */
import { nextHead, GENESIS_HEAD, type TrainingLogRecord } from "./log-chain.js";
import { isHex32, parseTrainingLogEntry, type Hex32, type TrainingLogEntry } from "./log-entry.js";
import { DatatraceError } from "../errors/index.js";

/** A problem found in a log; `line` is 1-based, null for the log as a whole. */
export interface LogProblem {
  readonly line: number | null;
  readonly message: string;
}

/** A well-formed line of the log. */
export interface LogLine extends TrainingLogRecord {
  /** 1-based line number in the file. */
  readonly line: number;
}

/** What {@link checkTrainingLog} found. */
export interface TrainingLogCheck {
  /** No problem at all (and the committed head matches, when one was given). */
  readonly valid: boolean;
  /** The well-formed lines, up to the first malformed one. */
  readonly lines: readonly LogLine[];
  /** Head recomputed over `lines`. */
  readonly computedHead: Hex32;
  /** Line number of the first problem, null when none names a line. */
  readonly firstBadLine: number | null;
  /** Every problem found, in line order (whole-log problems last). */
  readonly problems: readonly LogProblem[];
  /** When a committed head was given and some line's recomputed head equals it: that line (later lines were appended after the commitment). */
  readonly committedAtLine: number | null;
}

/** Splits log text into 1-based numbered lines; the final newline ends the last line, it does not start an empty one. */
function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** Parses one line into a record, or returns what is wrong with it. */
function parseLine(text: string): TrainingLogRecord | string {
  if (text.trim() === "") return "the line is empty (a log has no blank lines)";
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "the line is not valid JSON";
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return 'the line is not a {"entry": …, "head": …} object';
  const record = parsed as Record<string, unknown>;
  const extra = Object.keys(record).filter((k) => k !== "entry" && k !== "head");
  if (extra.length > 0 || !("entry" in record) || !("head" in record)) return 'the line must hold exactly "entry" and "head"';
  if (!isHex32(record.head)) return `head must be 0x + 64 lowercase hex digits; got ${JSON.stringify(record.head)}`;
  try {
    return { entry: parseTrainingLogEntry(record.entry), head: record.head };
  } catch (error) {
    return `malformed entry: ${(error as Error).message}`;
  }
}

/** The shape rules of a run over well-formed lines (see the module doc). */
function shapeProblems(lines: readonly LogLine[], complete: boolean): LogProblem[] {
  const problems: LogProblem[] = [];
  const first = lines[0];
  if (first === undefined) return complete ? [{ line: null, message: "the log has no entry" }] : [];
  if (first.entry.kind !== "run-start") problems.push({ line: first.line, message: `the first entry must be run-start, not ${first.entry.kind}` });
  let lastStep = -1;
  let lastCheckpoint = -1;
  for (const [i, l] of lines.entries()) {
    const e: TrainingLogEntry = l.entry;
    if (e.kind === "run-start" && i > 0) problems.push({ line: l.line, message: "a second run-start entry (one run per log)" });
    if (e.kind === "run-end" && i < lines.length - 1) problems.push({ line: l.line, message: "entries follow the run-end entry" });
    if (e.step < lastStep) problems.push({ line: l.line, message: `step ${e.step} comes after step ${lastStep}: steps never go back` });
    if (e.kind === "checkpoint") {
      if (e.step <= lastCheckpoint) problems.push({ line: l.line, message: `checkpoint at step ${e.step} is not after the previous checkpoint (step ${lastCheckpoint})` });
      lastCheckpoint = e.step;
    }
    lastStep = Math.max(lastStep, e.step);
  }
  const last = lines.at(-1)!;
  if (complete && last.entry.kind !== "run-end") problems.push({ line: last.line, message: `the last entry must be run-end, not ${last.entry.kind} (the log is truncated or the run did not finish)` });
  return problems;
}

/**
 * Checks a log's text (see the module doc). With `committedHead`, the last
 * head must equal it; without, only the log's own consistency is checked.
 */
export function checkTrainingLog(text: string, committedHead?: string): TrainingLogCheck {
  const problems: LogProblem[] = [];
  const lines: LogLine[] = [];
  let head = GENESIS_HEAD;
  let chainBroken = false;
  let malformed = false;
  const committed = committedHead?.toLowerCase();
  let committedAtLine: number | null = null;
  for (const [i, raw] of splitLines(text).entries()) {
    const lineNo = i + 1;
    const parsed = parseLine(raw);
    if (typeof parsed === "string") {
      problems.push({ line: lineNo, message: parsed });
      malformed = true;
      break;
    }
    head = nextHead(head, parsed.entry);
    if (!chainBroken && head !== parsed.head) {
      problems.push({ line: lineNo, message: "the recorded head is not the chain head of this entry: the line (or one before it) was altered" });
      chainBroken = true;
    }
    if (committedAtLine === null && head === committed) committedAtLine = lineNo;
    lines.push({ ...parsed, line: lineNo });
  }
  problems.push(...shapeProblems(lines, !malformed));
  if (committed !== undefined && !malformed) {
    if (!isHex32(committed)) throw new DatatraceError(`The committed head must be 0x + 64 hex digits; got ${committedHead}.`);
    if (head !== committed) {
      const last = lines.at(-1)?.line ?? null;
      problems.push(
        committedAtLine !== null && committedAtLine !== last
          ? { line: committedAtLine + 1, message: `the committed head is the head after line ${committedAtLine}: lines ${committedAtLine + 1}–${last} were added after the commitment` }
          : chainBroken
            ? { line: null, message: `the log's recomputed head ${head} is not the committed head ${committed}` }
            : { line: null, message: `the log is self-consistent but ends at head ${head}, not at the committed head ${committed}: it was truncated, rewritten with recomputed heads, or is another run's log` },
      );
    }
  }
  problems.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
  const firstBadLine = problems.find((p) => p.line !== null)?.line ?? null;
  return { valid: problems.length === 0, lines, computedHead: head, firstBadLine, problems, committedAtLine };
}
