/**
 * `dataset extract`: where a committed sample lives, and its bytes. The
 * sample is named by its SHA-256 or by a sample id. Its ids — every one, so
 * duplicates show — come from the manifest, read through the verified
 * content source (local store, then gateways, every block checked against
 * its CID), and are turned into places with the sources the header records
 * (sample-location.ts). The sample is proven a member locally and by the
 * contract, as `dataset verify` does. When a source file is at hand (where
 * the header's name says, relative to the working directory, or under
 * `--source`), the sample is read from it by the sources' own code
 * (src/sources/sample-at.ts), re-hashed, and written to `--out` only if its
 * SHA-256 is the committed sample's.
 *
 * An id is looked up from the local copy first (hash its sample, find the
 * id among that hash's ids: one shard read); when that fails, every ids file
 * of the manifest is searched.
 */
import { stat } from "node:fs/promises";
import path from "node:path";

import { readDataset, type RegistryClient } from "../chain/index.js";
import { UserError } from "../errors/index.js";
import { hashFromHex, toHex, sha256 } from "../hash/index.js";
import { idsPath, type ManifestReader } from "../manifest/index.js";
import { fileSample, idxRecordSample, lineSample, parquetRowSample, tarKeySample, tarMemberSample, type LocatedSample } from "../sources/index.js";
import { SourceError } from "../sources/index.js";
import { writeFileAtomic } from "../storage/index.js";
import type { ContentSource } from "./content-source.js";
import { proveSample, requireManifestMatches } from "./prove-sample.js";
import { reportedWait, silentReporter, type Reporter } from "./reporter.js";
import { describeSourceList } from "./sample-layout.js";
import { describeLocation, isContainedPath, locateId, locationFile, type SampleLocation } from "./sample-location.js";

/** Dependencies of {@link extractSample}. */
export interface ExtractDeps {
  readonly client: RegistryClient;
  readonly content: ContentSource;
  readonly reporter?: Reporter | undefined;
}

/** What to extract, and where from and to. */
export interface ExtractInput {
  /** A sample hash (64 hex digits, 0x optional) or a sample id (`data/train.parquet#17`). */
  readonly sample: string;
  /**
   * Where the source is, when not where the manifest's names say relative to
   * `cwd`: the directory the dataset was hashed from, the source's own file
   * or directory, or the one file holding the sample.
   */
  readonly source?: string | undefined;
  /** Write the sample's bytes here (only if they hash to the committed sample). */
  readonly out?: string | undefined;
  /** Replace an existing `out`. */
  readonly force?: boolean | undefined;
  /** Directory relative paths are resolved against (default: the working directory). */
  readonly cwd?: string | undefined;
}

/** A local copy of the sample, as found and checked. */
export interface LocalCopy {
  /** The file read (absolute). */
  readonly path: string;
  /** `matches`: its sample hashes to the committed one; `differs`: it does not; `unreadable`: the sample could not be read from it. */
  readonly status: "matches" | "differs" | "unreadable";
  /** SHA-256 of what was read there (0x hex), unless unreadable. */
  readonly sampleHash?: string;
  readonly bytes?: number;
  /** Why it could not be read. */
  readonly problem?: string;
}

/** One id of the sample and where it lives. */
export interface SampleSite {
  readonly id: string;
  /** The kind of place (file, line, record, tar-member, tar-key, parquet-row), or `unknown` when no recorded source gives such an id. */
  readonly kind: SampleLocation["kind"] | "unknown";
  /** One phrase: "row 17 of data/train.parquet, column image". */
  readonly where: string;
  /** The local copy looked at, if one was found. */
  readonly local?: LocalCopy;
}

/** What `dataset extract` found. */
export interface ExtractReport {
  readonly datasetId: bigint;
  readonly root: string;
  readonly leafCount: number;
  readonly manifestCid: string;
  /** The sample as given, and whether it was a hash or an id. */
  readonly given: string;
  readonly by: "hash" | "id";
  /**
   * `member`: proven in the dataset; `not-member`: a hash proven absent;
   * `unknown-id`: no sample has that id; `invalid`: a proof did not verify.
   */
  readonly outcome: "member" | "not-member" | "unknown-id" | "invalid";
  /** The sample hash (0x hex), unless the id is unknown. */
  readonly sampleHash?: string;
  /** Membership: the index; absence: where the search path ends. */
  readonly index?: number;
  readonly proofHashes?: number;
  /** Absence: the sample hash where the search path ends. */
  readonly neighbor?: string;
  readonly localValid?: boolean;
  readonly onChainValid?: boolean;
  /** Every id of the sample (duplicates included), located. */
  readonly sites: readonly SampleSite[];
  /** Shards whose ids were searched for an id (when the local copy did not settle it). */
  readonly shardsSearched?: number;
  /** The copy whose bytes hash to the committed sample, and where they were written. */
  readonly fetched?: { readonly id: string; readonly from: string; readonly bytes: number; readonly out?: string };
}

