/**
 * `dataset verify`: for each sample, a membership proof (index, and the
 * sample ids if the manifest keeps them) or an absence proof, each checked
 * locally and by the contract; for two or more members, one batch
 * multiproof checked by `verifyBatch` and the contract's `verifySamples`
 * (`checkMemberBatch`, prove-sample-set.ts).
 * The manifest is fetched by the CID recorded on chain and must match the
 * on-chain commitment; every block read is verified against its CID. A
 * sample read in place (a Parquet row, a tar member or key) must fit how
 * the dataset was hashed (sample-layout.ts), else the check is refused.
 */
import { readDataset } from "../chain/index.js";
import type { RegistryClient } from "../chain/index.js";
import { hashFromHex, toHex } from "../hash/index.js";
import type { ContentSource } from "./content-source.js";
import { proveSample, requireManifestMatches } from "./prove-sample.js";
import { checkMemberBatch } from "./prove-sample-set.js";
import { silentReporter, type Reporter } from "./reporter.js";
import { fitQueriesToDataset } from "./sample-layout.js";
import type { SampleQuery } from "./sample-query.js";

/** The verdict on one sample. */
export interface SampleVerdict {
  readonly label: string;
  /** 0x hex. */
  readonly sampleHash: string;
  readonly member: boolean;
  /** Position among the sorted distinct sample hashes (members), or where the search path ends (non-members). */
  readonly index: number;
  /** Sample ids from the manifest (members of non-private datasets). */
  readonly ids?: readonly string[];
  /** 32-byte entries in the proof's path (siblings and split keys). */
  readonly proofHashes: number;
  /** Non-members: the sample hash at `index`, where the search path ends (0x hex). */
  readonly neighbor?: string;
  readonly localValid: boolean;
  readonly onChainValid: boolean;
}

/** The batch (multiproof) check of the members, when there are two or more. */
export interface BatchVerdict {
  readonly members: number;
  readonly proofHashes: number;
  readonly localValid: boolean;
  readonly onChainValid: boolean;
}

/** Overall outcome: every sample a member; some proven absent; or some proof that did not verify. */
export type VerificationOutcome = "all-members" | "some-absent" | "invalid";

/** What `dataset verify` found. */
export interface DatasetVerification {
  readonly datasetId: bigint;
  readonly root: string;
  readonly leafCount: number;
  readonly manifestCid: string;
  readonly samples: readonly SampleVerdict[];
  readonly batch?: BatchVerdict;
  readonly outcome: VerificationOutcome;
}

/** Dependencies of {@link verifyDatasetSamples}. */
export interface VerifyDeps {
  readonly client: RegistryClient;
  readonly content: ContentSource;
  readonly reporter?: Reporter | undefined;
}

/** Verifies `queries` against dataset `datasetId` (see the module doc). */
export async function verifyDatasetSamples(deps: VerifyDeps, datasetId: bigint, given: readonly SampleQuery[]): Promise<DatasetVerification> {
  const reporter = deps.reporter ?? silentReporter;
  const dataset = await readDataset(deps.client, datasetId);
  reporter.step(`fetching manifest ${dataset.manifestCid} of dataset #${datasetId}`);
  {
    const reader = await deps.content.openManifest(dataset.manifestCid);
    requireManifestMatches(dataset, reader);
    // A Parquet row or tar member read in place must be read as the dataset was hashed (sample-layout.ts).
    const queries = await fitQueriesToDataset(datasetId, reader.header, given);

    reporter.step(`proving ${queries.length} sample${queries.length === 1 ? "" : "s"} against root ${dataset.root}`);
    const samples: SampleVerdict[] = [];
    for (const query of queries) {
      const proof = await proveSample(deps.client.datasets, dataset, reader, query.sampleHash);
      const ids = proof.member && !reader.header.private ? await reader.idsOf(query.sampleHash) : null;
      samples.push({
        label: query.label,
        sampleHash: toHex(query.sampleHash),
        member: proof.member,
        index: proof.index,
        ...(ids === null ? {} : { ids }),
        proofHashes: proof.path.length,
        ...(proof.neighbor === undefined ? {} : { neighbor: toHex(proof.neighbor) }),
        localValid: proof.localValid,
        onChainValid: proof.onChainValid,
      });
    }

    let batch: BatchVerdict | undefined;
    const memberHashes = samples.filter((s) => s.member).map((s) => hashFromHex(s.sampleHash));
    const checked = await checkMemberBatch(deps.client.datasets, dataset, reader, memberHashes, 2);
    if (checked !== null) {
      batch = { members: checked.indexes.length, proofHashes: checked.path.length, localValid: checked.localValid, onChainValid: checked.onChainValid };
    }

    const allValid = samples.every((s) => s.localValid && s.onChainValid) && (batch === undefined || (batch.localValid && batch.onChainValid));
    const outcome: VerificationOutcome = !allValid ? "invalid" : samples.every((s) => s.member) ? "all-members" : "some-absent";
    return {
      datasetId,
      root: dataset.root,
      leafCount: dataset.leafCount,
      manifestCid: dataset.manifestCid,
      samples,
      ...(batch === undefined ? {} : { batch }),
      outcome,
    };
  }
}
