import { describe, expect, it } from "vitest";

import type { Message, Thread } from "./protocol";
import { Sync } from "./sync";
import { delta, event, FakeClock, FakeSocket, T } from "./testing";
import { Transport } from "./transport";
import { EARLY_SHELL_ID, earlyThreadId, type EarlySocket } from "./early";

const welcome = { type: "push", sequence: 1, channel: "server.welcome", data: { cwd: "/w", projectName: "w" } };
const project = { id: "p", title: "P", workspaceRoot: "/w", defaultModel: null, createdAt: T, updatedAt: T };
const row = (id: string): Thread =>
  ({ id, projectId: "p", title: id, model: "m", runtimeMode: "full-access", interactionMode: "default", branch: null,
     worktreePath: null, latestTurn: null, createdAt: T, updatedAt: T, archivedAt: null, latestUserMessageAt: null,
     hasPendingApprovals: false, session: null }) as unknown as Thread;
const msg = (n: number): Message => ({ id: `m${n}`, role: "user", text: `message ${n}`, turnId: null, streaming: false, createdAt: T, updatedAt: T });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => msg(from + i));
const shellItem = (sequence: number) => ({ kind: "snapshot", snapshot: { snapshotSequence: sequence, projects: [project], threads: [row("t"), row("u")], updatedAt: T } });
const threadItem = (id: string, sequence: number, messages: Message[], historyCursor: string | null) => ({
  kind: "snapshot",
  snapshot: { snapshotSequence: sequence, thread: { ...row(id), messages, activities: [], proposedPlans: [], checkpoints: [] }, historyCursor },
});
const threadPush = (e: object) => ({ type: "push", sequence: 9, channel: "orchestration.threadEvent", data: { kind: "event", event: e } });

function rig(early: EarlySocket | null = null) {
  const sockets: FakeSocket[] = [];
  const clock = new FakeClock();
  const transport = new Transport({
    url: "ws://test/", early,
    makeSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    backoffMs: () => 10, setTimer: clock.set, clearTimer: clock.clear,
  });
  return { sockets, clock, sync: new Sync(transport) };
}

