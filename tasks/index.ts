import type { TaskDefinition } from "hardhat/types/tasks";

import { datasetTasks } from "./dataset/index.js";
import { demoTasks } from "./demo/index.js";
import { ipfsTasks } from "./ipfs/index.js";
import { modelTasks } from "./model/index.js";
import { registryTasks } from "./registry/index.js";
import { storageTasks } from "./storage/index.js";
import { trainingTasks } from "./training/index.js";

/** Every Datatrace task, registered through `defineConfig({ tasks })`. */
export const datatraceTasks: TaskDefinition[] = [...datasetTasks, ...modelTasks, ...registryTasks, ...demoTasks, ...storageTasks, ...ipfsTasks, ...trainingTasks];
