import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { labelOfGroup, loadSpamAssassin, SPAM_ASSASSIN_GROUPS, spamAssassinDataDir } from "../../src/corpus/spamassassin.js";
import { corpusEmails } from "../ml/corpus-fixture.js";

describe("SpamAssassin corpus loader", () => {
  it("loads all 6,046 emails with the package's documented group sizes", () => {
    const emails = corpusEmails();
    expect(emails).to.have.length(6046);
    const sizes = Object.fromEntries(SPAM_ASSASSIN_GROUPS.map((g) => [g, emails.filter((e) => e.group === g).length]));
    expect(sizes).to.deep.equal({ "easy-ham-1": 2500, "easy-ham-2": 1400, "hard-ham-1": 250, "spam-1": 500, "spam-2": 1396 });
  });

  it("gives unique, stable ids of the form <group>/<number>", () => {
    const emails = corpusEmails();
    expect(new Set(emails.map((e) => e.id)).size).to.equal(emails.length);
    for (const e of emails) expect(e.id).to.match(/^(easy-ham-1|easy-ham-2|hard-ham-1|spam-1|spam-2)\/\d{5}$/);
    expect(emails[0]?.id).to.equal("easy-ham-1/00001");
    expect(emails.at(-1)?.id).to.equal("spam-2/01400");
  });

  it("labels the spam-* groups spam and the others ham", () => {
    for (const e of corpusEmails()) expect(e.label).to.equal(e.group.startsWith("spam-") ? "spam" : "ham");
    expect(labelOfGroup("hard-ham-1")).to.equal("ham");
    expect(labelOfGroup("spam-2")).to.equal("spam");
  });

  it("returns the exact stored bytes: each file's MD5 matches its name (one known upstream exception)", () => {
    const mismatches = corpusEmails()
      .filter((e) => !e.file.includes(`.${createHash("md5").update(e.bytes).digest("hex")}.`))
      .map((e) => e.id);
    expect(mismatches).to.deep.equal(["hard-ham-1/00230"]);
    const e = corpusEmails()[6]!;
    expect(Buffer.from(e.bytes).equals(readFileSync(path.join(spamAssassinDataDir(), e.file)))).to.equal(true);
  });

  it("keeps messages that are not valid UTF-8 byte-exact (no replacement characters)", () => {
    const invalid = corpusEmails().filter((e) => {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(e.bytes);
        return false;
      } catch {
        return true;
      }
    });
    expect(invalid.length).to.equal(500);
  });

  it("has 6,046 distinct sample hashes (no duplicate emails)", () => {
    const hashes = new Set(corpusEmails().map((e) => createHash("sha256").update(e.bytes).digest("hex")));
    expect(hashes.size).to.equal(6046);
  });

  it("is deterministic: a second load gives the same ids and bytes in the same order", () => {
    const again = loadSpamAssassin({ groups: ["spam-1"] });
    const first = corpusEmails().filter((e) => e.group === "spam-1");
    expect(again.map((e) => e.id)).to.deep.equal(first.map((e) => e.id));
    expect(again.every((e, i) => Buffer.from(e.bytes).equals(Buffer.from(first[i]!.bytes)))).to.equal(true);
  });

  it("filters by group and honours limit", () => {
    expect(loadSpamAssassin({ groups: ["hard-ham-1"] })).to.have.length(250);
    const few = loadSpamAssassin({ limit: 3 });
    expect(few.map((e) => e.id)).to.deep.equal(["easy-ham-1/00001", "easy-ham-1/00002", "easy-ham-1/00003"]);
    expect(loadSpamAssassin({ limit: 0 })).to.deep.equal([]);
  });

  it("rejects an unknown group, a negative limit and a wrong data folder with explanations", () => {
    expect(() => loadSpamAssassin({ groups: ["spam-3" as never] })).to.throw(/Unknown SpamAssassin group "spam-3".*easy-ham-1/);
    expect(() => loadSpamAssassin({ limit: -1 })).to.throw(/limit must be a non-negative number/);
    expect(() => loadSpamAssassin({ dataDir: "/nonexistent-datatrace" })).to.throw(/Cannot read the corpus file list/);
  });
});
