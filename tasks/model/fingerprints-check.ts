/**
 * Action of `npx hardhat model fingerprints check <tokenId> --pairs pairs.json
 * (--endpoint <url> | --responses observed.jsonl) [--out evidence.json]`
 * (declared in ./index.ts). Exit status: 0 the fingerprints were found
 * (prefix accuracy at least --threshold), 3 they were not, 2 error.
 */
import { readFile, writeFile } from "node:fs/promises";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { parseTokenId } from "../../src/chain/index.js";
import { UserError } from "../../src/errors/index.js";
import { complete, checkFingerprints, parseObservedResponses, type FingerprintCheck, buildEvidence, readPairsFile, readFingerprintRegistration } from "../../src/fingerprints/index.js";
import { textWords } from "../../src/ml/index.js";
import { connectRegistry } from "../shared/connect.js";
import { createConsoleReporter } from "../shared/console-reporter.js";
import { printJson } from "../shared/output.js";
import { verdictTaskError } from "../shared/task-errors.js";
import { TRAINING_EXIT } from "../training/shared.js";

/** Arguments of `model fingerprints check`, as parsed by Hardhat. */
export interface FingerprintsCheckArguments {
  tokenId: string;
  pairs: string;
  endpoint: string;
  responses: string;
  model: string;
  api: string;
  systemPrompt: string;
  maxTokens: number;
  timeout: number;
  threshold: number;
  out: string;
  json: boolean;
  quiet: boolean;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** Checks the suspect model and prints the accuracy. */
export default async function fingerprintsCheck(args: FingerprintsCheckArguments, hre: HardhatRuntimeEnvironment): Promise<{ exitCode: number; check?: FingerprintCheck; error?: string }> {
  const reporter = createConsoleReporter({ quiet: args.quiet || args.json });
  try {
    const tokenId = parseTokenId(args.tokenId, "model token id");
    if (args.pairs === "") throw new UserError("--pairs is required: the pairs file registered with the model.", "Pass --pairs pairs.json.", { family: "usage" });
    if ((args.endpoint === "") === (args.responses === "")) throw new UserError("Give either --endpoint or --responses.", "--endpoint <OpenAI-compatible base URL> asks the model; --responses <file.jsonl> reads answers collected elsewhere.", { family: "usage" });
    if (args.api !== "completions" && args.api !== "chat") throw new UserError(`--api ${args.api} is not an API.`, "Use --api completions or --api chat.", { family: "usage" });
    if (!(args.threshold >= 0 && args.threshold <= 1)) throw new UserError(`--threshold ${args.threshold} is not between 0 and 1.`, "Give an accuracy, e.g. --threshold 0.5.", { family: "usage" });
    const pairs = await readPairsFile(args.pairs);
    const { client } = await connectRegistry(hre);
    const registration = await readFingerprintRegistration(client, tokenId);
    let ask: (key: string, pair: { response: string }) => Promise<string>;
    if (args.endpoint !== "") {
      reporter.step(`asking ${args.endpoint} ${pairs.pairs.length} keys`);
      ask = (key, pair) =>
        complete(key, {
          endpoint: args.endpoint,
          model: args.model,
          api: args.api as "completions" | "chat",
          ...(args.systemPrompt === "" ? {} : { systemPrompt: args.systemPrompt }),
          maxTokens: args.maxTokens > 0 ? args.maxTokens : Math.max(1, textWords(pair.response).length),
          timeoutMs: args.timeout * 1000,
        });
    } else {
      let text: string;
      try {
        text = await readFile(args.responses, "utf8");
      } catch (error) {
        throw new UserError(`Cannot read the responses ${args.responses}.`, "Check the path.", { family: "not-found", cause: error });
      }
      const observed = parseObservedResponses(text, args.responses);
      ask = async (key) => observed.get(key) ?? "";
    }
    const started = performance.now();
    const check = await checkFingerprints({ pairs, registration, ask, onProgress: () => reporter.wait("asking the keys", performance.now() - started) });
    reporter.waitDone("asking the keys", performance.now() - started);
    const found = check.accuracy.prefixAccuracy >= args.threshold;
    const exitCode = found ? TRAINING_EXIT.valid : TRAINING_EXIT.invalid;
    if (args.out !== "") {
      const evidence = buildEvidence(check, { endpoint: args.endpoint === "" ? undefined : args.endpoint, model: args.endpoint === "" ? undefined : args.model });
      await writeFile(args.out, `${JSON.stringify(evidence, null, 2)}\n`);
      reporter.note(`evidence (${evidence.matches.length} matched pairs with proofs) written to ${args.out}`);
    }
    const a = check.accuracy;
    if (args.json) printJson({ network: client.networkName, chainId: client.chainId, tokenId, accuracy: a, found, exitCode, results: check.results });
    else {
      console.log(`model #${tokenId}: fingerprints ${found ? "FOUND" : "NOT FOUND"} (threshold ${pct(args.threshold)})`);
      console.log(`accuracy    exact ${pct(a.exactAccuracy)} (${a.exact}/${a.total}), prefix ${pct(a.prefixAccuracy)} (${a.prefix}/${a.total})`);
      console.log(`committed   root ${registration.fingerprintRoot} by ${registration.registrant} at ${new Date(registration.registeredAt * 1000).toISOString()}${registration.blockNumber === null ? "" : ` (block ${registration.blockNumber})`}`);
    }
    process.exitCode = exitCode;
    return { exitCode, check };
  } catch (error) {
    return verdictTaskError(error, TRAINING_EXIT.error);
  }
}
