// An in-memory server side for the transport's unit tests: sockets the test opens, closes and
// talks through, and timers the test advances by hand.

import type { SocketLike } from "./transport";

export class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code?: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.readyState = 3;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** The server says something. */
  deliver(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  welcome(sequence = 1): void {
    this.deliver({ type: "push", sequence, channel: "server.welcome", data: { cwd: "/w", projectName: "w" } });
  }

  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }

  /** The requests the client sent, decoded. */
  requests(): Array<{ id: string; body: any }> {
    return this.sent.map((s) => JSON.parse(s));
  }
}

export class FakeClock {
  now = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private next = 0;

  set = (fn: () => void, ms: number): unknown => {
    const id = ++this.next;
    this.timers.push({ at: this.now + ms, fn, id });
    return id;
  };

  clear = (handle: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };

  advance(ms: number): void {
    this.now += ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= this.now).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.timers = this.timers.filter((t) => t !== due);
      due.fn();
    }
  }
}
