/** `npx hardhat registry …`: whole-registry operations (export). Actions load lazily from their own files. */
import { emptyTask, task } from "hardhat/config";
import type { TaskDefinition } from "hardhat/types/tasks";

const registryNamespace = emptyTask("registry", "Whole-registry operations: export every dataset and model").build();

const exportTask = task(["registry", "export"], "Export every registered dataset and model as CSV or JSON")
  .addOption({ name: "format", description: "csv (one row per token, with a kind column) or json", defaultValue: "json" })
  .addOption({ name: "out", description: "Output file (default: stdout)", defaultValue: "" })
  .addOption({ name: "dir", description: "Datatrace directory (its block store is read for names)", defaultValue: ".datatrace" })
  .addFlag({ name: "json", description: "Print JSON (same as --format json, the default)" })
  .setAction(() => import("./export.js"))
  .build();

/** The `registry` namespace and its tasks. */
export const registryTasks: TaskDefinition[] = [registryNamespace, exportTask];
