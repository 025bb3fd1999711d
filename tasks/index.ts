import type { TaskDefinition } from "hardhat/types/tasks";

import { datasetTasks } from "./dataset/index.js";
import { ipfsTasks } from "./ipfs/index.js";
import { storageTasks } from "./storage/index.js";

/** Every Datatrace task, registered through `defineConfig({ tasks })`. */
export const datatraceTasks: TaskDefinition[] = [...datasetTasks, ...storageTasks, ...ipfsTasks];
