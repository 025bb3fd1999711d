/** Sample sources: directories, line-delimited files and IDX files (see docs/sources.md). */
export { DirectorySource } from "./directory-source.js";
export type { DirectoryEntry } from "./directory-source.js";
export { PathFilter, compileGlob, splitPatternList } from "./glob-filter.js";
export { IdxSource } from "./idx-source.js";
export { IDX_ELEMENT_SIZES, looksLikeIdx, parseIdxHeader } from "./idx-header.js";
export type { IdxHeader } from "./idx-header.js";
export { LinesSource, linesFormatOf } from "./lines-source.js";
export { detectKind, openSources } from "./open-sources.js";
export type { OpenSourcesOptions, SourceKindOption } from "./open-sources.js";
export { partRange } from "./sample-batch.js";
export type {
  BatchContext,
  BatchSlot,
  FilesBatch,
  PartSelector,
  RecordsBatch,
  SampleBatch,
  SegmentsBatch,
} from "./sample-batch.js";
export type { SampleSource, SourceEstimate } from "./sample-source.js";
export type {
  DirSourceOptions,
  IdxSourceOptions,
  LinesSourceOptions,
  SourceDescription,
  SourceKind,
} from "./source-description.js";
export { SourceError } from "./source-error.js";
export { sourceName } from "./source-name.js";
