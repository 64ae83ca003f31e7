// The page's WebSocket, opened by the entry module before the app's code has even been fetched,
// with the shell subscription (and, on a thread's URL, that thread's) sent at once: a cold start
// then waits for the larger of the two (code or data) instead of their sum. The transport
// adopts the socket when it starts.

import type { SocketLike } from "./transport";

export const EARLY_SHELL_ID = "early-shell";

const EARLY_THREAD = "early-thread:";

/** The id of the early subscription to `threadId`'s history. */
export function earlyThreadId(threadId: string): string {
  return `${EARLY_THREAD}${threadId}`;
}

/** The thread an early request id subscribed to, if it is such a request. */
export function threadOfEarlyId(id: string): string | null {
  return id.startsWith(EARLY_THREAD) ? id.slice(EARLY_THREAD.length) : null;
}

/** The thread a `/<threadId>` URL names, if any. */
export function threadInPath(path: string): string | null {
  const id = decodeURIComponent(path.replace(/^\/+|\/+$/g, ""));
  return /^[\w.:-]{1,256}$/.test(id) ? id : null;
}

export interface EarlySocket {
  socket: SocketLike;
  /** Ids of the requests already sent on it. */
  requests: string[];
  /** Stops buffering and hands over what arrived so far, in order. */
  release(): unknown[];
}

export function socketUrl(): string {
  const here = new URL(window.location.href);
  const url = new URL("/ws", here);
  url.protocol = here.protocol === "https:" ? "wss:" : "ws:";
  const token = here.searchParams.get("token");
  if (token) url.searchParams.set("token", token);
  return url.toString();
}

let early: EarlySocket | null = null;

export function openEarly(url: string): void {
  if (typeof WebSocket === "undefined") return;
  const socket = new WebSocket(url);
  const frames: unknown[] = [];
  const ids: string[] = [];
  const send = (id: string, body: object) => {
    ids.push(id);
    socket.send(JSON.stringify({ id, body }));
  };
  // Limit: sync.ts's PAGE (not imported, to keep this entry module tiny).
  const subscribeThread = (threadId: string) =>
    send(earlyThreadId(threadId), { _tag: "orchestration.subscribeThread", threadId, limit: 100 });
  let thread = threadInPath(window.location.pathname);
  const buffer = (e: MessageEvent) => {
    frames.push(e.data);
    // On "/", the page opens on the welcome's bootstrap thread: its history is asked for too.
    if (thread || frames.length > 1 || typeof e.data !== "string") return;
    try {
      const first = JSON.parse(e.data);
      thread = first?.channel === "server.welcome" ? (first.data?.bootstrapThreadId ?? null) : null;
      if (thread) subscribeThread(thread);
    } catch {
      // Not JSON: the transport reports it.
    }
  };
  socket.addEventListener("message", buffer);
  socket.addEventListener(
    "open",
    () => {
      send(EARLY_SHELL_ID, { _tag: "orchestration.subscribeShell", includeArchived: true });
      if (thread) subscribeThread(thread);
    },
    { once: true },
  );
  early = {
    socket: socket as unknown as SocketLike,
    requests: ids,
    release() {
      socket.removeEventListener("message", buffer);
      return frames.splice(0);
    },
  };
}

/** The early socket, once (later connections are the transport's own). */
export function takeEarly(): EarlySocket | null {
  const taken = early;
  early = null;
  return taken;
}
