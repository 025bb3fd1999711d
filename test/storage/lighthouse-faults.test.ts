import { existsSync, readdirSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

import { expect } from "chai";

import { StorageError } from "../../src/storage/errors.js";
import { importBytes, importPath } from "../../src/storage/import-path.js";
import { pointLighthouseAt } from "../../src/storage/lighthouse-endpoints.js";
import { LighthouseStore } from "../../src/storage/lighthouse.js";
import { LocalStore } from "../../src/storage/local-store.js";
import { manifestFiles, readBody, removeTempDirs, startLoopback, tempDir, writeTree } from "./storage-fixtures.js";

type Fault = "401" | "403" | "413" | "500" | "reset" | "slow" | "tampered" | "truncated" | "short" | "other-cid" | "not-a-cid";
type Behaviour = Fault | "honest";

const HELLO_CID = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";
/** The client's timeout where the server answers (generous: a loaded machine must not turn an answer into a timeout). */
const TIMEOUT_MS = 30_000;
/** The client's timeout against a server that never completes its answer ("slow", "truncated": the SDK waits), where any value times out; small keeps the test short. */
const SILENT_TIMEOUT_MS = 600;

/** Fault → the error code LighthouseStore must raise (the table in docs/storage.md). */
const expected: Record<Fault, { code: string; message: RegExp }> = {
  "401": { code: "LIGHTHOUSE_UNAUTHORIZED", message: /HTTP 401.*keystore set LIGHTHOUSE_API_KEY/s },
  "403": { code: "LIGHTHOUSE_UNAUTHORIZED", message: /HTTP 403/ },
  "413": { code: "LIGHTHOUSE_REJECTED", message: /HTTP 413/ },
  "500": { code: "LIGHTHOUSE_SERVER_ERROR", message: /HTTP 500.*retry later/ },
  reset: { code: "LIGHTHOUSE_NETWORK", message: /could not talk to Lighthouse/ },
  slow: { code: "LIGHTHOUSE_TIMEOUT", message: new RegExp(`within ${SILENT_TIMEOUT_MS} ms`) },
  tampered: { code: "LIGHTHOUSE_BAD_RESPONSE", message: /not the expected JSON/ },
  truncated: { code: "LIGHTHOUSE_TIMEOUT", message: /slow or truncated/ },
  short: { code: "LIGHTHOUSE_BAD_RESPONSE", message: /not the expected JSON/ },
  "other-cid": { code: "LIGHTHOUSE_CID_MISMATCH", message: new RegExp(`returned CID ${HELLO_CID} but the content's CID computed locally is baf`) },
  "not-a-cid": { code: "LIGHTHOUSE_BAD_RESPONSE", message: /not a CID/ },
};

describe("storage: Lighthouse SDK path under injected faults", function () {
  this.timeout(30_000);
  let fault: Behaviour = "honest";
  /** The answer an honest Lighthouse would give for the current upload. */
  let honestAnswer = { Name: "", Hash: "", Size: "0" };
  let server: Awaited<ReturnType<typeof startLoopback>>;
  let restore: () => void;

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (fault === "reset") {
      req.socket.destroy();
      return;
    }
    await readBody(req);
    const json = JSON.stringify(honestAnswer);
    switch (fault) {
      case "honest":
        res.writeHead(200, { "Content-Type": "application/json" }).end(json);
        return;
      case "401":
      case "403":
      case "413":
      case "500":
        res.writeHead(Number(fault), { "Content-Type": "application/json" }).end(JSON.stringify({ error: `fault ${fault}` }));
        return;
      case "slow":
        return; // never answers
      case "tampered":
        res.writeHead(200, { "Content-Type": "application/json" }).end(json.replace(/[{":]/g, "#"));
        return;
      case "truncated":
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": json.length });
        res.write(json.slice(0, json.length >> 1), () => res.destroy());
        return;
      case "short":
        res.writeHead(200, { "Content-Type": "application/json" }).end(json.slice(0, json.length >> 1));
        return;
      case "other-cid":
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ ...honestAnswer, Hash: HELLO_CID }));
        return;
      case "not-a-cid":
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ ...honestAnswer, Hash: "QmNotACid" }));
        return;
    }
  }

  before(async function () {
    server = await startLoopback((req, res) => {
      respond(req, res).catch(() => res.destroy());
    });
    restore = pointLighthouseAt(server.url);
  });

  after(async function () {
    restore?.();
    await server?.close();
    removeTempDirs();
  });

  /** The client store holds no temp file and no upload record. */
  function expectNoHalfWrittenState(local: LocalStore): void {
    expect(existsSync(local.tmpDir) ? readdirSync(local.tmpDir) : [], "temp files left behind").to.deep.equal([]);
    expect(existsSync(path.join(local.dir, "_remote")), "an upload was recorded").to.equal(false);
  }

  const uploads: { label: string; run: (store: LighthouseStore) => Promise<unknown>; answer: () => Promise<{ Name: string; Hash: string; Size: string }> }[] = [];
  const dir = () => writeTree(tempDir(), "manifest", manifestFiles());
  let manifestDir = "";
  const json = new TextEncoder().encode('{"model":"nb","accuracy":0.97}\n');
  uploads.push({
    label: "a manifest directory (uploadCAR)",
    run: (store) => store.put(manifestDir),
    answer: async () => {
      const cid = (await importPath(manifestDir)).cid.toString();
      return { Name: `${cid}.car`, Hash: cid, Size: "1" };
    },
  });
  uploads.push({
    label: "metadata JSON (upload)",
    run: (store) => store.putBytes(json, "metadata.json"),
    answer: async () => ({ Name: "metadata.json", Hash: (await importBytes(json)).cid.toString(), Size: String(json.length) }),
  });

  for (const upload of uploads) {
    describe(upload.label, function () {
      before(async function () {
        manifestDir = dir();
        honestAnswer = await upload.answer();
      });

      for (const f of Object.keys(expected) as Fault[]) {
        it(`fault "${f}" → ${expected[f].code}, nothing recorded, no temp files`, async function () {
          fault = f;
          const local = new LocalStore({ dir: path.join(tempDir(), "client") });
          const store = new LighthouseStore({ apiKey: "k", localStore: local, timeoutMs: f === "slow" || f === "truncated" ? SILENT_TIMEOUT_MS : TIMEOUT_MS });
          try {
            await upload.run(store);
            expect.fail(`fault ${f} went unnoticed`);
          } catch (error) {
            expect(error, String(error)).to.be.instanceOf(StorageError);
            expect((error as StorageError).code, (error as Error).message).to.equal(expected[f].code);
            expect((error as Error).message).to.match(expected[f].message);
            if (f === "other-cid") expect((error as Error).message).to.include(honestAnswer.Hash);
          }
          expectNoHalfWrittenState(local);
        });
      }

      it("succeeds and records the upload once the same server answers honestly", async function () {
        fault = "honest";
        const local = new LocalStore({ dir: path.join(tempDir(), "client") });
        const store = new LighthouseStore({ apiKey: "k", localStore: local, timeoutMs: TIMEOUT_MS });
        await upload.run(store);
        expect(await local.getRemote("lighthouse", honestAnswer.Hash)).to.not.equal(undefined);
        expect(existsSync(local.tmpDir) ? readdirSync(local.tmpDir) : []).to.deep.equal([]);
      });
    });
  }

  describe("a timeout aborts the SDK's own request", function () {
    /** A server that accepts requests and never answers; resolves `closed` when the client drops the connection. */
    async function silentServer(): Promise<{ url: string; requests: string[]; closed: Promise<void>; close(): Promise<void> }> {
      const requests: string[] = [];
      let onClosed: () => void = () => undefined;
      const closed = new Promise<void>((resolve) => (onClosed = resolve));
      const silent = await startLoopback((req) => {
        requests.push(`${req.method} ${req.url}`);
        req.resume(); // read the upload, answer nothing
        req.socket.once("close", onClosed);
      });
      return { url: silent.url, requests, closed, close: () => silent.close() };
    }

    const calls: { label: string; run: (store: LighthouseStore) => Promise<unknown> }[] = [
      { label: "uploadCAR (the SDK's http.request)", run: (store) => store.put(writeTree(tempDir(), "manifest", manifestFiles())) },
      { label: "getFileInfo (the SDK's fetch)", run: (store) => store.status(HELLO_CID) },
    ];
    for (const call of calls) {
      it(`${call.label}: LIGHTHOUSE_TIMEOUT, and the server sees the connection closed`, async function () {
        const silent = await silentServer();
        const back = pointLighthouseAt(silent.url);
        try {
          const store = new LighthouseStore({ apiKey: "k", localStore: new LocalStore({ dir: path.join(tempDir(), "client") }), timeoutMs: 300 });
          const error = await call.run(store).then(
            () => expect.fail("a silent server went unnoticed"),
            (e: unknown) => e as StorageError,
          );
          expect(error.code, error.message).to.equal("LIGHTHOUSE_TIMEOUT");
          expect(error.message).to.match(/request was aborted/);
          expect(silent.requests).to.have.length(1);
          // Without the abort, the SDK keeps the request open for its own 2-hour timeout and this never resolves.
          await silent.closed;
        } finally {
          back();
          await silent.close();
        }
      });
    }
  });
});
