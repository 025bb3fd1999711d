/**
 * Terminal plumbing shared by the tasks and the core's long jobs: progress
 * on stderr (createProgress, and the browser-safe formatBytes /
 * formatDuration / formatCount through ./browser.ts), aligned tables and CSV
 * (formatTable, formatKeyValue, toCsv), display widths, Ctrl-C handling
 * (watchInterrupts, Interrupted). No Hardhat import.
 *
 * The error classes (errors.ts `UserError`, file-errors.ts) are not exported
 * here yet: they are moving to their own module (issue 12, finding 1), and
 * are imported directly until then (see eslint.config.js).
 */
export * from "./browser.js";
export { Interrupted, watchInterrupts } from "./interrupt.js";
export { createProgress } from "./progress.js";
export type { Progress, ProgressMode } from "./progress.js";
export { formatKeyValue, formatTable, toCsv } from "./table.js";
export type { Column } from "./table.js";
