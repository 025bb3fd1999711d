import type { TaskDefinition } from "hardhat/types/tasks";

/** Every Datatrace task, registered through `defineConfig({ tasks })`. */
export const datatraceTasks: TaskDefinition[] = [];
