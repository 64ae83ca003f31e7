// The terminal drawer: xterm.js on a server pty. A module of its own so xterm (about half the
// client's code) loads only when a terminal is first opened, not with the page.

import { useEffect, useRef, useState } from "react";
import { Terminal } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";
import "@xterm/xterm/css/xterm.css";

import { transport } from "./client";

const TERMINAL_ID = "default";

interface TerminalEvent {
  threadId?: string;
  terminalId?: string;
  type?: string;
  data?: string;
  message?: string;
  snapshot?: { history?: string };
}

export default function TerminalDrawer(props: { threadId: string; cwd: string; onClose: () => void }) {
  const { threadId, cwd, onClose } = props;
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!host.current) return;
    const terminal = new Terminal({ fontSize: 13, convertEol: false, scrollback: 5000 });
    term.current = terminal;
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(host.current);
    fit.fit();
    let disposed = false;
    const stop = transport.onPush((push) => {
      const e = push.data as TerminalEvent;
      if (push.channel !== "terminal.event" || e.threadId !== threadId || e.terminalId !== TERMINAL_ID) return;
      if (e.type === "output" && e.data) terminal.write(e.data);
      if (e.type === "cleared") terminal.clear();
      if (e.type === "restarted") {
        terminal.reset();
        terminal.write(e.snapshot?.history ?? "");
      }
      if (e.type === "exited") terminal.write("\r\n[process exited]\r\n");
      if (e.type === "error" && e.message) setError(e.message);
    });
    const size = () => ({ cols: terminal.cols, rows: terminal.rows });
    // Reopening shows what the shell printed before: the server keeps the history.
    transport
      .request<{ history: string }>({ _tag: "terminal.open", threadId, terminalId: TERMINAL_ID, cwd, ...size() })
      .then((snapshot) => !disposed && terminal.write(snapshot.history ?? ""))
      .catch((e: Error) => setError(e.message));
    const input = terminal.onData((data) => {
      transport
        .request({ _tag: "terminal.write", threadId, terminalId: TERMINAL_ID, data })
        .catch((e: Error) => setError(e.message));
    });
    const resize = new ResizeObserver(() => {
      const before = size();
      fit.fit();
      if (before.cols === terminal.cols && before.rows === terminal.rows) return;
      transport
        .request({ _tag: "terminal.resize", threadId, terminalId: TERMINAL_ID, ...size() })
        .catch((e: Error) => setError(e.message));
    });
    resize.observe(host.current);
    return () => {
      disposed = true;
      stop();
      input.dispose();
      resize.disconnect();
      term.current = null;
      terminal.dispose();
    };
  }, [threadId, cwd]);
  /** Sends `body`; true when it worked, else the server's message is shown. */
  const call = (body: { _tag: string; [k: string]: unknown }) =>
    transport.request(body).then(
      () => {
        setError(null);
        return true;
      },
      (e: Error) => {
        setError(e.message);
        return false;
      },
    );
  // Read when clicked: the terminal is fitted after the first render.
  const restart = () => {
    const size = { cols: term.current?.cols ?? 120, rows: term.current?.rows ?? 30 };
    void call({ _tag: "terminal.restart", threadId, terminalId: TERMINAL_ID, cwd, ...size });
  };
  return (
    <section className="drawer" data-testid="terminal-drawer" aria-label="Terminal">
      <div className="drawer-head">
        <strong>Terminal</strong>
        <button className="small" onClick={() => void call({ _tag: "terminal.clear", threadId, terminalId: TERMINAL_ID })}>
          clear
        </button>
        <button className="small" onClick={restart}>
          restart
        </button>
        <button
          className="small"
          title="End the shell and close the drawer"
          onClick={() =>
            void call({ _tag: "terminal.close", threadId, terminalId: TERMINAL_ID }).then((ok) => ok && onClose())
          }
        >
          close
        </button>
        <button className="small ghost" onClick={onClose} aria-label="Hide the terminal (the shell keeps running)" data-testid="hide-terminal">
          ✕
        </button>
        {error && <span className="error">{error}</span>}
      </div>
      <div className="xterm-host" ref={host} data-testid="terminal" />
    </section>
  );
}
