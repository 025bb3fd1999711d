import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import { isUserError } from "../../src/errors/index.js";
import type { JsonValue } from "../../src/registry/canonical-json.js";
import {
  acquireRegistrationLock,
  REGISTRATION_STEPS,
  type RegistrationHandlers,
  RegistrationJournal,
  registrationKey,
  type RegistrationStep,
  runRegistration,
} from "../../src/registry/journal.js";
import { expectRejection } from "./reject.js";

const target = {
  kind: "dataset" as const,
  chainId: 314159,
  contract: "0x" + "Aa".repeat(20),
  registrant: "0x" + "Ef".repeat(20),
  subject: "0x" + "Cd".repeat(32),
};

/** Handlers that count their calls and can be told to "crash" at one step. */
function handlers(calls: RegistrationStep[], crashAt?: RegistrationStep): RegistrationHandlers {
  const make = (step: RegistrationStep, data: JsonValue) => () => {
    calls.push(step);
    if (step === crashAt) throw new Error(`simulated crash during ${step}`);
    return data;
  };
  return {
    hashed: make("hashed", { root: target.subject, leafCount: 6046 }),
    manifestStored: make("manifestStored", { cid: "bafy-manifest" }),
    metadataStored: make("metadataStored", { cid: "bafy-metadata" }),
    txSent: make("txSent", { hash: "0x" + "77".repeat(32) }),
    minted: make("minted", { tokenId: "1" }),
  };
}

