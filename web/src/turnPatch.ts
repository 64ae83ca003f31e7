// A turn's patch, asked for once and shared by the changes panel and the timeline's inline
// diffs.

import { transport } from "./client";

/** Turn patches already fetched: a finished turn's diff does not change (a revert drops its
 * checkpoint, and a later turn of that number has another turn id). The newest few are kept,
 * not every one opened. */
const patches = new Map<string, Promise<string>>();
const KEPT_PATCHES = 20;

/** Turn `count`'s patch (`orchestration.getTurnDiff` from the turn before), asked for once. */
export function turnPatch(threadId: string, count: number, turnId: string): Promise<string> {
  const key = `${threadId}\u0000${count}\u0000${turnId}`;
  let patch = patches.get(key);
  if (!patch) {
    patch = transport
      .request<{ diff: string }>({ _tag: "orchestration.getTurnDiff", threadId, fromTurnCount: count - 1, toTurnCount: count })
      .then((r) => r.diff);
    // A failed request is asked again next time.
    patch.catch(() => patches.delete(key));
    patches.set(key, patch);
    for (const old of patches.keys()) {
      if (patches.size <= KEPT_PATCHES) break;
      patches.delete(old);
    }
  }
  return patch;
}
