/**
 * UserError as the tasks see it, and the one mapping from failure families
 * to exit codes and Hardhat plugin errors (tasks/shared/task-errors.ts).
 */
import { expect } from "chai";
import { HardhatPluginError } from "hardhat/plugins";

import { Interrupted } from "../../src/cli/interrupt.js";
import { DatatraceError, FAILURE_FAMILIES, InternalError, isUserError, UserError, type FailureFamily } from "../../src/errors/index.js";
import { BlockNotFoundError, StorageError } from "../../src/storage/errors.js";
import { errorText, EXIT_CODES, exitCodeOf, FAMILY_EXIT_CODES, formatError, isKeyMissingFromDevKeystore, PLUGIN_ID, toTaskError } from "../../tasks/shared/task-errors.js";

describe("UserError", () => {
  const error = new UserError("The dataset file data.csv does not exist.", "Check the path or run `npx hardhat dataset hash --help`.", { family: "not-found" });

  it("puts what went wrong and what to do in the message", () => {
    expect(error.message).to.equal("The dataset file data.csv does not exist.\nCheck the path or run `npx hardhat dataset hash --help`.");
    expect(error.problem).to.equal("The dataset file data.csv does not exist.");
    expect(error.shortMessage).to.equal(error.problem);
    expect(error.fix).to.match(/Check the path/);
    expect(error.name).to.equal("UserError");
    expect(error).to.be.instanceOf(DatatraceError);
  });

  it("carries a failure family (default `failure`) and its code, and knows nothing of exit codes or Hardhat", () => {
    expect(error.family).to.equal("not-found");
    expect(error.code).to.equal("NOT_FOUND");
    expect(new UserError("a", "b").family).to.equal("failure");
    expect(error).to.not.have.property("exitCode");
    expect(Object.getOwnPropertyDescriptor(error, "_isHardhatPluginError")).to.equal(undefined);
  });

  it("is told apart from other errors", () => {
    expect(isUserError(error)).to.equal(true);
    expect(isUserError(new DatatraceError("x"))).to.equal(false);
    expect(isUserError(new Error("x"))).to.equal(false);
    expect(isUserError("x")).to.equal(false);
  });
});

