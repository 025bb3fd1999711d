/**
 * The Croissant 1.0 JSON-LD vocabulary of dataset metadata: the `@context`
 * (from the specification, plus the Datatrace commitment terms under
 * `urn:datatrace:`) and the `conformsTo` URI.
 */
/** Croissant 1.0 JSON-LD context (from the specification), plus Datatrace terms under `urn:datatrace:`. */
export const CROISSANT_CONTEXT = {
  "@language": "en",
  "@vocab": "https://schema.org/",
  citeAs: "cr:citeAs",
  column: "cr:column",
  conformsTo: "dct:conformsTo",
  cr: "http://mlcommons.org/croissant/",
  rai: "http://mlcommons.org/croissant/RAI/",
  data: { "@id": "cr:data", "@type": "@json" },
  dataType: { "@id": "cr:dataType", "@type": "@vocab" },
  dct: "http://purl.org/dc/terms/",
  examples: { "@id": "cr:examples", "@type": "@json" },
  extract: "cr:extract",
  field: "cr:field",
  fileProperty: "cr:fileProperty",
  fileObject: "cr:fileObject",
  fileSet: "cr:fileSet",
  format: "cr:format",
  includes: "cr:includes",
  isLiveDataset: "cr:isLiveDataset",
  jsonPath: "cr:jsonPath",
  key: "cr:key",
  md5: "cr:md5",
  parentField: "cr:parentField",
  path: "cr:path",
  recordSet: "cr:recordSet",
  references: "cr:references",
  regex: "cr:regex",
  repeated: "cr:repeated",
  replace: "cr:replace",
  sc: "https://schema.org/",
  separator: "cr:separator",
  source: "cr:source",
  subField: "cr:subField",
  transform: "cr:transform",
  dt: "urn:datatrace:",
  merkleRoot: "dt:merkleRoot",
  leafCount: "dt:leafCount",
  sampleCount: "dt:sampleCount",
  duplicateCount: "dt:duplicateCount",
  attributes: { "@id": "dt:erc721Attributes", "@type": "@json" },
  external_url: { "@id": "dt:externalUrl", "@type": "@id" },
} as const;

/** Croissant version the dataset metadata conforms to. */
export const CROISSANT_CONFORMS_TO = "http://mlcommons.org/croissant/1.0";
