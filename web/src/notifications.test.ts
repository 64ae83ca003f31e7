import { describe, expect, it } from "vitest";

import { applyEvent } from "./model";
import { notificationsFor } from "./notifications";
import type { ReadModel } from "./protocol";
import { created, empty, event, T } from "./testing";

const session = (status: string, activeTurnId: string | null = null) => ({
  threadId: "t", status, providerName: "codex", runtimeMode: "full-access", activeTurnId, lastError: null, updatedAt: T,
});

describe("notificationsFor", () => {
  const start: ReadModel = created.reduce(applyEvent, empty());
  const running = applyEvent(start, event(3, "thread.session-set", { threadId: "t", session: session("running", "u1") }));

  it("says nothing about the state the page opened on, or about a turn starting", () => {
    expect(notificationsFor(null, running)).toEqual([]);
    expect(notificationsFor(start, running)).toEqual([]);
  });

  it("announces an approval once, and the end of the turn", () => {
    const ask = { id: "x1", tone: "approval", kind: "approval.requested", summary: "Command approval requested",
      payload: { requestId: "r1" }, turnId: "u1", createdAt: T };
    const asking = applyEvent(running, event(4, "thread.activity-appended", { threadId: "t", activity: ask }));
    expect(notificationsFor(running, asking)).toEqual(["T: Command approval requested"]);
    const more = applyEvent(asking, event(5, "thread.meta-updated", { threadId: "t", title: "T", updatedAt: T }));
    expect(notificationsFor(asking, more)).toEqual([]);
    const ended = applyEvent(more, event(6, "thread.session-set", { threadId: "t", session: session("error") }));
    expect(notificationsFor(more, ended)).toEqual(["T: turn error"]);
  });
});
