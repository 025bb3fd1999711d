/** The one error base (src/errors): fields, message, cause, brand across module copies, file-system errors explained. */
import { expect } from "chai";

import { composeMessage, DatatraceError, FAILURE_FAMILIES, familyCode, FileSystemError, fileSystemError, InternalError, isDatatraceError, UserError } from "../../src/errors/index.js";
import { SourceError } from "../../src/sources/source-error.js";
import { StorageError } from "../../src/storage/errors.js";
import { classifySdkError } from "../../src/storage/lighthouse.js";

describe("DatatraceError", () => {
  it("has a short message, a fix, details, a family and a code; message joins the lines", () => {
    const error = new DatatraceError("The manifest is corrupt.", { fix: "Fetch it again.", details: "shard 3 differs", family: "data" });
    expect(error.shortMessage).to.equal("The manifest is corrupt.");
    expect(error.fix).to.equal("Fetch it again.");
    expect(error.details).to.equal("shard 3 differs");
    expect(error.family).to.equal("data");
    expect(error.code).to.equal("DATA");
    expect(error.hasOwnCode).to.equal(false);
    expect(error.message).to.equal("The manifest is corrupt.\nFetch it again.\nDetails: shard 3 differs");
    expect(error.name).to.equal("DatatraceError");
  });

  it("defaults to the family `failure`, and takes a code more precise than its family's", () => {
    const plain = new DatatraceError("It failed.");
    expect(plain.family).to.equal("failure");
    expect(plain.code).to.equal("FAILURE");
    expect(plain.message).to.equal("It failed.");
    const precise = new DatatraceError("x", { family: "not-found", code: "TOKEN_NOT_FOUND" });
    expect(precise.code).to.equal("TOKEN_NOT_FOUND");
    expect(precise.hasOwnCode).to.equal(true);
  });

  it("gives every family a distinct code", () => {
    const codes = FAILURE_FAMILIES.map(familyCode);
    expect(new Set(codes).size).to.equal(FAILURE_FAMILIES.length);
    expect(familyCode("not-found")).to.equal("NOT_FOUND");
  });

  it("keeps the cause (also through subclasses)", () => {
    const root = new Error("ECONNRESET");
    expect(new DatatraceError("Upload failed.", { cause: root }).cause).to.equal(root);
    expect(new UserError("Upload failed.", "Retry.", { cause: root }).cause).to.equal(root);
    expect(new StorageError("GATEWAY_FAILED", "no gateway answered", { cause: root }).cause).to.equal(root);
    expect(new SourceError("a.csv", "bad row", { cause: root }).cause).to.equal(root);
    expect(new DatatraceError("no cause")).to.not.have.property("cause");
  });

  it("leaves out empty parts of the message", () => {
    expect(composeMessage("a", undefined, undefined)).to.equal("a");
    expect(composeMessage("a", "", "")).to.equal("a");
    expect(composeMessage("a", undefined, "d")).to.equal("a\nDetails: d");
  });

  it("InternalError marks a bug by its family, with the usual `internal error:` text", () => {
    const bug = new InternalError("records are not in hash order");
    expect(bug.family).to.equal("internal");
    expect(bug.message).to.equal("internal error: records are not in hash order");
    expect(isDatatraceError(bug)).to.equal(true);
  });

  it("every module's error class is a DatatraceError", () => {
    for (const error of [new StorageError("INVALID_CID", "x"), new SourceError("f", "x"), new UserError("p", "f"), new InternalError("x")]) {
      expect(error, error.name).to.be.instanceOf(DatatraceError);
      expect(isDatatraceError(error), error.name).to.equal(true);
    }
  });

  it("isDatatraceError recognizes an error of another copy of the module (by brand, not by class)", async () => {
    const copy = (await import(`../../src/errors/datatrace-error.ts?copy=${Date.now()}`)) as typeof import("../../src/errors/datatrace-error.js");
    const foreign = new copy.DatatraceError("from a copy", { family: "usage" });
    expect(copy.DatatraceError).to.not.equal(DatatraceError); // really a second copy
    expect(foreign).to.not.be.instanceOf(DatatraceError);
    expect(isDatatraceError(foreign)).to.equal(true);
    expect(copy.isDatatraceError(new DatatraceError("here"))).to.equal(true);
    expect(isDatatraceError(new Error("plain"))).to.equal(false);
    expect(isDatatraceError({ message: "look-alike", family: "usage", code: "USAGE" })).to.equal(false);
    expect(isDatatraceError(null)).to.equal(false);
  });
});

describe("StorageError", () => {
  it("has the family of its code and keeps the HTTP status of a Lighthouse answer (decisions never read the message)", () => {
    const missing = classifySdkError("getFileInfo", new Error("Request failed with status code 404"));
    expect(missing.code).to.equal("LIGHTHOUSE_REJECTED");
    expect(missing.httpStatus).to.equal(404);
    expect(classifySdkError("upload", new Error("socket hang up")).httpStatus).to.equal(undefined);
    expect(classifySdkError("upload", new Error("socket hang up")).family).to.equal("unavailable");
    expect(new StorageError("BLOCK_NOT_FOUND", "x").family).to.equal("not-found");
    expect(new StorageError("LIGHTHOUSE_MISSING_API_KEY", "x").family).to.equal("config");
  });
});

describe("fileSystemError", () => {
  const errno = (code: string, syscall: string, p: string): Error => Object.assign(new Error(`${code}: ${syscall} '${p}'`), { code, syscall, path: p });

  it("explains Node's file-system errors with a fix and the family of the failure", () => {
    const cases: Array<[string, string, RegExp, string]> = [
      ["EACCES", "scandir", /^Permission denied: cannot read the directory \/d\./, "io"],
      ["ENOENT", "open", /^No such file or directory: \/d\./, "not-found"],
      ["ENOTDIR", "mkdir", /part of that path is a file/, "usage"],
      ["ENAMETOOLONG", "open", /too long for the file system/, "usage"],
      ["ENOSPC", "write", /No space left/, "io"],
      ["EMFILE", "open", /Too many open files/, "temporary"],
    ];
    for (const [code, syscall, pattern, family] of cases) {
      const cause = errno(code, syscall, "/d");
      const error = fileSystemError(cause);
      expect(error, code).to.be.instanceOf(FileSystemError).and.instanceOf(UserError);
      expect(error!.shortMessage, code).to.match(pattern);
      expect(error!.fix, code).to.be.a("string").and.not.equal("");
      expect(error!.family, code).to.equal(family);
      expect(error!.errno, code).to.equal(code);
      expect(error!.cause, code).to.equal(cause);
    }
  });

  it("returns undefined for anything that is not a handled file-system error", () => {
    expect(fileSystemError(new Error("x"))).to.equal(undefined);
    expect(fileSystemError(errno("ECONNRESET", "read", "/d"))).to.equal(undefined);
    expect(fileSystemError("EACCES")).to.equal(undefined);
  });
});
