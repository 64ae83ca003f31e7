import { describe, expect, it } from "vitest";

import { FakeClock, FakeSocket } from "./testing";
import { Transport } from "./transport";

function rig(onSignedOut?: () => void) {
  const sockets: FakeSocket[] = [];
  const clock = new FakeClock();
  const states: string[] = [];
  const transport = new Transport({
    onSignedOut,
    url: "ws://test/",
    makeSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    requestTimeoutMs: 1000,
    backoffMs: (n) => 100 * n,
    setTimer: clock.set,
    clearTimer: clock.clear,
  });
  transport.onState((s) => states.push(s));
  return { transport, sockets, clock, states };
}

describe("Transport", () => {
  it("holds requests until the welcome, then sends them in order and matches answers by id", async () => {
    const { transport, sockets } = rig();
    const a = transport.request({ _tag: "server.getConfig" });
    const b = transport.request({ _tag: "orchestration.getSnapshot" });
    const socket = sockets[0];
    socket.open();
    expect(socket.sent).toEqual([]);
    socket.welcome();
    const sent = socket.requests();
    expect(sent.map((r) => r.body._tag)).toEqual(["server.getConfig", "orchestration.getSnapshot"]);
    // Answers may come in any order; each finds its request.
    socket.deliver({ id: sent[1].id, result: { snapshotSequence: 3 } });
    socket.deliver({ id: sent[0].id, error: { message: "no config" } });
    await expect(b).resolves.toEqual({ snapshotSequence: 3 });
    await expect(a).rejects.toThrow("no config");
  });

  it("delivers pushes in arrival order", () => {
    const { transport, sockets } = rig();
    const seen: number[] = [];
    transport.onPush((p) => seen.push(p.sequence));
    sockets[0].open();
    sockets[0].welcome(1);
    for (const sequence of [2, 3, 4]) {
      sockets[0].deliver({ type: "push", sequence, channel: "orchestration.domainEvent", data: {} });
    }
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it("times a request out with a message naming it", async () => {
    const { transport, sockets, clock } = rig();
    sockets[0].open();
    sockets[0].welcome();
    const slow = transport.request({ _tag: "git.status", cwd: "/w" });
    clock.advance(1001);
    await expect(slow).rejects.toThrow("git.status timed out after 1000 ms");
  });

  it("reconnects with backoff, fails what was in flight, and says so", async () => {
    const { transport, sockets, clock, states } = rig();
    let opened = 0;
    transport.onOpen(() => opened++);
    sockets[0].open();
    sockets[0].welcome();
    const inFlight = transport.request({ _tag: "orchestration.getSnapshot" });
    sockets[0].drop();
    await expect(inFlight).rejects.toThrow("lost");
    expect(transport.connection).toBe("reconnecting");
    clock.advance(99);
    expect(sockets.length).toBe(1);
    clock.advance(1);
    expect(sockets.length).toBe(2);
    sockets[1].drop(); // the second attempt fails too: a longer wait
    clock.advance(199);
    expect(sockets.length).toBe(2);
    clock.advance(1);
    sockets[2].open();
    sockets[2].welcome();
    expect(opened).toBe(2);
    expect(states).toEqual(["open", "reconnecting", "open"]);
    expect(transport.connection).toBe("open");
  });

  it("stops and tells the app when its session is revoked (4001), instead of retrying", async () => {
    let signedOut = 0;
    const { transport, sockets, clock } = rig(() => signedOut++);
    sockets[0].open();
    sockets[0].welcome();
    const inFlight = transport.request({ _tag: "orchestration.getSnapshot" });
    sockets[0].drop(4001);
    await expect(inFlight).rejects.toThrow("signed out");
    expect(signedOut).toBe(1);
    expect(transport.connection).toBe("closed");
    clock.advance(10_000);
    expect(sockets.length).toBe(1);
  });
});
