/**
 * The architecture rules of eslint.config.js (docs/architecture.md) bite:
 * ESLint's Node API lints small sources placed in the real tree (lintText
 * with a file path, nothing written) and must report each kind of violation
 * — a deep import past a module's index, an import against the layer
 * direction, the core importing a shell or Hardhat, the page importing a
 * Node-only index — while the same code through the allowed entry point is
 * clean. Import cycles are checked on two real files in a throw-away copy of
 * the layout (the config file itself, node_modules linked), since a cycle
 * needs both files on disk.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";
import { ESLint } from "eslint";

import { ROOT } from "../e2e/helpers.js";

/** Rule ids and messages ESLint reports for `code` as if it were the file at `file` (relative to the repository). */
async function lint(code: string, file: string, cwd = ROOT): Promise<Array<{ ruleId: string | null; message: string }>> {
  const eslint = new ESLint({ cwd });
  const [result] = await eslint.lintText(code, { filePath: path.join(cwd, file) });
  if (result === undefined) throw new Error("ESLint returned no result");
  return result.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

describe("architecture lint (eslint.config.js)", function () {
  this.timeout(120_000);

  it("reports a deep import into another module and accepts the same name through its index", async () => {
    const deep = await lint('import { LocalStore } from "../storage/local-store.js";\nexport const s = LocalStore;\n', "src/workflow/lint-fixture.ts");
    expect(deep).to.have.lengthOf(1);
    expect(deep[0]?.ruleId).to.equal("import-x/no-restricted-paths");
    expect(deep[0]?.message).to.contain("src/storage/index.ts");

    const viaIndex = await lint('import { LocalStore } from "../storage/index.js";\nexport const s = LocalStore;\n', "src/workflow/lint-fixture.ts");
    expect(viaIndex).to.deep.equal([]);
  });

  it("reports a deep import from a task", async () => {
    const messages = await lint('import { readDataset } from "../../src/chain/dataset-records.js";\nexport const r = readDataset;\n', "tasks/dataset/lint-fixture.ts");
    expect(messages.map((m) => m.ruleId)).to.deep.equal(["import-x/no-restricted-paths"]);
  });

  it("keeps relative imports inside a module direct", async () => {
    expect(await lint('import { LocalStore } from "./local-store.js";\nexport const s = LocalStore;\n', "src/storage/lint-fixture.ts")).to.deep.equal([]);
  });

  it("reports an import against the layer direction (storage importing workflow)", async () => {
    const messages = await lint('import { runDemo } from "../workflow/index.js";\nexport const d = runDemo;\n', "src/storage/lint-fixture.ts");
    expect(messages.map((m) => m.ruleId)).to.deep.equal(["import-x/no-restricted-paths"]);
    expect(messages[0]?.message).to.contain("Layer direction: src/storage may import only");
  });

  it("reports the core importing tasks/ and Hardhat", async () => {
    const shell = await lint('import "../../tasks/index.js";\n', "src/hash/lint-fixture.ts");
    expect(shell.map((m) => m.ruleId)).to.include("import-x/no-restricted-paths");
    expect(shell.map((m) => m.message).join("\n")).to.contain("never imports tasks/");

    const hardhat = await lint('import hre from "hardhat";\nexport const h = hre;\n', "src/chain/lint-fixture.ts");
    expect(hardhat.map((m) => m.ruleId)).to.deep.equal(["no-restricted-imports"]);
  });

  it("reports the page importing a Node-only index where a browser entry exists", async () => {
    const node = await lint('import { GatewayStore } from "../../src/storage/index.js";\nexport const g = GatewayStore;\n', "web/src/lint-fixture.ts");
    expect(node.map((m) => m.ruleId)).to.deep.equal(["import-x/no-restricted-paths"]);
    expect(node[0]?.message).to.contain("src/storage/browser.ts");

    expect(await lint('import { GatewayStore } from "../../src/storage/browser.js";\nexport const g = GatewayStore;\n', "web/src/lint-fixture.ts")).to.deep.equal([]);
  });

  it("lets every module import the errors module's entry, and refuses a deep import of another module's error file", async () => {
    expect(await lint('import { UserError } from "../errors/index.js";\nexport const e = UserError;\n', "src/hash/lint-fixture.ts")).to.deep.equal([]);
    const deep = await lint('import { StorageError } from "../storage/errors.js";\nexport const e = StorageError;\n', "src/workflow/lint-fixture.ts");
    expect(deep.map((m) => m.ruleId)).to.deep.equal(["import-x/no-restricted-paths"]);
    expect(deep[0]?.message).to.contain("src/storage/index.ts");
  });

  describe("on a throw-away copy of the layout", () => {
    let dir = "";
    before(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "datatrace-lint-"));
      await copyFile(path.join(ROOT, "eslint.config.js"), path.join(dir, "eslint.config.js"));
      await copyFile(path.join(ROOT, "tsconfig.json"), path.join(dir, "tsconfig.json"));
      await writeFile(path.join(dir, "package.json"), '{ "type": "module" }\n');
      await symlink(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
      await mkdir(path.join(dir, "web"), { recursive: true });
      await writeFile(path.join(dir, "web", "tsconfig.json"), '{ "extends": "../tsconfig.json", "include": ["src"] }\n');
      await mkdir(path.join(dir, "src", "hash"), { recursive: true });
      await writeFile(path.join(dir, "src", "hash", "a.ts"), 'import { b } from "./b.js";\nexport const a = (): number => b() + 1;\n');
      await writeFile(path.join(dir, "src", "hash", "b.ts"), 'import { a } from "./a.js";\nexport const b = (): number => a() - 1;\n');
      await writeFile(path.join(dir, "src", "hash", "index.ts"), 'export { a } from "./a.js";\n');
    });
    after(async () => {
      if (dir !== "") await rm(dir, { recursive: true, force: true });
    });

    it("reports an import cycle", async () => {
      const eslint = new ESLint({ cwd: dir });
      const results = await eslint.lintFiles(["src/hash/a.ts"]);
      const messages = results.flatMap((r) => r.messages.map(({ ruleId, message }) => ({ ruleId, message })));
      expect(messages).to.deep.equal([{ ruleId: "import-x/no-cycle", message: "Dependency cycle detected" }]);
    });

    it("reports a type-only import cycle with the madge command of `npm run lint` (ESLint's no-cycle skips type imports)", async () => {
      await mkdir(path.join(dir, "src", "storage"), { recursive: true });
      await writeFile(path.join(dir, "src", "storage", "store.ts"), 'import type { Entry } from "./reader.js";\nexport interface Content { entries: Entry[] }\n');
      await writeFile(path.join(dir, "src", "storage", "reader.ts"), 'import type { Content } from "./store.js";\nexport interface Entry { name: string }\nexport type Read = () => Content;\n');
      const scripts = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
      const madge = /madge [^&]*/.exec(scripts["lint"] ?? "")?.[0].trim().split(/\s+/);
      expect(madge, "npm run lint runs madge").to.not.equal(undefined);
      const args = (madge ?? []).slice(1).filter((arg) => !["tasks", "web", "bench", "scripts"].includes(arg));
      const run = promisify(execFile)(path.join(ROOT, "node_modules", ".bin", "madge"), args, { cwd: dir });
      const failure = await run.then(() => undefined, (error: unknown) => error as { code?: number; stdout?: string });
      expect(failure?.code).to.equal(1);
      expect(failure?.stdout).to.match(/reader\.ts > storage\/store\.ts|store\.ts > storage\/reader\.ts/);
      await rm(path.join(dir, "src", "storage"), { recursive: true });
    });

    it("refuses a module folder missing from the layer table", async () => {
      await mkdir(path.join(dir, "src", "unlisted"), { recursive: true });
      // A copy under another name: ESLint would reuse the already imported eslint.config.js.
      const fresh = path.join(dir, "eslint-unlisted.config.js");
      await copyFile(path.join(ROOT, "eslint.config.js"), fresh);
      try {
        const eslint = new ESLint({ cwd: dir, overrideConfigFile: fresh });
        let failure: unknown;
        await eslint.lintFiles(["src/hash/index.ts"]).catch((error: unknown) => {
          failure = error;
        });
        expect(String(failure)).to.contain("src/unlisted missing from LAYERS");
      } finally {
        await rm(path.join(dir, "src", "unlisted"), { recursive: true });
        await rm(fresh);
      }
    });
  });
});
