/**
 * A bounded, seeded fuzz run against the local server (`ipfs serve`'s core):
 * a few thousand random and malformed requests to every endpoint from a
 * loopback client, several at a time — gateway reads with junk CIDs, paths,
 * formats and headers; uploads with valid, mutated, truncated and garbage
 * multipart bodies and CARs; account API calls; unknown methods and paths;
 * foreign Host headers; raw bytes that are not HTTP. Checked: the server
 * keeps answering, every answer is 2xx or 4xx (501 only for content this
 * server cannot render), a valid upload gets the CID an independent import
 * of the same files gives, and at the end the store is consistent (every
 * block file hashes to its name, every recorded root is complete, no spool
 * is left). Replay a run with FUZZ_SEED=<seed>; size it with
 * DATATRACE_FUZZ_REQUESTS (default 3000).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { connect } from "node:net";
import path from "node:path";

import { expect } from "chai";

import { parseCid } from "../../src/storage/cid.js";
import { importBytes, importPath } from "../../src/storage/import-path.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { startIpfsServer, type RunningIpfsServer } from "../../src/storage/server.js";
import { verifyBlock } from "../../src/storage/verify-block.js";
import { Random } from "../fixtures/seeded-random.js";
import { removeTempDirs, tempDir } from "./storage-fixtures.js";

const KEY = "fuzz-key";
const REQUESTS = Number(process.env.DATATRACE_FUZZ_REQUESTS ?? 3000);
const CONCURRENCY = 8;
/** "hello\n": a valid CID never stored here. */
const ABSENT = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";

interface FuzzRequest {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Uint8Array | undefined;
  /** For a well-formed upload: computes the CID an independent import of the same content gives. */
  readonly expectedCid?: (() => Promise<string>) | undefined;
}

interface Answer {
  readonly status: number;
  readonly body: Buffer;
}

/** Sends one request over `agent`; resolves with the answer, or `undefined` if the server closed the connection without one. */
function send(base: URL, agent: Agent, r: FuzzRequest): Promise<Answer | undefined> {
  return new Promise((resolve) => {
    // Node's client sends only escaped request targets (raw bytes go through sendRaw).
    const target = r.path.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
    const req = request({ host: base.hostname, port: base.port, method: r.method, path: target, headers: r.headers, agent, setHost: r.headers.Host === undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", () => resolve(undefined));
    });
    req.on("error", () => resolve(undefined));
    req.end(r.body === undefined ? undefined : Buffer.from(r.body));
  });
}

/** Bytes that are not HTTP, sent on a raw socket: the server must answer 400 or close, and go on. */
function sendRaw(base: URL, bytes: Uint8Array): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(Number(base.port), base.hostname);
    let got = "";
    socket.on("data", (d: Buffer) => (got += d.toString("latin1")));
    socket.on("error", () => resolve(got));
    socket.on("close", () => resolve(got));
    socket.end(Buffer.from(bytes));
  });
}

/** A random file or directory name: ASCII, Unicode, spaces, dots (never empty, never `.`/`..`). */
function randomName(rng: Random): string {
  const alphabet = ["a", "b", "z", "0", "9", "-", "_", ".", " ", "é", "数", "😀", "A"];
  let name = "";
  for (let i = 1 + rng.int(12); i > 0; i--) name += rng.pick(alphabet);
  return name === "." || name === ".." ? "x" : name;
}

/** A random token usable in a header value (visible ASCII). */
function asciiToken(rng: Random): string {
  let token = "";
  for (let i = 1 + rng.int(20); i > 0; i--) token += String.fromCharCode(0x21 + rng.int(0x5e));
  return token;
}

/** A random directory tree (relative path → bytes), at least one file, no name both file and directory. */
function randomTree(rng: Random): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const dirs = ["", ...Array.from({ length: rng.int(3) }, () => randomName(rng))];
  for (let i = 1 + rng.int(4); i > 0; i--) {
    const dir = rng.pick(dirs);
    const name = `${dir === "" ? "" : `${dir}/`}${randomName(rng)}`;
    if (dirs.includes(name) || Object.keys(files).some((f) => f.startsWith(`${name}/`) || name.startsWith(`${f}/`))) continue;
    files[name] = rng.bytes(rng.chance(0.05) ? 262_144 + rng.int(50_000) : rng.int(3000));
  }
  if (Object.keys(files).length === 0) files[randomName(rng)] = rng.bytes(10);
  return files;
}

