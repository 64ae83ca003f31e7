// One WebSocket to the server: typed requests with timeouts, pushes in arrival order, and
// reconnection with backoff. What to do after a reconnect (catching up on missed events) is
// the caller's: `onOpen` fires once per connection, after the server's welcome.

import { threadOfEarlyId, type EarlySocket } from "./early";
import { WELCOME_CHANNEL, type Incoming, type Push } from "./protocol";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

/** The subset of the browser WebSocket the transport uses (tests pass their own). */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface TransportOptions {
  url: string;
  makeSocket?: (url: string) => SocketLike;
  requestTimeoutMs?: number;
  /** Delay before reconnect attempt `n` (1-based). */
  backoffMs?: (attempt: number) => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** A socket opened before the transport existed, to adopt as the first connection. */
  early?: EarlySocket | null;
  /** Called instead of reconnecting when the server closes with 4001: this browser's
   * session was revoked, so no retry can succeed until it is paired again. */
  onSignedOut?: () => void;
}

/** The close code of a socket whose session was revoked. */
export const SIGNED_OUT_CLOSE_CODE = 4001;

class RequestError extends Error {}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: unknown;
}

function defaultBackoff(attempt: number): number {
  return Math.min(500 * 2 ** (attempt - 1), 10_000);
}

export class Transport {
  private socket: SocketLike | null = null;
  private state: ConnectionState = "connecting";
  private nextId = 0;
  private pending = new Map<string, Pending>();
  private outbox: string[] = [];
  private welcomed = false;
  private lastWelcome: unknown = null;
  private attempts = 0;
  private reconnectTimer: unknown = null;
  private stopped = false;
  private pushListeners = new Set<(push: Push) => void>();
  private stateListeners = new Set<(state: ConnectionState) => void>();
  private openListeners = new Set<() => void>();
  private readonly opts: Required<Omit<TransportOptions, "early" | "onSignedOut">> & Pick<TransportOptions, "onSignedOut">;
  /** Requests the early socket sent: their answers wait here until claimed. */
  private earlyIds = new Set<string>();
  private earlyAnswers = new Map<string, Incoming>();

  constructor(options: TransportOptions) {
    this.opts = {
      makeSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      requestTimeoutMs: 30_000,
      backoffMs: defaultBackoff,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...options,
    };
    const early = options.early;
    // A socket still connecting or open is adopted; one already failing is left to close.
    // Adopted after the constructor's caller has subscribed (what arrived so far is replayed).
    if (early && early.socket.readyState <= 1) queueMicrotask(() => this.adopt(early));
    else this.connect();
  }

  get connection(): ConnectionState {
    return this.state;
  }

  /** The data of the latest `server.welcome` push, or null before the first. */
  get welcome(): unknown {
    return this.lastWelcome;
  }

  onPush(listener: (push: Push) => void): () => void {
    this.pushListeners.add(listener);
    return () => this.pushListeners.delete(listener);
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called after every (re)connection, once the welcome has arrived, and at once when
   * subscribing to a connection that is already welcomed. */
  onOpen(listener: () => void): () => void {
    this.openListeners.add(listener);
    // A late subscriber to a connection that is already up is told at once.
    if (this.state === "open" && this.welcomed) listener();
    return () => this.openListeners.delete(listener);
  }

  /** Sends `{id, body}`; resolves with `result`, rejects with the server's message. */
  request<T = unknown>(body: { _tag: string; [key: string]: unknown }): Promise<T> {
    const id = `c${++this.nextId}`;
    const frame = JSON.stringify({ id, body });
    return this.track<T>(id, body._tag, () => {
      if (this.state === "open" && this.welcomed && this.socket) {
        this.socket.send(frame);
      } else {
        this.outbox.push(frame);
      }
    });
  }

  /** The thread the early socket subscribed to, while that answer is still unclaimed. */
  earlyThread(): string | null {
    for (const id of [...this.earlyIds, ...this.earlyAnswers.keys()]) {
      const thread = threadOfEarlyId(id);
      if (thread) return thread;
    }
    return null;
  }

  /** The answer to a request the early socket sent, or null if there was no such request. */
  claim<T = unknown>(id: string): Promise<T> | null {
    const answer = this.earlyAnswers.get(id);
    if (!this.earlyIds.has(id) && !answer) return null;
    this.earlyIds.delete(id);
    this.earlyAnswers.delete(id);
    return this.track<T>(id, id, () => answer && this.settle(answer));
  }

  /** Waits for the answer to request `id` (timing out with `label` in the message), then runs
   * `start`, which sends it or settles it at once. */
  private track<T>(id: string, label: string, start: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.opts.setTimer(() => {
        this.pending.delete(id);
        reject(new RequestError(`${label} timed out after ${this.opts.requestTimeoutMs} ms`));
      }, this.opts.requestTimeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      start();
    });
  }

