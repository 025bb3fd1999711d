/**
 * Measures the page's file hashing in headless Chromium on real files
 * picked through an <input type=file>: throughput of the one-shot WebCrypto
 * path and of the sliced hash-wasm path (web/src/sample-hash.ts), each on
 * the main thread and in the Web Worker the page uses
 * (web/src/hash-file-off-thread.ts), and the longest the main thread stayed
 * blocked meanwhile (the largest gap between ticks of a 10 ms interval
 * timer: what a user would feel as a freeze).
 *
 *   npx tsx web/bench/hash-in-browser.bench.ts [sizeMiB ...]   (default: 16 64 256 1024)
 *
 * The files are written under os.tmpdir() and removed afterwards. Loopback
 * only: an empty page from a 127.0.0.1 server (a secure context, as
 * WebCrypto requires) plus the bundled module.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const mib = sizes.length > 0 ? sizes : [16, 64, 256, 1024];
const MiB = 1024 * 1024;

const src = path.join(here, "..", "src");
const bundle = await build({
  stdin: { contents: 'export { hashBlob } from "./sample-hash.ts"; export { hashFileOffThread } from "./hash-file-off-thread.ts";', resolveDir: src, loader: "ts" },
  bundle: true,
  write: false,
  format: "iife",
  globalName: "SampleHash",
  platform: "browser",
  logLevel: "silent",
});
const worker = await build({ entryPoints: [path.join(src, "hash-worker.ts")], bundle: true, write: false, format: "iife", platform: "browser", logLevel: "silent" });
const dir = mkdtempSync(path.join(os.tmpdir(), "datatrace-web-hash-bench-"));
const server = createServer((req, res) => {
  if (req.url === "/hash-worker.js") res.writeHead(200, { "Content-Type": "text/javascript" }).end(worker.outputFiles[0]!.text);
  else res.writeHead(200, { "Content-Type": "text/html" }).end('<!doctype html><title>bench</title><input type="file" id="f">');
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  console.log("size (MiB) | path      | thread | time (s) | MB/s | longest main-thread block (ms) | digest ok");
  for (const size of mib) {
    const file = path.join(dir, `sample-${size}.bin`);
    const chunk = Buffer.alloc(16 * MiB);
    for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 2654435761) >>> 0, i);
    const expected = createHash("sha256");
    writeFileSync(file, "");
    for (let at = 0; at < size * MiB; at += chunk.length) {
      const part = chunk.subarray(0, Math.min(chunk.length, size * MiB - at));
      writeFileSync(file, part, { flag: "a" });
      expected.update(part);
    }
    const want = expected.digest("hex");
    await page.setInputFiles("#f", file);
    const modes = size <= 256 ? ["WebCrypto", "sliced"] : ["sliced"];
    for (const [mode, thread] of modes.flatMap((m) => [[m, "main"], [m, "worker"]] as const)) {
      const result = (await page.evaluate(`(async () => {
        const blob = document.getElementById("f").files[0];
        let last = performance.now(), worst = 0;
        const timer = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; }, 10);
        await new Promise((r) => setTimeout(r, 50));
        const started = performance.now();
        const options = { streamAbove: ${mode === "sliced" ? 0 : 256 * MiB} };
        const digest = ${thread === "main" ? "await SampleHash.hashBlob(blob, options)" : "await SampleHash.hashFileOffThread(blob, options)"};
        const elapsed = performance.now() - started;
        const now = performance.now(); worst = Math.max(worst, now - last);
        clearInterval(timer);
        return { elapsed, worst, hex: [...digest].map((b) => b.toString(16).padStart(2, "0")).join("") };
      })()`)) as { elapsed: number; worst: number; hex: string };
      console.log(
        `${String(size).padStart(10)} | ${mode.padEnd(9)} | ${thread.padEnd(6)} | ${(result.elapsed / 1000).toFixed(2).padStart(8)} | ${((size * MiB) / 1e6 / (result.elapsed / 1000)).toFixed(0).padStart(4)} | ${result.worst.toFixed(0).padStart(29)} | ${result.hex === want}`,
      );
    }
    rmSync(file);
  }
} finally {
  await browser.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
