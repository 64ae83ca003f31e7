// For the unit tests: an in-memory server side for the transport (sockets the test opens,
// closes and talks through, timers it advances by hand) and read-model fixtures.

import type { DomainEvent, ReadModel } from "./protocol";
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

  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
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

// Read-model fixtures: a project with one thread "t", and events to grow it.

export const T = "2026-01-01T00:00:00.000Z";

export function event(sequence: number, type: string, payload: object): DomainEvent {
  return { sequence, eventId: `e${sequence}`, occurredAt: T, type, payload };
}

export function empty(sequence = 0): ReadModel {
  return { snapshotSequence: sequence, projects: [], threads: [], updatedAt: T };
}

export const created = [
  event(1, "project.created", { projectId: "p", title: "P", workspaceRoot: "/w", createdAt: T, updatedAt: T }),
  event(2, "thread.created", { threadId: "t", projectId: "p", title: "T", model: "m", createdAt: T, updatedAt: T }),
];

export function delta(sequence: number, text: string, streaming = true): DomainEvent {
  return event(sequence, "thread.message-sent", {
    threadId: "t", messageId: "a1", role: "assistant", text, streaming, turnId: "u1",
    createdAt: T, updatedAt: T,
  });
}