  close(): void {
    this.stopped = true;
    if (this.reconnectTimer !== null) this.opts.clearTimer(this.reconnectTimer);
    this.socket?.close(1000, "client closing");
    this.setState("closed");
    this.failPending("the connection was closed");
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private connect(): void {
    this.attach(this.opts.makeSocket(this.opts.url));
  }

  private adopt(early: EarlySocket): void {
    const takeIds = () => {
      for (const id of early.requests) this.earlyIds.add(id);
    };
    takeIds();
    const socket = early.socket;
    this.attach(socket);
    if (socket.readyState === 1) socket.onopen?.({});
    else {
      // Still connecting: the early module sends its requests when the socket opens (its
      // listener runs before this one), and their answers are those requests'.
      const opened = socket.onopen;
      socket.onopen = (ev) => {
        takeIds();
        opened?.(ev);
      };
    }
    for (const frame of early.release()) this.receive(frame);
  }

  private attach(socket: SocketLike): void {
    this.welcomed = false;
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      this.setState("open");
    };
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onclose = (ev) => this.lost(socket, ev?.code);
    socket.onerror = () => {
      /* a close follows; reconnecting is decided there */
    };
  }

  private receive(raw: unknown): void {
    if (typeof raw !== "string") return;
    let message: Incoming;
    try {
      message = JSON.parse(raw) as Incoming;
    } catch {
      return;
    }
    if ("type" in message && message.type === "push") {
      if (message.channel === WELCOME_CHANNEL) this.lastWelcome = message.data;
      for (const listener of this.pushListeners) listener(message);
      if (message.channel === WELCOME_CHANNEL && !this.welcomed) {
        this.welcomed = true;
        // Requests made while disconnected go out now, in the order they were made.
        const queued = this.outbox.splice(0);
        for (const frame of queued) this.socket?.send(frame);
        for (const listener of this.openListeners) listener();
      }
      return;
    }
    this.settle(message);
  }

  private settle(message: Incoming): void {
    const id = (message as ResponseLike).id;
    const pending = this.pending.get(id);
    if (!pending) {
      // An early request's answer, before anyone claimed it.
      if (this.earlyIds.has(id)) this.earlyAnswers.set(id, message);
      return;
    }
    this.pending.delete(id);
    this.opts.clearTimer(pending.timer);
    if ("error" in message && message.error) {
      pending.reject(new RequestError(message.error.message));
    } else {
      pending.resolve((message as { result?: unknown }).result ?? null);
    }
  }

  private failPending(reason: string): void {
    for (const [id, pending] of this.pending) {
      this.opts.clearTimer(pending.timer);
      pending.reject(new RequestError(reason));
      this.pending.delete(id);
    }
    this.outbox = [];
  }

  private lost(socket: SocketLike, code?: number): void {
    if (socket !== this.socket || this.stopped) return;
    this.socket = null;
    if (code === SIGNED_OUT_CLOSE_CODE) {
      this.stopped = true;
      this.failPending("this browser was signed out");
      this.setState("closed");
      this.opts.onSignedOut?.();
      return;
    }
    // An early request not yet answered never will be; an answer already here still counts.
    this.earlyIds.clear();
    // What was in flight may or may not have been done; the caller decides whether to retry.
    this.failPending("the connection to the server was lost");
    this.setState("reconnecting");
    this.attempts += 1;
    this.reconnectTimer = this.opts.setTimer(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, this.opts.backoffMs(this.attempts));
  }
}

interface ResponseLike {
  id: string;
}
