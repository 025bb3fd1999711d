/**
 * Sample sources: directories, image folders, line-delimited files, IDX
 * files, tar (WebDataset) shards and Parquet files (see docs/sources.md).
 */
export { DirectorySource } from "./directory-source.js";
export type { DirectoryEntry } from "./directory-source.js";
export { compileGlob, PathFilter, splitPatternList } from "./glob-filter.js";
export { IDX_ELEMENT_SIZES, looksLikeIdx, parseIdxHeader } from "./idx-header.js";
export type { IdxHeader } from "./idx-header.js";
export { IdxSource } from "./idx-source.js";
export { IMAGE_FOLDER_METADATA_NAMES, ImageFolderSource, looksLikeImageFolder } from "./image-folder-source.js";
export { linesFormatOf, LinesSource } from "./lines-source.js";
export { detectKind, openSources, SOURCE_KIND_OPTIONS } from "./open-sources.js";
export type { OpenSourcesOptions, SourceKindOption } from "./open-sources.js";
export { readFullySync } from "./parquet-page-cursor.js";
export { canonicalNumber, canonicalRow } from "./parquet-row.js";
export { isParquetName, ParquetSource } from "./parquet-source.js";
export { fileSample, idxRecordSample, lineSample, parquetRowSample, tarKeySample, tarMemberSample } from "./sample-at.js";
export type { LocatedSample } from "./sample-at.js";
export { fileRangeBatch, partRange } from "./sample-batch.js";
export type {
  BatchContext,
  BatchSlot,
  FileIdentity,
  FileGroupsBatch,
  FileSegmentsBatch,
  FilesBatch,
  ParquetFilePagesBatch,
  ParquetPagesBatch,
  PartSelector,
  RecordsBatch,
  SampleBatch,
  SegmentsBatch,
  SettledBatch,
  TarScanBatch,
  TarScanResult,
} from "./sample-batch.js";
export { batchSampleBytes, batchSamples, findSampleBytes, plainBatchContext, sampleIdsOf } from "./sample-lookup.js";
export type { SampleSource, SourceEstimate } from "./sample-source.js";
export type {
  DirSourceOptions,
  IdxSourceOptions,
  ImageFolderMetadataFile,
  ImageFolderSourceOptions,
  LinesSourceOptions,
  ParquetSourceOptions,
  SourceDescription,
  SourceKind,
  TarSourceOptions,
} from "./source-description.js";
export { SourceError } from "./source-error.js";
export { sourceName } from "./source-name.js";
export { csvHeader, describeSources, extensionType } from "./source-structure.js";
export type { FieldStructure, FieldType, MetadataFileStructure, SourceStructure } from "./source-structure.js";
export { memberPath } from "./tar-members.js";
export { isTarName, TAR_SHARD_PATTERNS, TarSource } from "./tar-source.js";
export { groupedBytes, splitKey } from "./webdataset-sample.js";
