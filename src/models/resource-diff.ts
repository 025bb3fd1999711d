/**
 * Differences between two resource lists (a committed statement and the
 * files on disk, or a signed statement and the files): paths added, removed
 * and changed (same path, other digest). Like model_signing's manifest
 * equality, only names and digests count; subject names and serialization
 * parameters do not.
 */
import { compareResourceNames, type ModelResource } from "./model-signing-statement.js";

/** Paths that differ, each list in resource order. */
export interface ResourceDiff {
  /** In `actual`, not in `expected`. */
  readonly added: string[];
  /** In `expected`, not in `actual`. */
  readonly removed: string[];
  /** In both, with other digests. */
  readonly changed: string[];
}

/** The differences from `expected` to `actual`. */
export function diffResources(expected: readonly Pick<ModelResource, "name" | "digest">[], actual: readonly Pick<ModelResource, "name" | "digest">[]): ResourceDiff {
  const before = new Map(expected.map((r) => [r.name, r.digest]));
  const after = new Map(actual.map((r) => [r.name, r.digest]));
  const sorted = (names: Iterable<string>): string[] => [...names].sort(compareResourceNames);
  return {
    added: sorted([...after.keys()].filter((n) => !before.has(n))),
    removed: sorted([...before.keys()].filter((n) => !after.has(n))),
    changed: sorted([...after.keys()].filter((n) => before.has(n) && before.get(n) !== after.get(n))),
  };
}

/** True when nothing differs. */
export function isSameResources(diff: ResourceDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}