const HASH_TEXT = /^(0x)?[0-9a-fA-F]{64}$/u;

/** Extracts `input.sample` of dataset `datasetId` (see the module doc). */
export async function extractSample(deps: ExtractDeps, datasetId: bigint, input: ExtractInput): Promise<ExtractReport> {
  const reporter = deps.reporter ?? silentReporter;
  const cwd = path.resolve(input.cwd ?? process.cwd());
  const given = input.sample.trim();
  if (given === "") throw new UserError("No sample given.", "Name the sample by its SHA-256 (64 hex digits) or by its id (e.g. data/train.parquet#17, shards/00000.tar/000017.jpg).", { family: "usage" });
  const out = input.out === undefined || input.out === "" ? undefined : path.resolve(cwd, input.out);
  if (out !== undefined) await requireWritable(out, input.force === true);

  const dataset = await readDataset(deps.client, datasetId);
  reporter.step(`fetching manifest ${dataset.manifestCid} of dataset #${datasetId}`);
  const reader = await deps.content.openManifest(dataset.manifestCid);
  requireManifestMatches(dataset, reader);
  const header = reader.header;
  if (header.private) {
    throw new UserError(
      `Dataset #${datasetId}'s manifest is private: it keeps no sample ids, so it cannot say where a sample lives.`,
      `Check a sample you hold with \`dataset verify ${datasetId} <file>\` (or --hash <sha256>); its registrant alone knows the ids.`,
      { family: "data" },
    );
  }
  const base = { datasetId, root: dataset.root, leafCount: dataset.leafCount, manifestCid: dataset.manifestCid, given };
  const reading = { cwd, source: input.source === undefined || input.source === "" ? undefined : path.resolve(cwd, input.source) };

  let sampleHash: Uint8Array;
  let by: "hash" | "id";
  let shardsSearched: number | undefined;
  /** Local copies already read (by id), with what they hold. */
  const copies = new Map<string, LocalRead>();
  if (HASH_TEXT.test(given)) {
    by = "hash";
    sampleHash = hashFromHex(given);
  } else {
    by = "id";
    const location = locateId(header.sources, given);
    if (location === undefined) {
      throw new UserError(
        `"${given}" is neither a sample hash nor an id any source of dataset #${datasetId} gives (its sources: ${describeSourceList(header.sources)}).`,
        "Give the SHA-256 of the sample (64 hex digits) or an id as `dataset verify` prints it (data/x.png, data/emails.csv:3, data/train.parquet#17, shards/00000.tar/000017.jpg).",
        { family: "usage" },
      );
    }
    // The local copy first: hash its sample and look for the id among that hash's ids.
    const local = await readLocalCopy(location, reading);
    let found: Uint8Array | undefined;
    if (local !== undefined) {
      copies.set(given, local);
      if (local.hash !== undefined && ((await reader.idsOf(local.hash)) ?? []).includes(given)) found = local.hash;
    }
    if (found === undefined) {
      const searched = await reportedWait(reporter, `searching the ids of ${header.shardCount} shard${header.shardCount === 1 ? "" : "s"} for ${given}`, () => findIdHash(deps.content, dataset.manifestCid, reader, given));
      shardsSearched = searched.shardsSearched;
      found = searched.hash;
    }
    if (found === undefined) {
      const site: SampleSite = { id: given, kind: location.kind, where: describeLocation(location), ...(local === undefined ? {} : { local: local.copy }) };
      return { ...base, by, outcome: "unknown-id", sites: [site], ...(shardsSearched === undefined ? {} : { shardsSearched }) };
    }
    sampleHash = found;
  }

  reporter.step(`proving ${toHex(sampleHash)} against root ${dataset.root}`);
  const proof = await proveSample(deps.client.datasets, dataset, reader, sampleHash);
  const proofFields = {
    sampleHash: toHex(sampleHash),
    index: proof.index,
    proofHashes: proof.path.length,
    localValid: proof.localValid,
    onChainValid: proof.onChainValid,
    ...(shardsSearched === undefined ? {} : { shardsSearched }),
  };
  if (!proof.localValid || !proof.onChainValid) return { ...base, by, outcome: "invalid", ...proofFields, sites: [] };
  if (!proof.member) return { ...base, by, outcome: "not-member", ...proofFields, neighbor: toHex(proof.neighbor!), sites: [] };

  const ids = (await reader.idsOf(sampleHash)) ?? [];
  const sites: SampleSite[] = [];
  let fetched: { id: string; from: string; bytes: Uint8Array } | undefined;
  for (const id of ids) {
    const location = locateId(header.sources, id);
    if (location === undefined) {
      sites.push({ id, kind: "unknown", where: "no recorded source gives this id" });
      continue;
    }
    let local = copies.get(id);
    if (local !== undefined) local = withStatus(local, sampleHash);
    else if (fetched === undefined) local = await readLocalCopy(location, reading, sampleHash);
    const copy = local?.copy;
    if (fetched === undefined && copy?.status === "matches" && local?.bytes !== undefined) fetched = { id, from: copy.path, bytes: local.bytes };
    sites.push({ id, kind: location.kind, where: describeLocation(location), ...(copy === undefined ? {} : { local: copy }) });
  }

  if (out !== undefined) {
    if (fetched === undefined) throw noLocalCopy(datasetId, sites, reading);
    await writeOut(out, fetched.bytes, input.force === true);
  }
  return {
    ...base,
    by,
    outcome: "member",
    ...proofFields,
    sites,
    ...(fetched === undefined ? {} : { fetched: { id: fetched.id, from: fetched.from, bytes: fetched.bytes.length, ...(out === undefined ? {} : { out }) } }),
  };
}

