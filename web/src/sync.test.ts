import { describe, expect, it } from "vitest";

import type { DomainEvent } from "./protocol";
import { Sync } from "./sync";
import { created, delta, empty, event, FakeClock, FakeSocket } from "./testing";
import { applyEvent } from "./model";
import { Transport } from "./transport";
import { EARLY_SNAPSHOT_ID, type EarlySocket } from "./early";

/** A socket the page opened before the app: it already sent the snapshot request, and
 * `frames` arrived on it before the transport took it over. */
function earlySocket(frames: unknown[]): { early: EarlySocket; socket: FakeSocket } {
  const socket = new FakeSocket();
  socket.readyState = 1;
  const early: EarlySocket = {
    socket,
    requests: [EARLY_SNAPSHOT_ID],
    release: () => frames.map((f) => JSON.stringify(f)),
  };
  return { early, socket };
}

const welcome = { type: "push", sequence: 1, channel: "server.welcome", data: { cwd: "/w", projectName: "w" } };
const push = (e: DomainEvent) => ({ type: "push", sequence: 2, channel: "orchestration.domainEvent", data: e });

function rig(early: EarlySocket | null = null) {
  const sockets: FakeSocket[] = [];
  const clock = new FakeClock();
  const transport = new Transport({
    url: "ws://test/",
    early,
    makeSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    backoffMs: () => 10,
    setTimer: clock.set,
    clearTimer: clock.clear,
  });
  const sync = new Sync(transport);
  return { sockets, clock, sync, transport };
}

/** Answers the socket's unanswered requests with `answer(body)`; returns their tags. */
function serve(socket: FakeSocket, answered: Set<string>, answer: (body: any) => unknown): string[] {
  const tags: string[] = [];
  for (const r of socket.requests()) {
    if (answered.has(r.id)) continue;
    answered.add(r.id);
    tags.push(r.body._tag + (r.body.fromSequenceExclusive !== undefined ? `>${r.body.fromSequenceExclusive}` : ""));
    socket.deliver({ id: r.id, result: answer(r.body) });
  }
  return tags;
}

const tick = () => new Promise((r) => setTimeout(r, 0));

/** Opens the socket, welcomes the client and answers its snapshot request with one thread. */
async function connect(socket: FakeSocket, answered: Set<string>) {
  socket.open();
  socket.welcome();
  serve(socket, answered, () => created.reduce(applyEvent, empty()));
  await tick();
}

describe("Sync", () => {
  it("uses the snapshot the early socket asked for, with the events that came before it", async () => {
    const snapshot = created.reduce(applyEvent, empty());
    const { early, socket } = earlySocket([
      welcome,
      push(delta(3, "Hel")),
      { id: EARLY_SNAPSHOT_ID, result: snapshot },
    ]);
    const { sync, sockets, transport } = rig(early);
    await tick();
    // What came before the app was listening is still known: the welcome names the bootstrap.
    expect(transport.welcome).toEqual(welcome.data);
    socket.deliver(push(delta(4, "lo")));
    expect(sync.model?.threads[0].messages[0].text).toBe("Hello");
    expect(socket.requests()).toEqual([]); // no second snapshot
    expect(sockets).toEqual([]); // and no second socket
  });

  it("an early socket lost before its answer: the next connection takes a snapshot of its own", async () => {
    const { early, socket } = earlySocket([welcome]);
    const { sync, sockets, clock } = rig(early);
    await tick();
    socket.drop();
    clock.advance(10);
    sockets[0].open();
    sockets[0].welcome();
    await tick();
    const tags = serve(sockets[0], new Set(), () => created.reduce(applyEvent, empty()));
    await tick();
    expect(tags).toEqual(["orchestration.getSnapshot"]);
    expect(sync.model?.threads[0].id).toBe("t");
  });

  it("takes a snapshot, applies pushes in order and ignores repeats", async () => {
    const { sockets, sync } = rig();
    const answered = new Set<string>();
    sockets[0].open();
    sockets[0].welcome();
    expect(serve(sockets[0], answered, () => created.reduce(applyEvent, empty()))).toEqual([
      "orchestration.getSnapshot",
    ]);
    await tick();
    for (const e of [delta(3, "a"), delta(3, "a"), delta(4, "b")]) {
      sockets[0].deliver({ type: "push", sequence: e.sequence, channel: "orchestration.domainEvent", data: e });
    }
    expect(sync.model?.threads[0].messages[0].text).toBe("ab");
  });

  it("after a reconnect, replays from the last applied event so the last message is whole", async () => {
    const { sockets, sync, clock } = rig();
    const answered = new Set<string>();
    await connect(sockets[0], answered);
    sockets[0].deliver({ type: "push", sequence: 2, channel: "orchestration.domainEvent", data: delta(3, "Hel") });
    sockets[0].drop(); // events 4 and 5 happen while we are away
    clock.advance(10);
    sockets[1].open();
    sockets[1].welcome();
    // A push that overtakes the catch-up is kept and applied once, in order.
    sockets[1].deliver({ type: "push", sequence: 2, channel: "orchestration.domainEvent", data: delta(6, "!") });
    const pages: DomainEvent[][] = [[delta(4, "lo"), delta(5, " there")], []];
    let tags = serve(sockets[1], answered, () => pages.shift());
    await tick();
    tags = tags.concat(serve(sockets[1], answered, () => pages.shift()));
    await tick();
    expect(tags).toEqual(["orchestration.replayEvents>3", "orchestration.replayEvents>5"]);
    expect(sync.model?.threads[0].messages[0].text).toBe("Hello there!");
    expect(sync.lastSequence).toBe(6);
  });

  it("a gap in pushes is filled from the log, not skipped", async () => {
    const { sockets, sync } = rig();
    const answered = new Set<string>();
    await connect(sockets[0], answered);
    sockets[0].deliver({ type: "push", sequence: 2, channel: "orchestration.domainEvent", data: delta(4, "b") });
    const pages: DomainEvent[][] = [[delta(3, "a"), delta(4, "b")], []];
    serve(sockets[0], answered, () => pages.shift());
    await tick();
    serve(sockets[0], answered, () => pages.shift());
    await tick();
    expect(sync.model?.threads[0].messages[0].text).toBe("ab");
  });

  it("a revert takes a fresh snapshot", async () => {
    const { sockets, sync } = rig();
    const answered = new Set<string>();
    await connect(sockets[0], answered);
    const reverted = event(3, "thread.reverted", { threadId: "t", turnCount: 0 });
    sockets[0].deliver({ type: "push", sequence: 2, channel: "orchestration.domainEvent", data: reverted });
    const tags = serve(sockets[0], answered, () => ({ ...created.reduce(applyEvent, empty()), snapshotSequence: 3 }));
    await tick();
    expect(tags).toEqual(["orchestration.getSnapshot"]);
    expect(sync.lastSequence).toBe(3);
  });
});
