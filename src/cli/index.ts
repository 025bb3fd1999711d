/**
 * Terminal plumbing shared by the tasks and the core's long jobs: progress
 * on stderr (createProgress, and the browser-safe formatBytes /
 * formatDuration / formatCount through ./browser.ts), aligned tables and CSV
 * (formatTable, formatKeyValue, toCsv), display widths, Ctrl-C handling
 * (watchInterrupts, Interrupted). No Hardhat import. Errors are src/errors'
 * (one base for the whole core); exit codes are decided in tasks/shared.
 */
export * from "./browser.js";
export { Interrupted, interruptExitCode, watchInterrupts } from "./interrupt.js";
export { createProgress } from "./progress.js";
export type { Progress, ProgressMode } from "./progress.js";
export { formatKeyValue, formatTable, toCsv } from "./table.js";
export type { Column } from "./table.js";