describe("registration journal", () => {
  let dir: string;
  const fixedNow = () => new Date("2026-07-01T00:00:00Z");
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "datatrace-journal-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("derives a deterministic key, insensitive to hex case and chainId type", () => {
    const k = registrationKey(target);
    expect(k).to.match(/^[0-9a-f]{64}$/);
    expect(
      registrationKey({
        ...target,
        chainId: 314159n,
        contract: target.contract.toLowerCase(),
        registrant: target.registrant.toUpperCase().replace("0X", "0x"),
        subject: target.subject.toUpperCase().replace("0X", "0x"),
      }),
    ).to.equal(k);
    expect(registrationKey({ ...target, chainId: 314 })).to.not.equal(k);
    expect(registrationKey({ ...target, kind: "model" })).to.not.equal(k);
    // Registrations are per account: another registrant of the same root has its own journal.
    expect(registrationKey({ ...target, registrant: "0x" + "12".repeat(20) })).to.not.equal(k);
  });

  it("rejects malformed key inputs with what to pass", () => {
    expect(() => registrationKey({ ...target, chainId: "abc" })).to.throw(/Invalid chain id.*\n.*positive chain id/);
    expect(() => registrationKey({ ...target, contract: "0x12" })).to.throw(/Invalid contract address/);
    expect(() => registrationKey({ ...target, registrant: "alice" })).to.throw(/Invalid registrant address/);
    expect(() => registrationKey({ ...target, subject: "0x12" })).to.throw(/Invalid registration subject/);
  });

  it("runs all steps in order and records each result", async () => {
    const calls: RegistrationStep[] = [];
    const journal = new RegistrationJournal(dir, { now: fixedNow });
    const state = await runRegistration(await journal.load(target), handlers(calls));
    expect(calls).to.deep.equal([...REGISTRATION_STEPS]);
    expect(state.steps.minted?.data).to.deep.equal({ tokenId: "1" });
    expect(state.steps.hashed?.at).to.equal("2026-07-01T00:00:00.000Z");
    const onDisk = JSON.parse(await readFile(journal.fileOf(registrationKey(target)), "utf8"));
    expect(onDisk.steps.txSent.data).to.deep.equal({ hash: "0x" + "77".repeat(32) });
  });

  it("resumes after a crash at the failed step without redoing earlier steps", async () => {
    const journal = new RegistrationJournal(dir);
    const first: RegistrationStep[] = [];
    await expectRejection(runRegistration(await journal.load(target), handlers(first, "txSent")), /simulated crash during txSent/);
    expect(first).to.deep.equal(["hashed", "manifestStored", "metadataStored", "txSent"]);

    const reloaded = await new RegistrationJournal(dir).load(target); // a new process
    expect(reloaded.nextStep()).to.equal("txSent");
    expect(reloaded.get("metadataStored")).to.deep.equal({ cid: "bafy-metadata" });
    const second: RegistrationStep[] = [];
    const state = await runRegistration(reloaded, handlers(second));
    expect(second).to.deep.equal(["txSent", "minted"]);
    expect(state.steps.minted?.data).to.deep.equal({ tokenId: "1" });
  });

  it("resumes correctly whichever step the crash hits", async () => {
    for (const crashAt of REGISTRATION_STEPS) {
      const sub = path.join(dir, crashAt);
      const calls: RegistrationStep[] = [];
      await expectRejection(runRegistration(await new RegistrationJournal(sub).load(target), handlers(calls, crashAt)), /simulated crash/);
      const resumed: RegistrationStep[] = [];
      await runRegistration(await new RegistrationJournal(sub).load(target), handlers(resumed));
      expect(resumed).to.deep.equal(REGISTRATION_STEPS.slice(REGISTRATION_STEPS.indexOf(crashAt)));
    }
  });

  it("returns the existing result when a finished registration is run again", async () => {
    const journal = new RegistrationJournal(dir);
    const done = await runRegistration(await journal.load(target), handlers([]));
    const calls: RegistrationStep[] = [];
    const again = await runRegistration(await journal.load(target), handlers(calls));
    expect(calls).to.deep.equal([]);
    expect(again).to.deep.equal(done);
    expect((await journal.load(target)).isDone()).to.equal(true);
  });

  it("treats re-recording identical data as a no-op and different data as a conflict", async () => {
    const reg = await new RegistrationJournal(dir).load(target);
    await reg.record("hashed", { root: "r" });
    await reg.record("hashed", { root: "r" });
    const error = await expectRejection(reg.record("hashed", { root: "other" }), /already recorded with different data/);
    expect(isUserError(error)).to.equal(true);
  });

  it("refuses to record steps out of order", async () => {
    const reg = await new RegistrationJournal(dir).load(target);
    await expectRejection(reg.record("txSent", { hash: "0x" }), /step hashed comes first/);
  });

  it("writes nothing until the first step and leaves no temp files behind", async () => {
    const journal = new RegistrationJournal(path.join(dir, "j"));
    const reg = await journal.load(target);
    expect(await journal.list()).to.deep.equal([]);
    await runRegistration(reg, handlers([]));
    expect(await readdir(path.join(dir, "j"))).to.deep.equal([`${registrationKey(target)}.json`]);
    expect((await journal.list()).map((s) => s.key)).to.deep.equal([registrationKey(target)]);
  });

  it("reports a corrupted journal file with what to do", async () => {
    const journal = new RegistrationJournal(dir);
    await writeFile(journal.fileOf(registrationKey(target)), "{ torn");
    await expectRejection(journal.load(target), /is unreadable: not valid JSON.*\n.*delete the file and register again/s);
  });

  it("detects a journal with a gap in its steps", async () => {
    const journal = new RegistrationJournal(dir);
    const key = registrationKey(target);
    await writeFile(journal.fileOf(key), JSON.stringify({ version: 1, key, kind: "dataset", chainId: "314159", contract: target.contract.toLowerCase(), subject: target.subject.toLowerCase(), steps: { hashed: { at: "", data: 1 }, txSent: { at: "", data: 2 } } }));
    await expectRejection(journal.load(target), /step txSent is recorded but an earlier step is not/);
  });

  it("refuses a journal file that belongs to another registration", async () => {
    const journal = new RegistrationJournal(dir);
    const other = { ...target, subject: "0x" + "ee".repeat(32) };
    await runRegistration(await journal.load(other), handlers([]));
    await writeFile(journal.fileOf(registrationKey(target)), await readFile(journal.fileOf(registrationKey(other))));
    await expectRejection(journal.load(target), /belongs to another registration/);
  });

  it("refuses to run while a live process holds the lock, and takes over a lock file that holds no live process", async () => {
    const journal = new RegistrationJournal(dir);
    const reg = await journal.load(target);
    const release = await acquireRegistrationLock(reg.file); // a live holder: this process
    await expectRejection(runRegistration(reg, handlers([])), new RegExp(`is being run by process ${process.pid}`));
    await release();
    await writeFile(`${reg.file}.lock`, "999999999"); // an unreadable lock (the old pid-only format): no live holder
    const state = await runRegistration(reg, handlers([]));
    expect(state.steps.minted).to.not.equal(undefined);
  });

  it("rejects step data that is not JSON before writing", async () => {
    const reg = await new RegistrationJournal(dir).load(target);
    await expectRejection(reg.record("hashed", { n: 1n } as never), /bigint/);
    expect(reg.isDone("hashed")).to.equal(false);
  });
});