function encodePart(boundary: string, filename: string, body: Uint8Array): Buffer {
  const header = rng0.chance(0.5)
    ? `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename.replace(/"/g, "%22")}"\r\nContent-Type: application/octet-stream\r\n\r\n`
    : `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(filename)}\r\n\r\n`;
  return Buffer.concat([Buffer.from(header, "utf8"), Buffer.from(body), Buffer.from("\r\n")]);
}
let rng0 = Random.fixed("server fuzz: multipart headers");

/** A multipart body of the given files (the Lighthouse SDK's shape: one part per file, path in the file name). */
function multipartBody(boundary: string, files: Record<string, Uint8Array>): Buffer {
  return Buffer.concat([...Object.entries(files).map(([name, bytes]) => encodePart(boundary, name, bytes)), Buffer.from(`--${boundary}--\r\n`)]);
}

/** A damaged copy of `bytes`: truncated, bit-flipped, with garbage inserted, or a slice repeated. */
function mutate(rng: Random, bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  switch (rng.int(5)) {
    case 0:
      return copy.subarray(0, rng.int(copy.length + 1));
    case 1:
      for (let i = 1 + rng.int(8); i > 0 && copy.length > 0; i--) {
        const at = rng.int(copy.length);
        copy[at] = copy[at]! ^ (1 << rng.int(8));
      }
      return copy;
    case 2: {
      const at = rng.int(copy.length + 1);
      return Buffer.concat([copy.subarray(0, at), Buffer.from(rng.bytes(1 + rng.int(64))), copy.subarray(at)]);
    }
    case 3: {
      const at = rng.int(copy.length + 1);
      const len = rng.int(Math.min(200, copy.length - at) + 1);
      return Buffer.concat([copy.subarray(0, at + len), copy.subarray(at, at + len), copy.subarray(at + len)]);
    }
    default:
      return Buffer.from(rng.bytes(rng.int(400)));
  }
}

