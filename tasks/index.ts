import type { TaskDefinition } from "hardhat/types/tasks";

import { datasetTasks } from "./dataset/index.js";

/** Every Datatrace task, registered through `defineConfig({ tasks })`. */
export const datatraceTasks: TaskDefinition[] = [...datasetTasks];
