/**
 * Crash-safe journal of registrations, so that an interrupted
 * `dataset register` / `model register` resumes where it stopped instead of
 * uploading twice or, worse, minting twice.
 *
 * One JSON file per registration, named by a deterministic key:
 * `key = SHA-256(canonicalJson({chainId, contract, kind, registrant, subject}))`
 * where subject is the dataset root or the model weightsHash (lowercase hex)
 * and registrant the account that registers (several accounts may register
 * the same root or weights, each once). The
 * steps run in a fixed order and each one's result is recorded before the
 * next starts:
 *
 *   hashed → manifestStored (CID) → metadataStored (CID) → txSent (hash) → minted (tokenId)
 *
 * Every write is atomic: write a temp file in the same directory, fsync it,
 * rename it over the journal file, fsync the directory. A crash leaves either
 * the old or the new file, never a torn one. Recording a step that is already
 * recorded with the same data is a no-op; with different data it is an error
 * (something changed between runs). {@link runRegistration} skips the steps
 * already done, so rerunning a finished registration returns the existing
 * result. A lock keeps two processes from running the same registration at
 * once: storage's process lock (`acquireProcessLock`), a lock file holding
 * its holder's identity, linked into place whole; a lock whose process is
 * gone is taken over, and a lock is only ever removed by its holder or, once
 * its holder is dead, under a break lock (see src/storage/process-lock.ts for
 * the race in the library used before).
 *
 * CAUTION: the journal records what this machine did. The `minted` step of a
 * registration whose `txSent` is recorded must look the transaction up (it may
 * have been mined while we were down) rather than send a new one.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile } from "node:fs/promises";
import path from "node:path";

import { UserError } from "../errors/index.js";
import { acquireProcessLock, LockBusyError, writeFileAtomic } from "../storage/index.js";
import { canonicalJson, type JsonValue } from "./canonical-json.js";

/** The registration steps, in order. */
export const REGISTRATION_STEPS = ["hashed", "manifestStored", "metadataStored", "txSent", "minted"] as const;

/** One registration step. */
export type RegistrationStep = (typeof REGISTRATION_STEPS)[number];

/** What a registration is about; determines its key. */
export interface RegistrationKeyInput {
  readonly kind: "dataset" | "model";
  readonly chainId: number | bigint | string;
  /** Registry contract address. */
  readonly contract: string;
  /** The registering account (0x address). */
  readonly registrant: string;
  /** Dataset Merkle root or model weightsHash (0x hex). */
  readonly subject: string;
}

/** A recorded step. */
export interface StepRecord {
  /** ISO time of recording (informational). */
  readonly at: string;
  readonly data: JsonValue;
}

/** The content of a journal file. */
export interface RegistrationState {
  readonly version: 1;
  readonly key: string;
  readonly kind: "dataset" | "model";
  /** Decimal string. */
  readonly chainId: string;
  /** Lowercase 0x address. */
  readonly contract: string;
  /** Lowercase 0x address of the registering account. */
  readonly registrant: string;
  /** Lowercase 0x hex. */
  readonly subject: string;
  readonly steps: Partial<Record<RegistrationStep, StepRecord>>;
}

function normalizeKeyInput(input: RegistrationKeyInput): Omit<RegistrationState, "version" | "key" | "steps"> {
  if (input.kind !== "dataset" && input.kind !== "model") {
    throw new UserError(`Unknown registration kind ${JSON.stringify(input.kind)}.`, 'Use "dataset" or "model".', { family: "usage" });
  }
  const chainId = String(input.chainId);
  if (!/^\d+$/.test(chainId) || chainId === "0") {
    throw new UserError(`Invalid chain id ${JSON.stringify(String(input.chainId))}.`, "Pass the positive chain id of the network (e.g. 314159 for Calibration).", { family: "usage" });
  }
  if (typeof input.contract !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(input.contract)) {
    throw new UserError(`Invalid contract address ${JSON.stringify(input.contract)}.`, "Pass the 0x-prefixed 20-byte address of the deployed registry contract.", { family: "usage" });
  }
  if (typeof input.registrant !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(input.registrant)) {
    throw new UserError(`Invalid registrant address ${JSON.stringify(input.registrant)}.`, "Pass the 0x-prefixed 20-byte address of the registering account.", { family: "usage" });
  }
  if (typeof input.subject !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(input.subject)) {
    throw new UserError(`Invalid registration subject ${JSON.stringify(input.subject)}.`, "Pass the dataset root or model weightsHash as 0x + 64 hex digits.", { family: "usage" });
  }
  return {
    kind: input.kind,
    chainId: BigInt(chainId).toString(),
    contract: input.contract.toLowerCase(),
    registrant: input.registrant.toLowerCase(),
    subject: input.subject.toLowerCase(),
  };
}

