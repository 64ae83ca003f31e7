// A small promise-based client of the t3rs WebSocket protocol, for the browser bench's setup.

import WebSocket from "ws";

export default class WebSocketClient {
  static connect(url) {
    return new Promise((ok, bad) => {
      const socket = new WebSocket(url, { headers: { origin: url.replace(/^ws/, "http").replace(/\/ws$/, "") } });
      socket.once("open", () => ok(new WebSocketClient(socket)));
      socket.once("error", bad);
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.next = 0;
    this.waiters = new Map();
    this.watchers = [];
    this.pushes = [];
    socket.on("message", (raw) => {
      const message = JSON.parse(raw.toString());
      if (message.type === "push") {
        this.pushes.push(message);
        this.watchers = this.watchers.filter((w) => !(w.test(message) && (w.ok(message), true)));
        return;
      }
      const waiter = this.waiters.get(message.id);
      if (!waiter) return;
      this.waiters.delete(message.id);
      if (message.error) waiter.bad(new Error(message.error.message));
      else waiter.ok(message.result);
    });
  }

  welcome() {
    return this.waitFor((p) => p.channel === "server.welcome").then((p) => p.data);
  }

  /** Resolves with the first push (already received or future) that passes `test`. */
  waitFor(test) {
    const seen = this.pushes.find(test);
    if (seen) {
      this.pushes = this.pushes.filter((p) => p !== seen);
      return Promise.resolve(seen);
    }
    return new Promise((ok) => this.watchers.push({ test, ok }));
  }

  request(body) {
    const id = `b${++this.next}`;
    this.socket.send(JSON.stringify({ id, body }));
    return new Promise((ok, bad) => this.waiters.set(id, { ok, bad }));
  }

  close() {
    this.socket.close();
  }
}