/** Where to look for a source's files: the working directory, or `--source`. */
interface Reading {
  readonly cwd: string;
  readonly source: string | undefined;
}

/** The files that may hold the sample, in the order tried (see {@link ExtractInput.source}). */
function candidatePaths(location: SampleLocation, reading: Reading): string[] {
  const file = locationFile(location);
  if (!isContainedPath(file)) return [];
  if (reading.source === undefined) return [path.resolve(reading.cwd, file)];
  const name = location.source.name;
  const inSource = name === "." ? file : file === name ? "" : file.slice(name.length + 1);
  const candidates = [path.join(reading.source, file), inSource === "" ? reading.source : path.join(reading.source, inSource), reading.source];
  return [...new Set(candidates)];
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Reads the sample at `location` from `file` with the sources' code, as the dataset was hashed. */
function readSample(location: SampleLocation, file: string): Promise<LocatedSample> {
  const source = location.source;
  switch (location.kind) {
    case "file":
      return fileSample(file, location.id);
    case "line":
      return lineSample(file, location.file, location.line, source.kind === "lines" ? source.options : {});
    case "record":
      return idxRecordSample(file, location.file, location.record, source.kind === "idx" ? source.options.gzip : undefined);
    case "tar-member":
      return tarMemberSample(file, location.shard, location.member, source.kind === "tar" ? source.options : {});
    case "tar-key":
      return tarKeySample(file, location.shard, location.key, source.kind === "tar" ? source.options : {});
    case "parquet-row":
      return parquetRowSample(file, location.file, location.row, location.column);
  }
}

/** A local copy read: what was found, and the sample's bytes and hash when it could be read. */
interface LocalRead {
  readonly copy: LocalCopy;
  readonly bytes?: Uint8Array;
  readonly hash?: Uint8Array;
}

/** `local` with its status set against the committed hash. */
function withStatus(local: LocalRead, committed: Uint8Array): LocalRead {
  if (local.hash === undefined) return local;
  return { ...local, copy: { ...local.copy, status: toHex(local.hash) === toHex(committed) ? "matches" : "differs" } };
}

/**
 * The sample read from the first local file that may hold it, hashed and
 * compared with `committed` (when not given yet: "matches" until
 * {@link withStatus} says otherwise); undefined when no such file exists.
 */
async function readLocalCopy(location: SampleLocation, reading: Reading, committed?: Uint8Array): Promise<LocalRead | undefined> {
  for (const candidate of candidatePaths(location, reading)) {
    if (!(await isFile(candidate))) continue;
    let sample: LocatedSample;
    try {
      sample = await readSample(location, candidate);
    } catch (error) {
      if (!(error instanceof SourceError) && (error as NodeJS.ErrnoException).code === undefined) throw error;
      return { copy: { path: candidate, status: "unreadable", problem: (error as Error).message } };
    }
    const hash = sha256(sample.bytes);
    const matches = committed === undefined || toHex(hash) === toHex(committed);
    return { copy: { path: candidate, status: matches ? "matches" : "differs", sampleHash: toHex(hash), bytes: sample.bytes.length }, bytes: sample.bytes, hash };
  }
  return undefined;
}

/** Searches every ids file of the manifest for `id`; the hash it belongs to, if any. */
async function findIdHash(content: ContentSource, cid: string, reader: ManifestReader, id: string): Promise<{ hash?: Uint8Array; shardsSearched: number }> {
  const needle = JSON.stringify(id);
  const decoder = new TextDecoder();
  for (let k = 0; k < reader.index.length; k++) {
    const text = decoder.decode(await content.readFile(cid, idsPath(k)));
    if (!text.includes(needle)) continue;
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]!.includes(needle)) continue;
      let ids: unknown;
      try {
        ids = JSON.parse(lines[i]!);
      } catch {
        ids = undefined;
      }
      if (Array.isArray(ids) && ids.includes(id)) {
        const hashes = await reader.shard(k);
        if ((i + 1) * 32 > hashes.length) break; // an ids file longer than its shard: not trusted
        return { hash: hashes.slice(i * 32, i * 32 + 32), shardsSearched: k + 1 };
      }
    }
  }
  return { shardsSearched: reader.index.length };
}

