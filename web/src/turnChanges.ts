// Which work row shows a turn's changed files (the turn's last one, where its work ended), and
// one file's part of a turn's patch, for the diffs shown inline in the timeline.

import type { TimelineRow } from "./model";
import type { CheckpointSummary } from "./protocol";

/** Work row id → the checkpoint of the turn it ends, for turns that changed files. */
export function changesByRow(rows: TimelineRow[], checkpoints: CheckpointSummary[]): Map<string, CheckpointSummary> {
  const byTurn = new Map(checkpoints.filter((c) => c.files.length > 0).map((c) => [c.turnId, c]));
  const lastRow = new Map<string, string>();
  for (const row of rows) {
    if (row.kind !== "work") continue;
    for (const a of row.activities) if (a.turnId && byTurn.has(a.turnId)) lastRow.set(a.turnId, row.id);
  }
  const out = new Map<string, CheckpointSummary>();
  for (const [turn, rowId] of lastRow) {
    const checkpoint = byTurn.get(turn);
    if (checkpoint) out.set(rowId, checkpoint);
  }
  return out;
}

/** The sections of a git patch for `path` (a file's `diff --git` block), or "" if it has none. */
export function filePatch(patch: string, path: string): string {
  return patch
    .split(/^(?=diff --git )/m)
    .filter((block) => {
      const head = block.split("\n", 1)[0];
      return head.startsWith("diff --git ") && (head.endsWith(` b/${path}`) || head.endsWith(` "b/${path}"`));
    })
    .join("");
}