/** Deterministic key (64 hex digits) of a registration; see the module doc. */
export function registrationKey(input: RegistrationKeyInput): string {
  return createHash("sha256").update(canonicalJson(normalizeKeyInput(input)), "utf8").digest("hex");
}

/** Options of {@link RegistrationJournal}. */
export interface JournalOptions {
  /** Clock for the `at` field (default: `() => new Date()`). */
  readonly now?: () => Date;
}

/** A directory of registration journal files. */
export class RegistrationJournal {
  readonly dir: string;
  readonly #now: () => Date;

  /** A journal kept in `dir` (created on first write). */
  constructor(dir: string, options: JournalOptions = {}) {
    this.dir = dir;
    this.#now = options.now ?? (() => new Date());
  }

  /** Path of the journal file of a key. */
  fileOf(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  /** Loads the registration's journal, or a fresh empty one (nothing is written until the first step is recorded). */
  async load(input: RegistrationKeyInput): Promise<Registration> {
    const identity = normalizeKeyInput(input);
    const key = registrationKey(input);
    const file = this.fileOf(key);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        return new Registration(this, { version: 1, key, ...identity, steps: {} }, this.#now);
      }
      throw new UserError(`Cannot read the registration journal ${file}.`, "Check the file permissions of the journal directory.", { family: "io", cause: error });
    }
    const state = parseState(text, file);
    if (
      state.key !== key ||
      state.subject !== identity.subject ||
      state.registrant !== identity.registrant ||
      state.contract !== identity.contract ||
      state.chainId !== identity.chainId ||
      state.kind !== identity.kind
    ) {
      throw new UserError(`The registration journal ${file} belongs to another registration.`, "Move the file away; it was renamed or copied by hand.", { family: "data" });
    }
    return new Registration(this, state, this.#now);
  }

  /** Every registration in the journal directory (unfinished ones included), sorted by key. */
  async list(): Promise<RegistrationState[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const states: RegistrationState[] = [];
    for (const name of names.filter((n) => /^[0-9a-f]{64}\.json$/.test(n)).sort()) {
      const file = path.join(this.dir, name);
      states.push(parseState(await readFile(file, "utf8"), file));
    }
    return states;
  }

  /** @internal Persists a state atomically. */
  async save(state: RegistrationState): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.fileOf(state.key), JSON.stringify(state, null, 2) + "\n");
  }
}

function parseState(text: string, file: string): RegistrationState {
  const corrupt = (why: string): never => {
    throw new UserError(
      `The registration journal ${file} is unreadable: ${why}.`,
      "Inspect it; if the registration's transaction was not sent (check the explorer), delete the file and register again.",
      { family: "data" },
    );
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return corrupt("not valid JSON");
  }
  const s = parsed as Partial<RegistrationState> | null;
  if (typeof s !== "object" || s === null || s.version !== 1 || typeof s.key !== "string" || typeof s.steps !== "object" || s.steps === null) {
    return corrupt("not a version-1 registration journal");
  }
  let seenGap = false;
  for (const step of REGISTRATION_STEPS) {
    const record = s.steps[step];
    if (record === undefined) seenGap = true;
    else if (seenGap) return corrupt(`step ${step} is recorded but an earlier step is not`);
    else if (typeof record !== "object" || record === null || !("data" in record)) return corrupt(`step ${step} has no data`);
  }
  for (const k of Object.keys(s.steps)) if (!(REGISTRATION_STEPS as readonly string[]).includes(k)) return corrupt(`unknown step ${k}`);
  return s as RegistrationState;
}

/** One registration: its recorded steps, and the way to record the next. */
export class Registration {
  readonly #journal: RegistrationJournal;
  readonly #now: () => Date;
  #state: RegistrationState;

  /** @internal Use {@link RegistrationJournal.load}. */
  constructor(journal: RegistrationJournal, state: RegistrationState, now: () => Date) {
    this.#journal = journal;
    this.#state = state;
    this.#now = now;
  }

  /** The registration key. */
  get key(): string {
    return this.#state.key;
  }

  /** Path of its journal file. */
  get file(): string {
    return this.#journal.fileOf(this.#state.key);
  }