function noLocalCopy(datasetId: bigint, sites: readonly SampleSite[], reading: Reading): UserError {
  const seen = sites.filter((s) => s.local !== undefined);
  if (seen.length === 0) {
    const looked = sites.map((s) => s.where).slice(0, 3).join("; ");
    return new UserError(
      `No local copy of the sample of dataset #${datasetId} was found (it lives at: ${looked}; looked ${reading.source === undefined ? `under the working directory ${reading.cwd}` : `in and under ${reading.source}`}). Nothing was written.`,
      "Give the directory the dataset was hashed from, or the file holding the sample, with --source <path>.",
      { family: "not-found" },
    );
  }
  const found = seen.map((s) => `${s.local!.path}: ${s.local!.status === "unreadable" ? s.local!.problem : `its ${s.where} hashes to ${s.local!.sampleHash}`}`).join("; ");
  return new UserError(
    `The local copies do not hold the committed sample of dataset #${datasetId} (${found}). Nothing was written.`,
    "Your copy of the source differs from the one hashed: fetch the published files again, or point --source at the right copy.",
    { family: "data" },
  );
}

/** Refuses an `out` that exists (unless `force`) or whose directory does not. */
async function requireWritable(out: string, force: boolean): Promise<void> {
  const existing = await stat(out).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new UserError(`--out ${out} is a directory.`, "Give the path of the file to write, e.g. --out sample.jpg.", { family: "usage" });
  }
  if (existing !== undefined && !force) {
    throw new UserError(`--out ${out} already exists; it was left as it is.`, "Choose another path, or pass --force to replace it.", { family: "usage" });
  }
  const dir = await stat(path.dirname(out)).catch(() => undefined);
  if (dir === undefined || !dir.isDirectory()) {
    throw new UserError(`Cannot write --out ${out}: the directory ${path.dirname(out)} does not exist.`, "Create it first, or choose another path.", { family: "io" });
  }
}

/** Writes `bytes` to `out` atomically: never a partial file, never over an existing one unless `force`. */
async function writeOut(out: string, bytes: Uint8Array, force: boolean): Promise<void> {
  await writeFileAtomic(out, bytes, { replace: force }).catch((error: unknown) => {
    if (!force && (error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new UserError(`--out ${out} appeared while the sample was being read; it was left as it is.`, "Choose another path, or pass --force to replace it.", { family: "usage" });
    }
    throw error;
  });
}
