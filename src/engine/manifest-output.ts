/**
 * Where a manifest goes and how it gets there: a staging directory next to
 * the destination, filled by a {@link ManifestWriter} from sorted records,
 * published by rename (the default destination is `<manifestsDir>/<root>`,
 * known only at the end).
 *
 * A manifest in the default place is never replaced by a different one: a
 * registered manifest's local copy must stay what was published. The same
 * manifest again (same IPFS CID) leaves the existing copy untouched; a
 * different manifest of the same root (private, other file names, another
 * date) goes to `<manifestsDir>/<root>.<last 12 characters of its CID>`.
 */
import { existsSync, rmSync } from "node:fs";
import path from "node:path";

import { createStagingDirectory, isManifestDirectory, manifestCid, ManifestWriter, publishDirectory } from "../manifest/index.js";
import type { ManifestFacts, ManifestHeader } from "../manifest/index.js";
import { DistinctGrouper } from "./distinct-grouper.js";
import type { RecordSink } from "./sample-record.js";

/** Default parent of manifests named by their root, relative to the working directory. */
export const DEFAULT_MANIFESTS_DIR = ".datatrace/manifests";

/** Where to write a manifest. */
export interface ManifestDestination {
  /** Exact directory; default `<manifestsDir>/<root>`. */
  readonly out?: string | undefined;
  /** Parent directory when `out` is not given (default `.datatrace/manifests`). */
  readonly manifestsDir?: string | undefined;
  /** Replace an `out` directory that holds a different manifest (default: refuse). */
  readonly force?: boolean | undefined;
  /** Stop before publishing once aborted (Ctrl-C): the staging directory is then discarded. */
  readonly signal?: AbortSignal | undefined;
}

/** What {@link ManifestOutput.write} produced. */
export interface WrittenManifest {
  readonly header: ManifestHeader;
  /** The grouper that fed the writer (duplicate examples). */
  readonly grouper: DistinctGrouper;
  /** Where the manifest was published. */
  readonly manifestDir: string;
}

/** A staging directory being filled; `publish` or `discard` it. */
export class ManifestOutput {
  readonly staging: string;
  /** Notes for the report: stale staging directories of dead processes removed on the way. */
  readonly notes: string[] = [];
  readonly #destination: ManifestDestination;

  constructor(destination: ManifestDestination) {
    this.#destination = destination;
    const parent =
      destination.out !== undefined ? path.dirname(path.resolve(destination.out)) : path.resolve(destination.manifestsDir ?? DEFAULT_MANIFESTS_DIR);
    this.staging = createStagingDirectory(parent, destination.out !== undefined ? path.basename(destination.out) : "manifest", (names) => {
      this.notes.push(`removed ${names.length} staging director${names.length === 1 ? "y" : "ies"} left in ${parent} by interrupted runs: ${names.join(", ")}`);
    });
  }

  /** A work directory inside the staging directory (for bucket files). */
  get workDir(): string {
    return path.join(this.staging, ".work");
  }

  /**
   * Runs `feed` (which must push records sorted by hash, source, ordinal into
   * the sink), writes the manifest and publishes it; returns where it went.
   */
  async write(
    withIds: boolean,
    feed: (sink: RecordSink) => void,
    facts: (grouper: DistinctGrouper) => ManifestFacts,
  ): Promise<WrittenManifest> {
    const writer = new ManifestWriter(this.staging, withIds);
    const grouper = new DistinctGrouper((hashes, offset, ids) => writer.add(hashes, offset, ids), withIds);
    feed(grouper.push);
    grouper.finish();
    rmSync(this.workDir, { recursive: true, force: true });
    const header = await writer.finish(facts(grouper));
    this.#destination.signal?.throwIfAborted();
    if (this.#destination.out !== undefined) {
      // An explicit --out holding another manifest is kept unless --force.
      const manifestDir = path.resolve(this.#destination.out);
      publishDirectory(this.staging, manifestDir, { replaceDifferentManifest: this.#destination.force === true });
      return { header, grouper, manifestDir };
    }
    const byRoot = path.resolve(this.#destination.manifestsDir ?? DEFAULT_MANIFESTS_DIR, header.root);
    if (!existsSync(byRoot) || !isManifestDirectory(byRoot)) {
      publishDirectory(this.staging, byRoot, { replaceDifferentManifest: false });
      return { header, grouper, manifestDir: byRoot };
    }
    const cid = await manifestCid(this.staging);
    for (const candidate of [byRoot, `${byRoot}.${cid.slice(-12)}`]) {
      if (existsSync(candidate) && isManifestDirectory(candidate) && (await manifestCid(candidate)) === cid) {
        this.discard(); // the very same manifest is already there: keep it untouched
        return { header, grouper, manifestDir: candidate };
      }
    }
    const manifestDir = `${byRoot}.${cid.slice(-12)}`;
    publishDirectory(this.staging, manifestDir, { replaceDifferentManifest: false });
    return { header, grouper, manifestDir };
  }

  /** Removes the staging directory (after a failure). */
  discard(): void {
    rmSync(this.staging, { recursive: true, force: true });
  }
}

