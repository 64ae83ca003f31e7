import { describe, expect, it } from "vitest";

import { fuzzyFilter, fuzzyScore, groupThreads, newestFirst, previewThreads, relativeTime } from "./navigation";
import type { Project, Thread } from "./protocol";

const project = (id: string, updatedAt = "2026-01-01T00:00:00Z"): Project => ({
  id, title: id, workspaceRoot: `/${id}`, defaultModel: null, createdAt: updatedAt, updatedAt, deletedAt: null,
});
const thread = (id: string, projectId: string, updatedAt: string, extra: Partial<Thread> = {}): Thread => ({
  id, projectId, title: id, model: "m", runtimeMode: "full-access", interactionMode: "default", branch: null,
  worktreePath: null, latestTurn: null, createdAt: updatedAt, updatedAt, deletedAt: null, messages: [],
  proposedPlans: [], activities: [], checkpoints: [], session: null, ...extra,
});

describe("newestFirst", () => {
  it("orders ISO times newest first, equal ones as equal", () => {
    const times = ["2026-01-02T00:00:00.000Z", "2026-03-01T09:00:00.000Z", "2025-12-31T23:59:59.999Z", "2026-03-01T09:00:00.000Z"];
    expect(times.slice().sort(newestFirst)).toEqual([times[1], times[3], times[0], times[2]]);
    expect(newestFirst(times[1], times[3])).toBe(0);
  });
});

describe("groupThreads", () => {
  it("groups by project, newest activity first, archived and deleted set apart", () => {
    const groups = groupThreads(
      [project("a"), project("b"), { ...project("gone"), deletedAt: "2026-01-02T00:00:00Z" }],
      [
        thread("a1", "a", "2026-01-01T01:00:00Z"),
        thread("b1", "b", "2026-01-01T02:00:00Z"),
        thread("a2", "a", "2026-01-01T00:30:00Z", {
          messages: [{ id: "m", role: "user", text: "x", turnId: null, streaming: false,
            createdAt: "2026-01-01T03:00:00Z", updatedAt: "2026-01-01T03:00:00Z" }],
        }),
        thread("a3", "a", "2026-01-01T05:00:00Z", { archivedAt: "2026-01-01T05:00:00Z" }),
        thread("a4", "a", "2026-01-01T06:00:00Z", { deletedAt: "2026-01-01T06:00:00Z" }),
        thread("g1", "gone", "2026-01-01T07:00:00Z"),
      ],
    );
    expect(groups.map((g) => g.project.id)).toEqual(["a", "b"]);
    expect(groups[0].threads.map((t) => t.id)).toEqual(["a2", "a1"]);
    expect(groups[0].archived.map((t) => t.id)).toEqual(["a3"]);
    expect(groups[1].threads.map((t) => t.id)).toEqual(["b1"]);
  });
});

describe("relativeTime", () => {
  const now = Date.parse("2026-01-10T12:00:00Z");
  it("is short", () => {
    expect(relativeTime("2026-01-10T11:59:30Z", now)).toBe("now");
    expect(relativeTime("2026-01-10T11:55:00Z", now)).toBe("5m");
    expect(relativeTime("2026-01-10T09:00:00Z", now)).toBe("3h");
    expect(relativeTime("2026-01-08T12:00:00Z", now)).toBe("2d");
    expect(relativeTime("2025-12-01T12:00:00Z", now)).toBe("2025-12-01");
    expect(relativeTime("nonsense", now)).toBe("");
  });
});

describe("fuzzy", () => {
  it("needs every character in order", () => {
    expect(fuzzyScore("nth", "New thread")).not.toBeNull();
    expect(fuzzyScore("xyz", "New thread")).toBeNull();
    expect(fuzzyScore("htn", "New thread")).toBeNull();
  });
  it("ranks word starts and runs first", () => {
    const items = ["Toggle terminal", "Open settings", "New thread", "Toggle theme"];
    expect(fuzzyFilter("theme", items, (s) => s)[0]).toBe("Toggle theme");
    expect(fuzzyFilter("nt", items, (s) => s)[0]).toBe("New thread");
    expect(fuzzyFilter("", items, (s) => s)).toEqual(items);
  });
});

describe("previewThreads", () => {
  const threads = ["a", "b", "c", "d", "e"].map((id) => thread(id, "p", "2026-01-01T00:00:00Z"));
  const ids = (list: Thread[]) => list.map((t) => t.id);

  it("lists the first few and counts the rest", () => {
    const { shown, more } = previewThreads(threads, null, 3);
    expect(ids(shown)).toEqual(["a", "b", "c"]);
    expect(more).toBe(2);
  });

  it("keeps the selected thread in view, in its place, wherever it is", () => {
    const { shown, more } = previewThreads(threads, "e", 3);
    expect(ids(shown)).toEqual(["a", "b", "c", "e"]);
    expect(more).toBe(1);
    expect(previewThreads(threads, "b", 3).more).toBe(2);
  });

  it("has nothing more when every thread fits", () => {
    expect(previewThreads(threads, null, 5)).toEqual({ shown: threads, more: 0 });
  });
});
