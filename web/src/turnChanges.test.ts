import { describe, expect, it } from "vitest";

import type { TimelineRow } from "./model";
import type { Activity, CheckpointSummary } from "./protocol";
import { changesByRow, filePatch } from "./turnChanges";

const T = "2026-01-01T00:00:00Z";
const activity = (id: string, turnId: string | null): Activity => ({
  id, tone: "tool", kind: "tool.completed", summary: id, payload: {}, turnId, createdAt: T,
});
const work = (id: string, ...turns: Array<string | null>): TimelineRow => ({
  kind: "work", id, activities: turns.map((t, i) => activity(`${id}.${i}`, t)),
});
const checkpoint = (turnId: string, count: number, files: string[]): CheckpointSummary => ({
  turnId, checkpointTurnCount: count, checkpointRef: `r${count}`, status: "ready",
  files: files.map((path) => ({ path, kind: "modified", additions: 1, deletions: 0 })), assistantMessageId: null, completedAt: T,
});

describe("changesByRow", () => {
  it("puts a turn's files on its last work row, and none on turns that changed nothing", () => {
    const rows = [work("w1", "t1"), work("w2", "t1"), work("w3", "t2"), work("w4", null)];
    const map = changesByRow(rows, [checkpoint("t1", 1, ["a.txt"]), checkpoint("t2", 2, [])]);
    expect([...map.entries()].map(([row, c]) => [row, c.checkpointTurnCount])).toEqual([["w2", 1]]);
  });
});

describe("filePatch", () => {
  const patch = [
    "diff --git a/a.txt b/a.txt",
    "index 0000000..1111111 100644",
    "--- a/a.txt",
    "+++ b/a.txt",
    "@@ -0,0 +1 @@",
    "+one",
    "diff --git a/dir/b a.txt b/dir/b a.txt",
    "new file mode 100644",
    "--- /dev/null",
    "+++ b/dir/b a.txt",
    "@@ -0,0 +1 @@",
    "+two",
    "",
  ].join("\n");
  it("cuts out one file's block, paths with spaces included", () => {
    expect(filePatch(patch, "a.txt")).toBe(patch.split("diff --git a/dir")[0]);
    expect(filePatch(patch, "dir/b a.txt")).toContain("+two");
    expect(filePatch(patch, "dir/b a.txt")).not.toContain("+one");
  });
  it("is empty for a file the patch does not hold (a suffix is not a match)", () => {
    expect(filePatch(patch, "b.txt")).toBe("");
    expect(filePatch(patch, "txt")).toBe("");
  });
});