  /** A snapshot of the journal content. */
  get state(): RegistrationState {
    return this.#state;
  }

  /** Re-reads the journal file (another process may have advanced it). */
  async reload(): Promise<void> {
    const { kind, chainId, contract, registrant, subject } = this.#state;
    this.#state = (await this.#journal.load({ kind, chainId, contract, registrant, subject })).state;
  }

  /** True iff `step` (default: the last step, `minted`) is recorded. */
  isDone(step: RegistrationStep = "minted"): boolean {
    return this.#state.steps[step] !== undefined;
  }

  /** Data recorded for `step`, or undefined. */
  get(step: RegistrationStep): JsonValue | undefined {
    return this.#state.steps[step]?.data;
  }

  /** The first step not yet recorded, or undefined when the registration is complete. */
  nextStep(): RegistrationStep | undefined {
    return REGISTRATION_STEPS.find((s) => !this.isDone(s));
  }

  /**
   * Records `step` with `data` and persists the journal atomically.
   * Re-recording a step with identical data is a no-op; steps must be recorded in order.
   */
  async record(step: RegistrationStep, data: JsonValue): Promise<void> {
    if (!(REGISTRATION_STEPS as readonly string[]).includes(step)) {
      throw new UserError(`Unknown registration step ${JSON.stringify(step)}.`, `Use one of ${REGISTRATION_STEPS.join(", ")}.`, { family: "internal" });
    }
    const encoded = canonicalJson(data); // rejects non-JSON data early
    const existing = this.#state.steps[step];
    if (existing !== undefined) {
      if (canonicalJson(existing.data) === encoded) return;
      throw new UserError(
        `Step ${step} of registration ${this.key.slice(0, 12)}… was already recorded with different data (${canonicalJson(existing.data)} vs ${encoded}).`,
        `Something changed since the interrupted run. Inspect ${this.file}; delete it to start over only if no transaction was sent.`,
        { family: "data" },
      );
    }
    const expected = this.nextStep();
    if (expected !== step) {
      throw new UserError(`Cannot record step ${step} of registration ${this.key.slice(0, 12)}…: step ${expected} comes first.`, `Record the steps in order: ${REGISTRATION_STEPS.join(" → ")}.`, { family: "internal" });
    }
    const next: RegistrationState = {
      ...this.#state,
      steps: { ...this.#state.steps, [step]: { at: this.#now().toISOString(), data: JSON.parse(encoded) as JsonValue } },
    };
    await this.#journal.save(next);
    this.#state = next;
  }
}

/** The work of each step: receives the state so far, returns the data to record. */
export type RegistrationHandlers = { readonly [S in RegistrationStep]: (state: RegistrationState) => Promise<JsonValue> | JsonValue };

/** How long a registration waits for another process's run of the same registration before giving up. */
const LOCK_WAIT_MS = 1_000;

/**
 * Takes the lock of the registration journal `file` (`<file>.lock`) and
 * returns its release. A lock held by a live process is waited for
 * `waitMs`, then refused with a UserError naming that process; a lock left
 * by a dead process is removed and taken.
 */
export async function acquireRegistrationLock(file: string, waitMs = LOCK_WAIT_MS): Promise<() => Promise<void>> {
  const lock = `${path.resolve(file)}.lock`;
  const name = `${path.basename(file, ".json").slice(0, 12)}…`;
  try {
    return await acquireProcessLock(lock, waitMs);
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error;
    const pid = error.holder?.pid;
    throw new UserError(
      `Registration ${name} is being run by ${pid === undefined ? "another process" : `process ${pid}`}.`,
      `Wait for it to finish, then rerun the command (it resumes from the journal). If no such run is active, delete ${lock}.`,
      { family: "temporary", cause: error },
    );
  }
}

/**
 * Runs the steps not yet recorded, in order, recording each result before
 * starting the next. If a handler throws, the steps done so far stay
 * recorded and the next call resumes at the failed step. On a finished
 * registration no handler runs and the existing state is returned.
 */
export async function runRegistration(registration: Registration, handlers: RegistrationHandlers): Promise<RegistrationState> {
  if (registration.isDone()) return registration.state;
  const release = await acquireRegistrationLock(registration.file);
  try {
    await registration.reload();
    for (let step = registration.nextStep(); step !== undefined; step = registration.nextStep()) {
      const data = await handlers[step](registration.state);
      await registration.record(step, data);
    }
    return registration.state;
  } finally {
    await release();
  }
}
