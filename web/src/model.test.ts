import { describe, expect, it } from "vitest";

import { applyEvent, isTurnRunning, latestTurnLabel, NeedsSnapshot, pendingRequests, timelineRows } from "./model";
import type { Activity, Message, ReadModel } from "./protocol";
import { created, delta, empty, event, T } from "./testing";

const session = (status: string, activeTurnId: string | null = null) => ({
  threadId: "t", status, providerName: "codex", runtimeMode: "full-access", activeTurnId, lastError: null, updatedAt: T,
});

const diffCompleted = (sequence: number, turnId: string, count: number, status = "ready") =>
  event(sequence, "thread.turn-diff-completed", { threadId: "t", turnId, checkpointTurnCount: count,
    checkpointRef: `r${count}`, status, files: [], assistantMessageId: null, completedAt: T });

const activity = (id: string, kind: string, createdAt: string, extra: Partial<Activity> = {}): Activity => ({
  id, tone: "tool", kind, summary: kind, payload: {}, turnId: "u1", createdAt, ...extra,
});

const message = (id: string, createdAt: string): Message => ({
  id, role: "user", text: id, turnId: null, streaming: false, createdAt, updatedAt: createdAt,
});

function base(): ReadModel {
  return created.reduce(applyEvent, empty());
}

describe("applyEvent", () => {
  it("archive and unarchive, as DP Code's events and as v0.0.4's meta update", () => {
    let m = applyEvent(base(), event(3, "thread.archived", { threadId: "t", archivedAt: T, updatedAt: T }));
    expect(m.threads[0].archivedAt).toBe(T);
    m = applyEvent(m, event(4, "thread.unarchived", { threadId: "t", updatedAt: T }));
    expect(m.threads[0].archivedAt).toBeNull();
    m = applyEvent(m, event(5, "thread.meta-updated", { threadId: "t", updatedAt: T, archivedAt: T }));
    expect(m.threads[0].archivedAt).toBe(T);
    m = applyEvent(m, event(6, "thread.meta-updated", { threadId: "t", updatedAt: T, title: "x" }));
    expect(m.threads[0].archivedAt).toBe(T);
  });

  it("keeps who answered from a message's first event", () => {
    const by = { provider: "claudeAgent", model: "claude-sonnet-4-6" };
    const first = event(3, "thread.message-sent", { threadId: "t", messageId: "a1", role: "assistant", text: "Hi",
      streaming: true, turnId: "u1", createdAt: T, updatedAt: T, answeredBy: by });
    const m = [first, delta(4, " there"), delta(5, "", false)].reduce(applyEvent, base());
    expect(m.threads[0].messages[0].answeredBy).toEqual(by);
  });

  it("builds threads and appends streamed text, completion keeping it", () => {
    const m = [delta(3, "Hel"), delta(4, "lo"), delta(5, "", false)].reduce(applyEvent, base());
    const msg = m.threads[0].messages[0];
    expect(msg.text).toBe("Hello");
    expect(msg.streaming).toBe(false);
    expect(m.snapshotSequence).toBe(5);
  });

  it("a buffered (non-streaming) message replaces the text; other threads are untouched", () => {
    let m = applyEvent(base(), event(3, "thread.created", { threadId: "t2", projectId: "p", title: "T2", model: "m", createdAt: T, updatedAt: T }));
    const other = m.threads[1];
    m = [delta(4, "draft"), delta(5, "final", false)].reduce(applyEvent, m);
    expect(m.threads[0].messages[0].text).toBe("final");
    expect(m.threads[1]).toBe(other);
  });

  it("tracks the latest turn from session to checkpoint, and pending approvals", () => {
    let m = applyEvent(base(), event(3, "thread.session-set", { threadId: "t", session: session("running", "u1") }));
    expect(m.threads[0].latestTurn?.state).toBe("running");
    const ask = activity("x1", "approval.requested", T, { tone: "approval", payload: { requestId: "r1" } });
    m = applyEvent(m, event(4, "thread.activity-appended", { threadId: "t", activity: ask }));
    expect(pendingRequests(m.threads[0]).map((a) => a.payload.requestId)).toEqual(["r1"]);
    const done = { ...ask, id: "x2", kind: "approval.resolved" };
    m = applyEvent(m, event(5, "thread.activity-appended", { threadId: "t", activity: done }));
    expect(pendingRequests(m.threads[0])).toEqual([]);
    m = applyEvent(m, diffCompleted(6, "u1", 1));
    expect(m.threads[0].latestTurn?.state).toBe("completed");
    expect(m.threads[0].checkpoints.length).toBe(1);
  });

  it("checkpoint statuses map to turn states, and checkpoints stay in turn order", () => {
    let m = applyEvent(base(), diffCompleted(3, "u2", 2, "missing"));
    expect(m.threads[0].latestTurn?.state).toBe("interrupted");
    m = applyEvent(m, diffCompleted(4, "u1", 1, "error"));
    expect(m.threads[0].latestTurn?.state).toBe("error");
    expect(m.threads[0].checkpoints.map((c) => c.checkpointTurnCount)).toEqual([1, 2]);
  });

  it("a question left open by a session that stopped is no longer pending", () => {
    let m = applyEvent(base(), event(3, "thread.session-set", { threadId: "t", session: session("running", "u1") }));
    const ask = activity("q1", "user-input.requested", T, { payload: { requestId: "r9" } });
    m = applyEvent(m, event(4, "thread.activity-appended", { threadId: "t", activity: ask }));
    expect(pendingRequests(m.threads[0]).length).toBe(1);
    m = applyEvent(m, event(5, "thread.session-set", { threadId: "t", session: session("stopped") }));
    expect(pendingRequests(m.threads[0])).toEqual([]);
  });

  it("renames, mode changes and deletion apply; unknown provider requests change nothing visible", () => {
    let m = applyEvent(base(), event(3, "thread.meta-updated", { threadId: "t", title: "Renamed", updatedAt: T }));
    m = applyEvent(m, event(4, "thread.runtime-mode-set", { threadId: "t", runtimeMode: "approval-required" }));
    m = applyEvent(m, event(5, "thread.turn-interrupt-requested", { threadId: "t" }));
    expect(m.threads[0].title).toBe("Renamed");
    expect(m.threads[0].runtimeMode).toBe("approval-required");
    expect(m.snapshotSequence).toBe(5);
    m = applyEvent(m, event(6, "thread.deleted", { threadId: "t", deletedAt: T }));
    expect(m.threads[0].deletedAt).toBe(T);
  });

  it("keeps at most 500 activities, the newest", () => {
    let m = base();
    for (let i = 0; i < 510; i++) {
      m = applyEvent(m, event(3 + i, "thread.activity-appended", { threadId: "t", activity: activity(`a${i}`, "tool.completed", T) }));
    }
    expect(m.threads[0].activities.length).toBe(500);
    expect(m.threads[0].activities[0].id).toBe("a10");
  });

  it("a revert needs the server's snapshot", () => {
    expect(() => applyEvent(base(), event(3, "thread.reverted", { threadId: "t", turnCount: 0 }))).toThrow(NeedsSnapshot);
  });
});

