// The app's hooks: the synchronised read model and connection, server config and keybindings,
// notifications, and running an action with its error shown where it was taken.

import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";

import { sync, transport } from "./client";
import { CLIENT_BINDINGS, commandFor, type Binding } from "./keybindings";
import { notificationsFor } from "./notifications";
import { WELCOME_CHANNEL, type ReadModel, type Welcome } from "./protocol";
import type { ConnectionState } from "./transport";

/** What a failure says: an Error's message, or the thrown value as text. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs an action, keeping the server's message (shown where the action was taken) and
 * whether it is still running. */
export function useAction(): [string | null, boolean, (run: () => Promise<unknown>) => Promise<void>] {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (run: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await run();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return [error, busy, act];
}

/** The read model, re-rendered at most once per animation frame however fast events come. */
export function useModel(): ReadModel | null {
  const [model, setModel] = useState<ReadModel | null>(sync.model);
  const current = useRef<ReadModel | null>(sync.model);
  // Subscribed as the app mounts, not after its first paint: the shell and the open thread's
  // page usually arrive in between, and a passive effect would leave them waiting a frame.
  useLayoutEffect(() => {
    let frame = 0;
    let latest: ReadModel | null = null;
    const unsubscribe = sync.subscribe((m) => {
      // The model the first render already had (subscribe hands it over again).
      if (m === current.current && !frame) return;
      latest = m;
      // The first model is rendered at once (it is what the page opens on); updates wait
      // for the next frame.
      if (!frame && !current.current) {
        current.current = m;
        flushSync(() => setModel(m));
        return;
      }
      if (!frame) {
        frame = requestAnimationFrame(() => {
          frame = 0;
          current.current = latest;
          setModel(latest);
        });
      }
    });
    return () => {
      unsubscribe();
      if (frame) cancelAnimationFrame(frame);
    };
  }, []);
  return model;
}

export function useConnection(): ConnectionState {
  const [state, setState] = useState(transport.connection);
  useEffect(() => {
    const unsubscribe = transport.onState(setState);
    // It may have changed between the first render and this subscription.
    setState(transport.connection);
    return unsubscribe;
  }, []);
  return state;
}

export function useWelcome(): Welcome | null {
  // The welcome may have come before the app rendered (the socket opens first): start from it.
  const [welcome, setWelcome] = useState<Welcome | null>(transport.welcome as Welcome | null);
  useEffect(() => {
    const stop = transport.onPush((push) => {
      if (push.channel === WELCOME_CHANNEL) setWelcome(push.data as Welcome);
    });
    setWelcome(transport.welcome as Welcome | null);
    return stop;
  }, []);
  return welcome;
}

/** Browser notifications, while the tab is hidden, when a turn ends or codex needs an answer
 * (permission is asked for on the first send, a user gesture). */
export function useNotifications() {
  useEffect(() => {
    let previous: ReadModel | null = null;
    // Called for every event (each streamed delta): the cheap checks come first. A visible
    // page never touches `Notification`: its first read costs Chromium ~25 ms (a profile of the
    // cold open), in the middle of the first render.
    return sync.subscribe((model) => {
      const before = previous;
      previous = model;
      if (!document.hidden || typeof Notification === "undefined") return;
      if (Notification.permission !== "granted") return;
      for (const text of notificationsFor(before, model)) new Notification(text);
    });
  }, []);
}

export function askNotificationPermission() {
  if (typeof Notification !== "undefined" && Notification.permission === "default") {
    void Notification.requestPermission();
  }
}

interface ServerConfig {
  keybindings: Binding[];
  availableEditors: string[];
  /** Why the last load failed, if it did. */
  error: string | null;
}

/** `server.getConfig`, fetched on each connection and again when the server says it changed. */
export function useServerConfig(): ServerConfig {
  const [config, setConfig] = useState<ServerConfig>({ keybindings: [], availableEditors: [], error: null });
  useEffect(() => {
    const load = () =>
      transport.request<Partial<ServerConfig>>({ _tag: "server.getConfig" }).then(
        (c) => setConfig({ keybindings: c.keybindings ?? [], availableEditors: c.availableEditors ?? [], error: null }),
        // Kept (with what was loaded before) until the next connection asks again.
        (e: Error) => setConfig((now) => ({ ...now, error: `server config: ${e.message}` })),
      );
    const stopOpen = transport.onOpen(() => void load());
    const stopPush = transport.onPush((push) => push.channel === "server.configUpdated" && void load());
    return () => {
      stopOpen();
      stopPush();
    };
  }, []);
  return config;
}

/** Applies the server's keybindings: a matching key sends a `t3rs:command` event to the views. */
export function useKeybindings(serverBindings: Binding[]) {
  useEffect(() => {
    const bindings = [...CLIENT_BINDINGS, ...serverBindings];
    const isMac = /Mac|iPhone|iPad/.test(navigator.platform);
    const onKey = (e: KeyboardEvent) => {
      const terminalFocus = !!(document.activeElement as HTMLElement | null)?.closest(".xterm");
      const command = commandFor(bindings, e, { terminalFocus }, isMac);
      if (command) {
        // Ours, not the focused element's: a terminal would otherwise take mod+j as a newline.
        e.preventDefault();
        e.stopPropagation();
        window.dispatchEvent(new CustomEvent("t3rs:command", { detail: command }));
      }
    };
    // Capture, so the binding is seen before xterm (which stops the events it handles).
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [serverBindings]);
}

/** Runs `handler` for each keybinding command the views receive. */
export function useCommand(handler: (command: string) => void) {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const listener = (e: Event) => latest.current((e as CustomEvent<string>).detail);
    window.addEventListener("t3rs:command", listener);
    return () => window.removeEventListener("t3rs:command", listener);
  }, []);
}
