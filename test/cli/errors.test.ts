import { expect } from "chai";

import { EXIT_CODES, exitCodeOf, formatError, isUserError, UserError } from "../../src/cli/errors.js";

describe("UserError", () => {
  const error = new UserError("The dataset file data.csv does not exist.", "Check the path or run `npx hardhat dataset hash --help`.", { exitCode: EXIT_CODES.noInput });

  it("puts what went wrong and what to do in the message", () => {
    expect(error.message).to.equal("The dataset file data.csv does not exist.\nCheck the path or run `npx hardhat dataset hash --help`.");
    expect(error.problem).to.equal("The dataset file data.csv does not exist.");
    expect(error.fix).to.match(/Check the path/);
    expect(error.name).to.equal("UserError");
    expect(error).to.be.instanceOf(Error);
  });

  it("carries an exit code, defaulting to 1 and clamped to a valid range", () => {
    expect(error.exitCode).to.equal(66);
    expect(new UserError("a", "b").exitCode).to.equal(1);
    expect(new UserError("a", "b", { exitCode: 300 }).exitCode).to.equal(1);
  });

  it("is recognized by Hardhat's community-plugin error check (own _isHardhatPluginError property)", () => {
    expect(Object.getOwnPropertyDescriptor(error, "_isHardhatPluginError")?.value).to.equal(true);
    expect(error.pluginId).to.equal("datatrace");
  });

  it("is told apart from other errors", () => {
    expect(isUserError(error)).to.equal(true);
    expect(isUserError(new Error("x"))).to.equal(false);
    expect(isUserError("x")).to.equal(false);
    expect(exitCodeOf(error)).to.equal(66);
    expect(exitCodeOf(new Error("bug"))).to.equal(EXIT_CODES.software);
  });

  it("formats user errors plainly and other errors as bugs with a stack", () => {
    expect(formatError(error)).to.equal("Error: The dataset file data.csv does not exist.\nCheck the path or run `npx hardhat dataset hash --help`.");
    expect(formatError(new TypeError("boom"))).to.match(/^Unexpected error \(this is a bug in Datatrace, please report it\):\nTypeError: boom\n\s+at /);
    expect(formatError("text")).to.match(/text$/);
  });

  it("shows the cause chain when verbose", () => {
    const wrapped = new UserError("Upload failed.", "Retry later.", { cause: new Error("ECONNRESET") });
    expect(formatError(wrapped)).to.not.include("ECONNRESET");
    expect(formatError(wrapped, { verbose: true })).to.match(/Caused by: Error: ECONNRESET/);
  });
});
