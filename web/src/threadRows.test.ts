import { describe, expect, it } from "vitest";

import type { Activity } from "./protocol";
import { collapseWarnings, contextUse, formatTokens, queuedMessageIds, retryingStatus } from "./threadRows";

let n = 0;
function act(kind: string, payload: any, turnId = "t1", summary = "Runtime warning"): Activity {
  n += 1;
  return { id: `a${n}`, tone: "info", kind, summary, payload, turnId, createdAt: `2026-01-01T00:00:${String(n).padStart(2, "0")}Z` };
}

describe("collapseWarnings", () => {
  it("folds identical warnings across turns into the first, with a count, and keeps the rest", () => {
    const bwrap = act("runtime.warning", { message: "could not find bubblewrap" }, "t1");
    const tool = act("tool.completed", { output: "hi" }, "t1");
    const again = act("runtime.warning", { message: "could not find bubblewrap" }, "t2");
    const other = act("runtime.warning", { message: "model metadata not found" }, "t2");
    const third = act("runtime.warning", { message: "could not find bubblewrap" }, "t3");
    const { activities, repeats } = collapseWarnings([bwrap, tool, again, other, third]);
    expect(activities.map((a) => a.id)).toEqual([bwrap.id, tool.id, other.id]);
    expect(repeats.get(bwrap.id)).toBe(3);
    expect(repeats.has(other.id)).toBe(false);
  });

  it("drops retry notices", () => {
    const r = act("runtime.warning", { message: "Reconnecting... 2/5" });
    expect(collapseWarnings([r]).activities).toEqual([]);
  });
});

describe("retryingStatus", () => {
  it("reports the newest retry of the running turn, and nothing once it moved on", () => {
    const r1 = act("runtime.warning", { message: "Reconnecting... 1/5" });
    const r2 = act("runtime.error", { message: "Reconnecting… 2/5" });
    expect(retryingStatus([r1, r2], "t1")).toMatchObject({ attempt: 2, of: 5 });
    expect(retryingStatus([r1, r2], null)).toBeNull();
    expect(retryingStatus([r1, r2], "t2")).toBeNull();
    const tool = act("tool.started", {});
    expect(retryingStatus([r1, r2, tool], "t1")).toBeNull();
  });
});

describe("contextUse", () => {
  it("reads codex's last usage and window", () => {
    const u = act("turn.token-usage", { last: { totalTokens: 1200 }, total: { totalTokens: 5000 }, modelContextWindow: 200000 });
    expect(contextUse([u])).toEqual({ used: 1200, window: 200000 });
  });
  it("reads Claude's usage without a window, newest first", () => {
    const old = act("turn.token-usage", { last: { totalTokens: 1 } });
    const u = act("turn.token-usage", { usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 100 } });
    expect(contextUse([old, u])).toEqual({ used: 115, window: null });
    expect(contextUse([act("tool.started", {})])).toBeNull();
  });
  it("formats counts", () => {
    expect(formatTokens(950)).toBe("950");
    expect(formatTokens(1234)).toBe("1.2k");
    expect(formatTokens(123456)).toBe("123k");
    expect(formatTokens(2_500_000)).toBe("2.5M");
  });
});

describe("queuedMessageIds", () => {
  it("keeps queued messages until started or cleared", () => {
    const q = (kind: string, payload: any) => act(kind, payload);
    const list = [q("turn.queued", { messageId: "m1" }), q("turn.queued", { messageId: "m2" }), q("turn.queued", { messageId: "m3" })];
    expect(queuedMessageIds(list)).toEqual(["m1", "m2", "m3"]);
    expect(queuedMessageIds([...list, q("turn.dequeued", { messageId: "m1" })])).toEqual(["m2", "m3"]);
    expect(queuedMessageIds([...list, q("turn.queue.cleared", { messageIds: ["m2", "m3"] })])).toEqual(["m1"]);
  });
});