describe("turn state shown", () => {
  it("is never a stale running once the session has left running", () => {
    let m = applyEvent(base(), event(3, "thread.session-set", { threadId: "t", session: session("running", "u1") }));
    expect(isTurnRunning(m.threads[0])).toBe(true);
    expect(latestTurnLabel(m.threads[0])).toBe("running");
    for (const [status, label] of [["ready", "completed"], ["error", "error"], ["stopped", "interrupted"]]) {
      const after = applyEvent(m, event(4, "thread.session-set", { threadId: "t", session: session(status) }));
      expect(after.threads[0].latestTurn?.state).toBe("running"); // until the diff is recorded
      expect(isTurnRunning(after.threads[0])).toBe(false);
      expect(latestTurnLabel(after.threads[0])).toBe(label);
    }
    m = applyEvent(m, diffCompleted(4, "u1", 1));
    expect(latestTurnLabel(m.threads[0])).toBe("completed");
  });
});

describe("timelineRows", () => {
  it("puts the work between messages where it happened, hiding card kinds", () => {
    const rows = timelineRows(
      [message("m1", "2026-01-01T00:00:01Z"), message("m2", "2026-01-01T00:00:05Z")],
      [
        activity("a1", "tool.started", "2026-01-01T00:00:02Z"),
        activity("a2", "approval.requested", "2026-01-01T00:00:03Z"),
        activity("a3", "tool.completed", "2026-01-01T00:00:04Z"),
        activity("a4", "runtime.error", "2026-01-01T00:00:06Z", { tone: "error" }),
      ],
    );
    expect(rows.map((r) => (r.kind === "work" ? r.activities.map((a) => a.id).join("+") : r.id))).toEqual([
      "m1",
      "a1+a3",
      "m2",
      "a4",
    ]);
  });

  it("puts a proposed plan where it was made", () => {
    const plan = { id: "p1", turnId: "u1", planMarkdown: "1. x", createdAt: "2026-01-01T00:00:03Z", updatedAt: T };
    const rows = timelineRows(
      [message("m1", "2026-01-01T00:00:01Z"), message("m2", "2026-01-01T00:00:05Z")],
      [activity("a1", "tool.started", "2026-01-01T00:00:02Z"), activity("a2", "tool.started", "2026-01-01T00:00:04Z")],
      [plan],
    );
    expect(rows.map((r) => r.id)).toEqual(["m1", "work:a1", "plan:p1", "work:a2", "m2"]);
  });

  it("names who answered on a turn's first assistant message and when the agent changes", () => {
    const reply = (id: string, turnId: string, provider: string, model: string): Message => ({
      ...message(id, T), role: "assistant", turnId, answeredBy: { provider, model },
    });
    const rows = timelineRows(
      [
        message("u1", T),
        reply("a1", "t1", "codex", "gpt-5.4"),
        reply("a2", "t1", "codex", "gpt-5.4"),
        message("u2", T),
        reply("a3", "t2", "claudeAgent", "claude-sonnet-4-6"),
        { ...message("a4", T), role: "assistant", turnId: "t3" },
      ],
      [],
    );
    expect(rows.map((r) => (r.kind === "message" ? (r.agent ?? "") : ""))).toEqual([
      "",
      "Codex · gpt-5.4",
      "",
      "",
      "Claude Code · claude-sonnet-4-6",
      "",
    ]);
  });

  it("with no activities it is the messages, in order", () => {
    const rows = timelineRows([message("m1", T), message("m2", T)], []);
    expect(rows.map((r) => r.id)).toEqual(["m1", "m2"]);
  });
});