describe("task errors: families → exit codes and Hardhat plugin errors (tasks/shared/task-errors.ts)", () => {
  const expected: Record<FailureFamily, number> = {
    failure: 1,
    usage: 64,
    data: 65,
    "not-found": 66,
    unavailable: 69,
    internal: 70,
    io: 74,
    temporary: 75,
    config: 78,
    interrupted: 130,
  };

  for (const family of FAILURE_FAMILIES) {
    it(`family ${family} exits with ${expected[family]}`, () => {
      expect(exitCodeOf(new UserError("p", "f", { family }))).to.equal(expected[family]);
      expect(exitCodeOf(new DatatraceError("p", { family }))).to.equal(expected[family]);
      expect(FAMILY_EXIT_CODES[family]).to.equal(expected[family]);
    });
  }

  it("keeps the sysexits values scripts rely on", () => {
    expect(EXIT_CODES).to.deep.equal({ failure: 1, usage: 64, dataError: 65, noInput: 66, unavailable: 69, software: 70, ioError: 74, tempFail: 75, config: 78 });
  });

  it("an interrupt exits with 128 + the signal number", () => {
    expect(exitCodeOf(new Interrupted("SIGINT"))).to.equal(130);
    expect(exitCodeOf(new Interrupted("SIGTERM"))).to.equal(143);
  });

  it("anything not a DatatraceError is a bug: exit 70; a Node file-system error is explained first", () => {
    expect(exitCodeOf(new Error("bug"))).to.equal(EXIT_CODES.software);
    expect(exitCodeOf("text")).to.equal(EXIT_CODES.software);
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: "ENOENT", syscall: "open", path: "x" });
    expect(exitCodeOf(enoent)).to.equal(66);
  });

  it("turns an expected error into a Hardhat plugin error of Datatrace, keeping the error as its cause", () => {
    const error = new UserError("Bad input.", "Fix it.", { family: "data", cause: new Error("root cause") });
    const wrapped = toTaskError(error) as HardhatPluginError;
    expect(HardhatPluginError.isHardhatPluginError(wrapped)).to.equal(true);
    expect(wrapped.pluginId).to.equal(PLUGIN_ID);
    expect(wrapped.message).to.equal("Bad input.\nFix it.");
    expect(wrapped.cause).to.equal(error);
    expect((wrapped.cause as Error).cause).to.be.instanceOf(Error).with.property("message", "root cause");
  });

  it("shows a code of its own in brackets (storage errors), not a family's", () => {
    const missing = new BlockNotFoundError("bafyfoo", "the local store");
    expect(missing).to.be.instanceOf(StorageError).and.instanceOf(DatatraceError);
    expect(missing.family).to.equal("not-found");
    expect((toTaskError(missing) as Error).message).to.match(/^\[BLOCK_NOT_FOUND\] block bafyfoo is not in the local store\./);
    expect(errorText(missing)).to.match(/^Error: \[BLOCK_NOT_FOUND\] block bafyfoo/);
    expect((toTaskError(new UserError("p", "f", { family: "usage" })) as Error).message).to.equal("p\nf");
  });

  it("passes bugs through unchanged (Hardhat prints them with their stack), including InternalError", () => {
    const bug = new TypeError("x is undefined");
    expect(toTaskError(bug)).to.equal(bug);
    const plain = new Error("something");
    expect(toTaskError(plain)).to.equal(plain);
    const internal = new InternalError("step 3 is not recorded");
    expect(internal.message).to.equal("internal error: step 3 is not recorded");
    expect(toTaskError(internal)).to.equal(internal);
    const already = new HardhatPluginError(PLUGIN_ID, "already wrapped");
    expect(toTaskError(already)).to.equal(already);
  });

  it("explains a Node file-system error as a plugin error, not a raw EACCES", () => {
    const eacces = Object.assign(new Error("EACCES: permission denied, scandir '/x'"), { code: "EACCES", syscall: "scandir", path: "/x" });
    const wrapped = toTaskError(eacces) as Error;
    expect(HardhatPluginError.isHardhatPluginError(wrapped)).to.equal(true);
    expect(wrapped.message).to.match(/^Permission denied: cannot read the directory \/x\.\nCheck the permissions of \/x/);
    expect(exitCodeOf(eacces)).to.equal(EXIT_CODES.ioError);
  });

  it("formats expected errors plainly and anything else as a bug with its stack", () => {
    const error = new UserError("The dataset file data.csv does not exist.", "Check the path.", { family: "not-found" });
    expect(formatError(error)).to.equal("Error: The dataset file data.csv does not exist.\nCheck the path.");
    expect(formatError(new TypeError("boom"))).to.match(/^Unexpected error \(this is a bug in Datatrace, please report it\):\nTypeError: boom\n\s+at /);
    expect(formatError(new Error("internal error: looks like a bug"))).to.match(/^Unexpected error/);
    expect(formatError(new InternalError("boom"))).to.match(/^Unexpected error \(this is a bug in Datatrace, please report it\):\nInternalError: internal error: boom\n\s+at /);
    expect(formatError("text")).to.match(/text$/);
    expect(errorText(new TypeError("boom"))).to.match(/^Unexpected error .*\nTypeError: boom\n\s+at /);
  });

  it("decides by the error's type and family, never by its message text", () => {
    // A plain Error whose message looks like a user error is still a bug; a DatatraceError whose message looks like a bug is not.
    expect(toTaskError(new Error("Error: bad input\nFix it."))).to.not.satisfy(HardhatPluginError.isHardhatPluginError);
    expect(toTaskError(new DatatraceError("internal error: not really", { family: "data" }))).to.satisfy(HardhatPluginError.isHardhatPluginError);
  });

  it("shows the cause chain when verbose", () => {
    const wrapped = new UserError("Upload failed.", "Retry later.", { cause: new Error("ECONNRESET") });
    expect(formatError(wrapped)).to.not.include("ECONNRESET");
    expect(formatError(wrapped, { verbose: true })).to.match(/Caused by: Error: ECONNRESET/);
  });

  it("recognizes Hardhat's 'key not found in the development keystore' by its error number, not its text", () => {
    const text = 'Key "LIGHTHOUSE_API_KEY" not found in the development keystore. Run "npx hardhat keystore set LIGHTHOUSE_API_KEY --dev" to set it.';
    expect(isKeyMissingFromDevKeystore(Object.assign(new Error(text), { name: "HardhatError", number: 50002 }))).to.equal(true);
    expect(isKeyMissingFromDevKeystore(Object.assign(new Error(text), { name: "HardhatError", number: 50000 }))).to.equal(false);
    expect(isKeyMissingFromDevKeystore(new Error(text))).to.equal(false);
  });
});