describe("storage: the local server under a seeded fuzz run", function () {
  this.timeout(600_000);
  let store: LocalStore;
  let server: RunningIpfsServer;
  let base: URL;
  let known: string[];
  let work: string;
  let carFiles: Buffer[];

  before(async () => {
    work = tempDir();
    store = new LocalStore({ dir: path.join(work, "served") });
    const enc = new TextEncoder();
    const site = path.join(work, "site");
    mkdirSync(path.join(site, "sub"), { recursive: true });
    writeFileSync(path.join(site, "index.html"), "<script>alert(1)</script>");
    writeFileSync(path.join(site, "sub", "data.bin"), Buffer.alloc(600_000, 7));
    known = [(await store.put(site)).cid, (await store.putBytes(enc.encode("a stored file"), "f.txt")).cid];
    // Some CARs to upload, valid and (later) mutated.
    const carStore = new LocalStore({ dir: path.join(work, "car-source") });
    carFiles = [];
    for (let i = 0; i < 3; i++) {
      const { cid } = await carStore.putBytes(new Uint8Array(Buffer.alloc(1000 + i * 150_000, i + 1)), `c${i}.bin`);
      const file = path.join(work, `c${i}.car`);
      await carStore.exportCar(cid, file);
      carFiles.push(readFileSync(file));
    }
    server = await startIpfsServer({ store, port: 0, apiKeys: [KEY] });
    base = new URL(server.url);
  });
  after(async () => {
    await server?.close();
    removeTempDirs();
  });

  /** The next request of the run. */
  function nextRequest(rng: Random, n: number): FuzzRequest | { raw: Uint8Array; label: string } {
    const auth: Record<string, string> = rng.chance(0.9) ? { Authorization: `Bearer ${rng.chance(0.9) ? KEY : asciiToken(rng)}` } : {};
    const host: Record<string, string> = rng.chance(0.05) ? { Host: rng.pick(["evil.example", "127.0.0.1.nip.io:80", "localhost:1", "[::1]", "a%b", "x"]) } : {};
    const kind = rng.int(100);
    if (kind < 3) return { label: "raw bytes", raw: rng.chance(0.5) ? rng.bytes(rng.int(300)) : Buffer.from(`${randomName(rng)} /${randomName(rng)} HTTP/9.9\r\n${randomName(rng)}\r\n\r\n`) };
    if (kind < 40) {
      // Gateway reads.
      const cid = rng.pick([...known, ...known, ABSENT, "not-a-cid", "bafy", `b${randomName(rng)}`, "%ZZ", encodeURIComponent(randomName(rng)), "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"]);
      const sub = rng.pick(["", "", "/index.html", "/sub", "/sub/data.bin", "/nope", "/..", "/%2e%2e/x", `/${encodeURIComponent(randomName(rng))}`, "/sub/data.bin/deeper", "/%"]);
      const query = rng.pick(["", "", "?format=raw", "?format=car", "?format=car&dag-scope=all", "?format=xyz", "?format=", "?" + randomName(rng)]);
      const accept: Record<string, string> = rng.chance(0.3) ? { Accept: rng.pick(["application/vnd.ipld.raw", "application/vnd.ipld.car", "*/*", asciiToken(rng)]) } : {};
      return { label: "gateway", method: rng.pick(["GET", "GET", "HEAD"]), path: `/ipfs/${cid}${sub}${query}`, headers: { ...accept, ...host } };
    }
    if (kind < 55) {
      // add: a well-formed upload (checked against an independent import) or a damaged one.
      const files = randomTree(rng);
      const boundary = `----fuzz${n}${rng.int(1e9)}`;
      const body = multipartBody(boundary, files);
      const tops = new Set(Object.keys(files).map((f) => f.split("/")[0]));
      const damaged = rng.chance(0.5);
      const contentType = rng.chance(0.95) ? `multipart/form-data; boundary=${boundary}` : rng.pick(["multipart/form-data", "text/plain", `multipart/form-data; boundary="${boundary}x"`]);
      let expectedCid: (() => Promise<string>) | undefined;
      if (!damaged && tops.size === 1 && contentType.endsWith(boundary) && Object.keys(host).length === 0 && auth.Authorization === `Bearer ${KEY}`) {
        const names = Object.keys(files);
        expectedCid =
          names.length === 1 && !names[0]!.includes("/")
            ? () => importBytes(files[names[0]!]!).then((r) => r.cid.toString())
            : async () => {
                const dir = path.join(work, `expected-${n}`);
                for (const [name, bytes] of Object.entries(files)) {
                  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
                  writeFileSync(path.join(dir, name), bytes);
                }
                const cid = (await importPath(path.join(dir, [...tops][0]!), { includeHidden: true })).cid.toString();
                rmSync(dir, { recursive: true, force: true });
                return cid;
              };
      }
      return { label: damaged ? "add (damaged)" : "add", method: "POST", path: "/api/v0/add", headers: { ...auth, ...host, "Content-Type": contentType }, body: damaged ? mutate(rng, body) : body, expectedCid };
    }
    if (kind < 68) {
      // dag/import: a CAR, intact or damaged, in a multipart body (or not).
      const car = rng.pick(carFiles);
      const boundary = `car${n}`;
      const carBytes = rng.chance(0.4) ? car : mutate(rng, car);
      const body = multipartBody(boundary, { [`${randomName(rng)}.car`]: carBytes });
      return { label: "dag/import", method: "POST", path: "/api/v0/dag/import", headers: { ...auth, ...host, "Content-Type": `multipart/form-data; boundary=${boundary}` }, body: rng.chance(0.8) ? body : mutate(rng, body) };
    }
    if (kind < 82) {
      const cid = rng.pick([...known, ABSENT, "", "junk", "%00"]);
      const route = rng.pick([`/api/lighthouse/deal_status?cid=${cid}`, `/api/lighthouse/file_info?cid=${cid}`, "/api/user/files_uploaded", "/api/lighthouse/file_info", "/api/v0/add"]);
      return { label: "account API", method: rng.pick(["GET", "GET", "POST", "HEAD"]), path: route, headers: { ...auth, ...host } };
    }
    // Anything else: other methods, unknown paths, preflights.
    const method = rng.pick(["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "POST", "TRACE", "FOO"]);
    const target = rng.pick(["/", "/api/", "/api/v0/", "/ipfs/", "/ipfs", `/${encodeURIComponent(randomName(rng))}`, "//x", "/api/v0/add/extra", "/?x=%ZZ", `/${"a".repeat(2000)}`]);
    return { label: "other", method, path: target, headers: { ...host }, body: rng.chance(0.3) ? rng.bytes(rng.int(500)) : undefined };
  }

  it(`answers ${REQUESTS} random and malformed requests with 2xx/4xx, never stops, and keeps the store consistent`, async () => {
    const rng = new Random("server fuzz");
    rng0 = new Random("server fuzz: multipart headers");
    console.log(`      (seed ${rng.seed})`);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const uploads: { cid: string; label: string }[] = [];
    let checkedCids = 0;
    const requests = Array.from({ length: REQUESTS }, (_, n) => nextRequest(rng, n));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const n = next++;
        const r = requests[n]!;
        if ("raw" in r) {
          const answer = await sendRaw(base, r.raw);
          if (answer !== "" && !/^HTTP\/1\.[01] [24]\d\d /.test(answer)) failures.push(`#${n} raw bytes: answered ${JSON.stringify(answer.slice(0, 80))}`);
          continue;
        }
        const answer = await send(base, agent, r);
        if (answer === undefined) {
          failures.push(`#${n} ${r.label} ${r.method} ${r.path.slice(0, 100)}: no answer (connection closed)`);
          continue;
        }
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const ok = (answer.status >= 200 && answer.status < 300) || (answer.status >= 400 && answer.status < 500) || answer.status === 501;
        if (!ok) failures.push(`#${n} ${r.label} ${r.method} ${r.path.slice(0, 100)}: ${answer.status} ${answer.body.toString("utf8").slice(0, 200)}`);
        if (answer.status === 200 && r.method === "POST" && r.path.startsWith("/api/v0/")) {
          const hash = (JSON.parse(answer.body.toString("utf8")) as { Hash: string }).Hash;
          uploads.push({ cid: hash, label: `#${n} ${r.label}` });
          if (r.expectedCid !== undefined) {
            const expected = await r.expectedCid();
            checkedCids++;
            if (hash !== expected) failures.push(`#${n} ${r.label}: CID ${hash}, an independent import gives ${expected}`);
          }
        } else if (r.expectedCid !== undefined) {
          failures.push(`#${n} ${r.label}: a well-formed upload was refused: ${answer.status} ${answer.body.toString("utf8").slice(0, 200)}`);
        }
        if (n % 250 === 0 && (await send(base, agent, { label: "probe", method: "GET", path: "/", headers: {} }))?.status !== 200) {
          failures.push(`#${n}: the server stopped answering`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();
    console.log(`      statuses: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s}×${c}`).join(", ")}; ${uploads.length} uploads stored, ${checkedCids} checked against an independent import`);
    expect(failures.slice(0, 20), `${failures.length} failures`).to.deep.equal([]);
    expect(statuses.get(200) ?? 0).to.be.greaterThan(REQUESTS / 20); // the run reached real content, not only errors
    expect(checkedCids).to.be.greaterThan(REQUESTS / 100);

    // The store is consistent: every block file hashes to its name, every root is complete, no spool is left.
    expect(readdirSync(store.tmpDir)).to.deep.equal([]);
    let blocks = 0;
    for (const fanout of readdirSync(store.dir).filter((d) => !d.startsWith("_"))) {
      for (const name of readdirSync(path.join(store.dir, fanout))) {
        await verifyBlock(parseCid(name), readFileSync(path.join(store.dir, fanout, name)), `block file ${fanout}/${name}`);
        blocks++;
      }
    }
    const roots = await store.listRoots();
    for (const root of roots) expect(await store.has(root.cid), `root ${root.cid} (${root.name}) is incomplete`).to.equal(true);
    for (const u of uploads) expect(await store.has(u.cid), `${u.label}: ${u.cid} answered but not complete in the store`).to.equal(true);
    expect(blocks).to.be.greaterThan(0);
    expect((await fetch(`${server.url}/`)).status).to.equal(200);
  });
});
