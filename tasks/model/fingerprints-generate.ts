/** Action of `npx hardhat model fingerprints generate` (declared in ./index.ts): writes a secret pairs file and prints its root. */
import { access } from "node:fs/promises";

import { UserError } from "../../src/errors/index.js";
import { fingerprintTree, writePairsFile, generatePairs, STRATEGIES, type FingerprintStrategy } from "../../src/fingerprints/index.js";
import { benignTextCorpus } from "../../src/ml/index.js";
import { printJson } from "../shared/output.js";
import { toTaskError } from "../shared/task-errors.js";

/** Arguments of `model fingerprints generate`, as parsed by Hardhat. */
export interface FingerprintsGenerateArguments {
  count: number;
  keyLength: number;
  responseLength: number;
  strategy: string;
  seed: string;
  out: string;
  json: boolean;
}

/** Generates and writes the pairs. */
export default async function fingerprintsGenerate(args: FingerprintsGenerateArguments): Promise<{ root: string; count: number; out: string }> {
  try {
    if (args.out === "") throw new UserError("--out is required: where to write the secret pairs.", "Pass --out pairs.json (keep the file secret; register its root).", { family: "usage" });
    if (!(STRATEGIES as readonly string[]).includes(args.strategy)) throw new UserError(`--strategy ${args.strategy} is not a strategy.`, `Use ${STRATEGIES.join(" or ")}.`, { family: "usage" });
    const exists = await access(args.out).then(() => true, () => false);
    if (exists) throw new UserError(`${args.out} exists; fingerprint pairs are never overwritten.`, "Choose another --out, or delete the file if it was never registered.", { family: "usage" });
    let set;
    try {
      set = generatePairs({
        count: args.count,
        keyLength: args.keyLength,
        responseLength: args.responseLength,
        strategy: args.strategy as FingerprintStrategy,
        ...(args.seed === "" ? {} : { seed: args.seed }),
        ...(args.strategy === "english" ? { documents: benignTextCorpus() } : {}),
      });
    } catch (error) {
      throw new UserError(`Cannot generate the pairs: ${(error as Error).message}.`, "Fix --count, --key-length, --response-length or --strategy.", { family: "usage", cause: error });
    }
    await writePairsFile(args.out, set);
    const { root, leafCount } = fingerprintTree(set.pairs);
    const result = { root, count: leafCount, out: args.out };
    if (args.json) printJson({ ...result, strategy: set.strategy });
    else {
      console.log(`${leafCount} ${set.strategy} pairs written to ${args.out} (keep this file secret)`);
      console.log(`fingerprintRoot ${root}`);
      console.log(`next: train them into the model, then register it with --fingerprints ${args.out}`);
    }
    return result;
  } catch (error) {
    throw toTaskError(error);
  }
}
