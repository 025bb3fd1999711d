/**
 * Fixtures of the workflow tests: the registries deployed with Ignition on a
 * fresh in-process network, a RegistryClient over them, temporary
 * workspaces with small sample datasets, and a store wrapper that counts
 * uploads (to prove resumed registrations do not upload again).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { network } from "hardhat";

import RegistryModule from "../../ignition/modules/Registry.js";
import { createRegistryClient, type RegistryClient } from "../../src/chain/registry-client.js";
import type { LocalStore } from "../../src/storage/local-store.js";
import type { PutResult } from "../../src/storage/store.js";
import type { PublishingStore } from "../../src/workflow/publishing-store.js";
import type { Reporter } from "../../src/workflow/reporter.js";
import { workspaceAt, type Workspace } from "../../src/workflow/workspace.js";
import { Random } from "../fixtures/seeded-random.js";

/** A fresh chain with the registries, and clients for its first two accounts. */
export async function deployRegistry() {
  const conn = await network.create();
  const { datasetNFT, modelNFT } = await conn.ignition.deploy(RegistryModule);
  const addresses = { datasetNFT: await datasetNFT.getAddress(), modelNFT: await modelNFT.getAddress() };
  const [alice, bob] = await conn.ethers.getSigners();
  const provider = conn.ethers.provider;
  const client: RegistryClient = await createRegistryClient({ networkName: "test", provider, signer: alice!, addresses });
  const bobClient: RegistryClient = await createRegistryClient({ networkName: "test", provider, signer: bob!, addresses });
  const readOnly: RegistryClient = await createRegistryClient({ networkName: "test", provider, addresses });
  return { conn, addresses, client, bobClient, readOnly, alice: alice!, bob: bob! };
}

/** A temporary workspace; `cleanup` removes it. */
export function tempWorkspace(label = "wf"): { workspace: Workspace; root: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), `datatrace-${label}-`));
  return { workspace: workspaceAt(path.join(root, "dt")), root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** The content of the sample files: seeded (the run seed is printed), one stream so every file differs. */
const sampleContent = new Random("workflow sample files");

/** Writes `count` random sample files into `<root>/<name>/` and returns the directory and the files. */
export function writeSamples(root: string, name: string, count: number, size = 64): { dir: string; files: string[] } {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `sample-${String(i).padStart(4, "0")}.bin`);
    writeFileSync(file, sampleContent.bytes(size));
    files.push(file);
  }
  return { dir, files };
}

/** A publishing store that counts what goes through it. */
export class CountingStore implements PublishingStore {
  readonly backend;
  readonly puts: string[] = [];
  readonly byteNames: string[] = [];
  constructor(readonly inner: LocalStore) {
    this.backend = inner.backend;
  }
  async put(p: string): Promise<PutResult> {
    this.puts.push(p);
    return this.inner.put(p);
  }
  async putBytes(bytes: Uint8Array, name: string): Promise<PutResult> {
    this.byteNames.push(name);
    return this.inner.putBytes(bytes, name);
  }
  /** Total uploads of either kind. */
  get count(): number {
    return this.puts.length + this.byteNames.length;
  }
}

/** A reporter that records what it is told. */
export function recordingReporter(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    step: (m) => lines.push(`step ${m}`),
    note: (m) => lines.push(`note ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    wait: () => undefined,
    waitDone: (label) => lines.push(`waited ${label}`),
    hashing: () => undefined,
    hashingDone: () => lines.push("hashed"),
  };
}

/** Awaits `promise` and returns what it rejected with (fails if it resolved). */
export { errorOf as rejection } from "../fixtures/source-fixtures.js";
