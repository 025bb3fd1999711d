/**
 * Browser-safe entry of src/cli (the web page imports this, never
 * ./index.ts, which reaches process signals and stderr): the number, byte
 * and duration formatting shared by the CLI's progress lines and the page.
 */
export { formatBytes, formatCount, formatDuration } from "./progress.js";
