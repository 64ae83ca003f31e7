// The page's WebSocket, opened by the entry module before the app's code has even been fetched,
// with the first snapshot asked for at once: a cold start then waits for the larger of the
// two (code or data) instead of their sum. The transport adopts the socket when it starts.

import type { SocketLike } from "./transport";

export const EARLY_SNAPSHOT_ID = "early-snapshot";

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
  const buffer = (e: MessageEvent) => frames.push(e.data);
  socket.addEventListener("message", buffer);
  socket.addEventListener(
    "open",
    () => socket.send(JSON.stringify({ id: EARLY_SNAPSHOT_ID, body: { _tag: "orchestration.getSnapshot" } })),
    { once: true },
  );
  early = {
    socket: socket as unknown as SocketLike,
    requests: [EARLY_SNAPSHOT_ID],
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
