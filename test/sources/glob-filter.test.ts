import { expect } from "chai";

import { compileGlob, PathFilter, splitPatternList } from "../../src/sources/glob-filter.js";

describe("glob-filter", () => {
  const m = (pattern: string, p: string): boolean => compileGlob(pattern).test(p);

  it("matches * within one path segment only", () => {
    expect(m("*.png", "a.png")).to.equal(true);
    expect(m("*.png", "a/b.png")).to.equal(false);
    expect(m("a/*.png", "a/b.png")).to.equal(true);
  });

  it("matches ** across any number of segments, zero included", () => {
    expect(m("a/**/b", "a/b")).to.equal(true);
    expect(m("a/**/b", "a/x/y/b")).to.equal(true);
    expect(m("**/*.txt", "x.txt")).to.equal(true);
    expect(m("**/*.txt", "d/e/x.txt")).to.equal(true);
    expect(m("src/**", "src/a/b")).to.equal(true);
    expect(m("src/**", "srcx/a")).to.equal(false);
  });

  it("matches the directory itself with a trailing /** (src/** matches src)", () => {
    expect(m("src/**", "src")).to.equal(true);
    const f = new PathFilter([], ["build/**"]);
    expect(f.entersDirectory("build")).to.equal(false);
    expect(f.entersDirectory("builds")).to.equal(true);
  });

  it("treats a backslash as an escape: \\* is a literal star, \\[ a literal bracket", () => {
    expect(m("a\\*b", "a*b")).to.equal(true);
    expect(m("a\\*b", "axb")).to.equal(false);
    expect(m("\\[x\\].txt", "[x].txt")).to.equal(true);
    expect(m("\\[x\\].txt", "x.txt")).to.equal(false);
    expect(splitPatternList("a\\,b,c")).to.deep.equal(["a\\,b", "c"]);
  });

  it("rejects an invalid range such as [z-a] with an error naming the pattern, not a raw SyntaxError", () => {
    let error: unknown;
    try {
      compileGlob("[z-a]");
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(Error);
    expect(error).not.to.be.instanceOf(SyntaxError);
    expect((error as Error).message).to.match(/^Invalid glob pattern "\[z-a\]": .*out of order.*Fix the pattern/su);
    expect(() => new PathFilter(["*.png", "[z-a]"], [])).to.throw(/Invalid glob pattern "\[z-a\]"/u);
  });

  it("never lets ? or a negated class match a slash", () => {
    expect(m("a?b", "a/b")).to.equal(false);
    expect(m("a[!x]b", "a/b")).to.equal(false);
    expect(m("a[^x]b", "ayb")).to.equal(true);
  });

  it("lets * match names starting with a dot", () => {
    expect(m("*", ".env")).to.equal(true);
    expect(m("**/*.txt", ".config/a.txt")).to.equal(true);
  });

  it("supports ?, character classes, negated classes and brace alternatives", () => {
    expect(m("file?.bin", "file1.bin")).to.equal(true);
    expect(m("file?.bin", "file10.bin")).to.equal(false);
    expect(m("[ab]*.csv", "beta.csv")).to.equal(true);
    expect(m("[!ab]*.csv", "beta.csv")).to.equal(false);
    expect(m("[!ab]*.csv", "gamma.csv")).to.equal(true);
    expect(m("*.{png,jpg}", "x.jpg")).to.equal(true);
    expect(m("*.{png,jpg}", "x.gif")).to.equal(false);
    expect(m("{a,b/{c,d}}.txt", "b/d.txt")).to.equal(true);
  });

  it("treats regular-expression characters literally", () => {
    expect(m("a+b(1).txt", "a+b(1).txt")).to.equal(true);
    expect(m("a.txt", "abtxt")).to.equal(false);
    expect(m("x$^|y", "x$^|y")).to.equal(true);
    expect(m("a+b(1).txt", "a+b1.txt")).to.equal(false);
    expect(m("a(b|c)d", "a(b|c)d")).to.equal(true);
    expect(m("a(b|c)d", "abd")).to.equal(false);
    expect(m("!a", "!a")).to.equal(true);
    expect(m("!a", "b")).to.equal(false);
  });

  it("is case-sensitive", () => {
    expect(m("*.png", "A.PNG")).to.equal(false);
  });

  it("rejects an empty pattern with a hint", () => {
    expect(() => compileGlob("")).to.throw(/Empty glob pattern/);
  });

  it("splits comma-separated lists but keeps commas inside braces", () => {
    expect(splitPatternList("*.png, *.{jpg,jpeg} ,,")).to.deep.equal(["*.png", "*.{jpg,jpeg}"]);
    expect(splitPatternList("")).to.deep.equal([]);
  });

  it("matches patterns without a slash against the base name at any depth", () => {
    const f = new PathFilter(["*.png"], []);
    expect(f.acceptsFile("a/b/c.png")).to.equal(true);
    expect(f.acceptsFile("a/b/c.jpg")).to.equal(false);
  });

  it("applies excludes after includes and prunes excluded directories", () => {
    const f = new PathFilter(["**/*.txt"], ["tmp", "keep/secret.txt"]);
    expect(f.acceptsFile("keep/a.txt")).to.equal(true);
    expect(f.acceptsFile("keep/secret.txt")).to.equal(false);
    expect(f.entersDirectory("tmp")).to.equal(false);
    expect(f.entersDirectory("a/tmp")).to.equal(false);
    expect(f.entersDirectory("keep")).to.equal(true);
  });

  it("acceptsPath (tar members) applies directory excludes to every directory above the file", () => {
    const f = new PathFilter(["*.jpg"], ["tmp", "a/b"]);
    expect(f.acceptsPath("x/1.jpg")).to.equal(true);
    expect(f.acceptsPath("x/tmp/1.jpg")).to.equal(false);
    expect(f.acceptsPath("a/b/c/1.jpg")).to.equal(false);
    expect(f.acceptsPath("a/bc/1.jpg")).to.equal(true);
    expect(f.acceptsPath("x/1.txt")).to.equal(false);
  });

  it("accepts everything when no pattern is given", () => {
    const f = new PathFilter([], []);
    expect(f.acceptsFile("x")).to.equal(true);
    expect(f.entersDirectory("y")).to.equal(true);
  });
});