/** Answers the socket's unanswered requests with `answer(body)`; returns their tags. */
function serve(socket: FakeSocket, answered: Set<string>, answer: (body: any) => unknown): string[] {
  const tags: string[] = [];
  for (const r of socket.requests()) {
    if (answered.has(r.id)) continue;
    answered.add(r.id);
    tags.push(r.body._tag + (r.body.threadId ? ` ${r.body.threadId}` : ""));
    socket.deliver({ id: r.id, result: answer(r.body) });
  }
  return tags;
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const texts = (sync: Sync, id = "t") => sync.model!.threads.find((t) => t.id === id)!.messages.map((m) => m.id);

/** A server with thread t of `total` messages (m0…), pages of 100 from cursor "before:N". */
function server(total: number, sequence = 10) {
  return (body: any) => {
    switch (body._tag) {
      case "orchestration.subscribeShell":
        return shellItem(sequence);
      case "orchestration.subscribeThread":
        return threadItem(body.threadId, sequence, range(Math.max(0, total - 100), total), total > 100 ? `before:${total - 100}` : null);
      case "orchestration.getThreadHistory": {
        const end = Number(body.before.split(":")[1]);
        const start = Math.max(0, end - body.limit);
        return { messages: range(start, end).reverse(), activities: [], proposedPlans: [], checkpoints: [], historyCursor: start > 0 ? `before:${start}` : null };
      }
      default:
        return null;
    }
  };
}

async function connect(socket: FakeSocket, answered: Set<string>, answer: (body: any) => unknown) {
  socket.open();
  socket.welcome();
  const tags = serve(socket, answered, answer);
  await tick();
  return tags;
}

describe("Sync (subscriptions)", () => {
  it("loads the shell, then subscribes to the open thread only, with its newest page", async () => {
    const { sockets, sync } = rig();
    const answered = new Set<string>();
    expect(await connect(sockets[0], answered, server(250))).toEqual(["orchestration.subscribeShell"]);
    expect(sync.model!.threads.map((t) => [t.id, t.messages.length])).toEqual([["t", 0], ["u", 0]]);
    expect(sync.model!.threads[0].archivedAt).toBeNull(); // the summary's own fields are kept
    sync.open("t");
    expect(serve(sockets[0], answered, server(250))).toEqual(["orchestration.subscribeThread t"]);
    expect(sockets[0].requests().at(-1)!.body.limit).toBe(100);
    await tick();
    expect(texts(sync)).toEqual(range(150, 250).map((m) => m.id));
    expect(sync.model!.threads[0]).toMatchObject({ loaded: true, hasOlder: true, loadingOlder: false });
  });

  it("pages older history in front until the first message, each message once", async () => {
    const { sockets, sync } = rig();
    const answered = new Set<string>();
    await connect(sockets[0], answered, server(250));
    sync.open("t");
    serve(sockets[0], answered, server(250));
    await tick();
    while (sync.hasOlder("t")) {
      const loading = sync.loadOlder("t");
      void sync.loadOlder("t"); // a second scroll event while one page is on its way asks nothing
      expect(sync.model!.threads[0].loadingOlder).toBe(true);
      expect(serve(sockets[0], answered, server(250))).toEqual(["orchestration.getThreadHistory t"]);
      await loading;
    }
    expect(texts(sync)).toEqual(range(0, 250).map((m) => m.id));
    expect(sync.model!.threads[0].hasOlder).toBe(false);
  });

  it("switching threads unsubscribes the old one and drops its history", async () => {
    const { sockets, sync } = rig();
    const answered = new Set<string>();
    await connect(sockets[0], answered, server(5));
    sync.open("t");
    serve(sockets[0], answered, server(5));
    await tick();
    sync.open("u");
    expect(serve(sockets[0], answered, server(5))).toEqual(["orchestration.unsubscribeThread t", "orchestration.subscribeThread u"]);
    await tick();
    expect(texts(sync, "t")).toEqual([]);
    expect(texts(sync, "u")).toHaveLength(5);
    // A late push of the old thread's stream changes nothing.
    sockets[0].deliver(threadPush(event(11, "thread.message-sent", { threadId: "t", messageId: "late", role: "user", text: "x", streaming: false, createdAt: T, updatedAt: T })));
    expect(texts(sync, "t")).toEqual([]);
  });

  it("after a reconnect re-subscribes and joins the fresh window to what was paged in: no gap, no duplicate", async () => {
    const { sockets, sync, clock } = rig();
    const answered = new Set<string>();
    await connect(sockets[0], answered, server(250));
    sync.open("t");
    serve(sockets[0], answered, server(250));
    await tick();
    const page = sync.loadOlder("t");
    serve(sockets[0], answered, server(250));
    await page; // m50…m249 here
    sockets[0].deliver(threadPush(delta(11, "Hel")));
    sockets[0].drop();
    clock.advance(10);
    // While away: 30 more messages, and the answer a1 finished.
    const after = (body: any) => {
      if (body._tag !== "orchestration.subscribeThread") return server(280, 50)(body);
      const messages = range(180, 280).concat({ ...msg(0), id: "a1", role: "assistant", text: "Hello there" });
      return threadItem("t", 50, messages, "before:180");
    };
    const tags = await connect(sockets[1], new Set(), after);
    expect(tags).toEqual(["orchestration.subscribeShell", "orchestration.subscribeThread t"]);
    const ids = texts(sync);
    expect(ids).toEqual(range(50, 280).map((m) => m.id).concat("a1"));
    expect(sync.model!.threads[0].messages.at(-1)!.text).toBe("Hello there");
    // An event from before the snapshot is not applied again; one after it is.
    sockets[1].deliver(threadPush(delta(50, " again")));
    sockets[1].deliver(threadPush(delta(51, "!")));
    expect(sync.model!.threads[0].messages.at(-1)!.text).toBe("Hello there!");
    // The kept part's cursor still leads to the rest.
    const older = sync.loadOlder("t");
    expect(sockets[1].requests().at(-1)!.body.before).toBe("before:50");
    serve(sockets[1], new Set(sockets[1].requests().slice(0, -1).map((r) => r.id)), server(280, 50));
    await older;
    expect(new Set(texts(sync)).size).toBe(texts(sync).length);
    expect(texts(sync)[0]).toBe("m0");
  });

  it("a fresh window that does not reach what was paged in replaces it, with its own cursor", async () => {
    const { sockets, sync, clock } = rig();
    await connect(sockets[0], new Set(), server(250));
    sync.open("t");
    serve(sockets[0], new Set(sockets[0].requests().slice(0, 1).map((r) => r.id)), server(250));
    await tick();
    sockets[0].drop();
    clock.advance(10);
    await connect(sockets[1], new Set(), server(600, 80));
    expect(texts(sync)).toEqual(range(500, 600).map((m) => m.id));
    expect(sync.hasOlder("t")).toBe(true);
  });

  it("uses the shell subscription the early socket sent", async () => {
    const socket = new FakeSocket();
    socket.readyState = 1;
    const early: EarlySocket = {
      socket, requests: [EARLY_SHELL_ID],
      release: () => [welcome, { id: EARLY_SHELL_ID, result: shellItem(3) }].map((f) => JSON.stringify(f)),
    };
    const { sync, sockets } = rig(early);
    await tick();
    await tick();
    expect(sync.model!.threads.map((t) => t.id)).toEqual(["t", "u"]);
    expect(socket.requests()).toEqual([]); // no second shell request
    expect(sockets).toEqual([]);
  });

  it("takes the early socket's thread page before the app opens the thread", async () => {
    const socket = new FakeSocket();
    socket.readyState = 1;
    const threadId = earlyThreadId("u");
    const early: EarlySocket = {
      socket, requests: [EARLY_SHELL_ID, threadId],
      release: () =>
        [welcome, { id: EARLY_SHELL_ID, result: shellItem(3) }, { id: threadId, result: threadItem("u", 3, range(0, 2), null) }]
          .map((f) => JSON.stringify(f)),
    };
    const { sync } = rig(early);
    await tick();
    await tick();
    // No open() yet: the page the early socket asked for is already in the model.
    expect(sync.openThreadId).toBe("u");
    expect(texts(sync, "u")).toEqual(["m0", "m1"]);
    // The app then opens the same thread: nothing more is asked.
    sync.open("u");
    expect(socket.requests()).toEqual([]);
  });

  it("takes the early socket's answers when it was adopted before it opened", async () => {
    // The app's code can load before the socket is open: the early requests are sent on open,
    // after the transport took the socket over.
    const socket = new FakeSocket();
    const requests: string[] = [];
    const threadId = earlyThreadId("u");
    const early: EarlySocket = { socket, requests, release: () => [] };
    const { sync, sockets } = rig(early);
    await tick();
    requests.push(EARLY_SHELL_ID, threadId);
    socket.open();
    socket.welcome();
    socket.deliver({ id: EARLY_SHELL_ID, result: shellItem(3) });
    socket.deliver({ id: threadId, result: threadItem("u", 3, range(0, 2), null) });
    await tick();
    await tick();
    expect(sync.openThreadId).toBe("u");
    expect(texts(sync, "u")).toEqual(["m0", "m1"]);
    expect(socket.requests()).toEqual([]); // neither asked for again
    expect(sockets).toEqual([]);
  });

  it("a revert re-subscribes for the server's word on what is left", async () => {
    const { sockets, sync } = rig();
    const answered = new Set<string>();
    await connect(sockets[0], answered, server(5));
    sync.open("t");
    serve(sockets[0], answered, server(5));
    await tick();
    sockets[0].deliver(threadPush(event(12, "thread.reverted", { threadId: "t", turnCount: 0 })));
    expect(serve(sockets[0], answered, () => threadItem("t", 12, range(0, 2), null))).toEqual(["orchestration.subscribeThread t"]);
    await tick();
    expect(texts(sync)).toEqual(["m0", "m1"]);
  });
});
