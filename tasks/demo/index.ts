/** `npx hardhat demo`: the end-to-end demo (SpamAssassin dataset, spam filter, fine-tuned child, proofs, lineage). */
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { TaskDefinition } from "hardhat/types/tasks";

const demoTask = task("demo", "Register the SpamAssassin corpus, a spam filter trained on it and a fine-tuned child; verify, prove absence, trace, draw the lineage")
  .addOption({ name: "dir", description: "Keep the block store, manifests, models and journal in this directory (default: a temporary one, removed at the end)", defaultValue: "" })
  .addOption({ name: "threads", description: "Hashing worker threads (0 = one per CPU)", type: ArgumentType.INT, defaultValue: 0 })
  .addFlag({ name: "json", description: "Print a JSON summary (tokens, roots, metrics, verdicts) on stdout; the narrative goes to stderr" })
  .setAction(() => import("./demo.js"))
  .build();

/** The `demo` task. */
export const demoTasks: TaskDefinition[] = [demoTask];
