/**
 * `model trace`: was a sample in the training data of this model or of any
 * ancestor? The CLI's entry over a {@link RegistryClient} and a
 * {@link ContentSource}; the walk and the proofs are lineage-trace.ts (shared
 * with the web page): every dataset named along the lineage is checked, every
 * proof locally and by the DatasetNFT contract, so a negative answer is
 * backed by absence proofs for every dataset in the lineage. A sample read
 * in place (a Parquet row, a tar member or key) is fitted to each dataset by
 * sample-layout.ts: checked only against the datasets hashed the way it is
 * read, the others listed as not comparable.
 */
import { readDataset, readModel, type RegistryClient } from "../chain/index.js";
import { UserError } from "../errors/index.js";
import type { ContentSource } from "./content-source.js";
import { traceThroughLineage, type TraceReport } from "./lineage-trace.js";
import type { Reporter } from "./reporter.js";
import { fitQueriesToDataset, layoutProblem } from "./sample-layout.js";
import type { SampleQuery } from "./sample-query.js";

export type { LineageDataset, LineageStep, SampleTrace, TraceCheck, TraceOutcome, TraceReport, TraceSkip } from "./lineage-trace.js";

/** Dependencies of {@link traceSamples}. */
export interface TraceDeps {
  readonly client: RegistryClient;
  readonly content: ContentSource;
  readonly reporter?: Reporter | undefined;
}

/** Traces `queries` through the lineage of model `modelId` (see the module doc). */
export async function traceSamples(deps: TraceDeps, modelId: bigint, queries: readonly SampleQuery[]): Promise<TraceReport> {
  return traceThroughLineage(
    {
      readModel: (id) => readModel(deps.client, id),
      readDataset: (id) => readDataset(deps.client, id),
      openManifest: (cid) => deps.content.openManifest(cid),
      checker: deps.client.datasets,
      reporter: deps.reporter,
      fitQuery: async (datasetId, reader, query) => {
        const problem = layoutProblem(`dataset #${datasetId}`, reader.header.sources, query);
        if (problem !== undefined) return { skip: problem };
        return { query: (await fitQueriesToDataset(datasetId, reader.header, [query]))[0]! };
      },
      noFit: (query, reasons) =>
        new UserError(
          `${query.label}: no dataset of model #${modelId}'s lineage was hashed the way this sample is read: ${reasons.join(" ")}`,
          "Pass the flags the training datasets were hashed with (`dataset show <id>` and the manifest's header.json list their sources and options).",
          { family: "usage" },
        ),
    },
    modelId,
    queries,
  );
}
