/**
 * What `bash scripts/install.sh` relies on to leave `git status` clean and
 * print no install-script warning, checked on the committed files (the
 * install itself, a fresh clone with `npm ci` under Node 22, takes minutes
 * and the registry, so it is not rerun here): the script uses `npm ci`,
 * which never rewrites the lock; the lock is in sync with package.json (or
 * `npm ci` refuses it); it lists the EDR binary of every platform EDR names
 * (the old reason for `npm install`); and every dependency with an install
 * script is reviewed in `allowScripts`.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { ROOT } from "../e2e/helpers.js";

interface LockPackage {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  hasInstallScript?: boolean;
}

const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockPackage> };
const script = readFileSync(path.join(ROOT, "scripts", "install.sh"), "utf8");

describe("install: scripts/install.sh and the lock file", () => {
  it("installs with `npm ci` under Node 22, which never rewrites package-lock.json", () => {
    const commands = script.split("\n").filter((l) => /^\s*[^#\s]/.test(l) && /\bnpm (ci|install|i)\b/.test(l));
    expect(commands).to.deep.equal(["npx -y -p node@22 -- npm ci --no-audit --no-fund"]);
  });

  it("has a lock in sync with package.json (npm ci refuses one that is not)", () => {
    const root = lock.packages[""]!;
    expect(root.dependencies ?? {}).to.deep.equal(pkg.dependencies);
    expect(root.devDependencies ?? {}).to.deep.equal(pkg.devDependencies);
  });

  it("lists the EDR binary of every platform @nomicfoundation/edr names", () => {
    const edr = lock.packages["node_modules/@nomicfoundation/edr"]!;
    const platforms = Object.keys(edr.optionalDependencies ?? {});
    expect(platforms.length).to.be.greaterThan(3);
    for (const name of platforms) expect(lock.packages[`node_modules/${name}`]?.version, name).to.equal(edr.optionalDependencies![name]);
  });

  it("reviews every dependency's install script in allowScripts (no 'not yet covered by allowScripts' warning)", () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript === true)
      .map(([key]) => key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length));
    expect(withScripts).to.include.members(["esbuild", "keccak", "node"]);
    const allowed = pkg.allowScripts ?? {};
    const unreviewed = withScripts.filter((name) => !Object.keys(allowed).some((key) => key === name || key.startsWith(`${name}@`)));
    expect(unreviewed).to.deep.equal([]);
  });
});
