// The command palette (mod+k): threads, projects and actions, fuzzy-filtered; arrows move,
// Enter runs, Escape closes. Actions send the `t3rs:command` events the owning views handle.
// Its own chunk: App mounts it when `palette.toggle` first opens it.

import { useEffect, useMemo, useRef, useState } from "react";

import { fuzzyFilter } from "./navigation";
import type { ReadModel } from "./protocol";

interface Item {
  id: string;
  label: string;
  group: "Thread" | "Project" | "Action";
  /** Where a thread lives: equal titles ("New thread") are told apart by it. */
  detail?: string;
  run: () => void;
}

const ACTIONS: Array<[command: string, label: string]> = [
  ["chat.new", "New thread"],
  ["settings.open", "Open settings"],
  ["theme.toggle", "Toggle theme"],
  ["terminal.toggle", "Toggle terminal"],
  ["diff.toggle", "Toggle changes panel"],
  ["thread.archive", "Archive thread"],
];

export function sendCommand(command: string) {
  window.dispatchEvent(new CustomEvent("t3rs:command", { detail: command }));
}

export default function CommandPalette(props: {
  model: ReadModel | null;
  onOpenThread: (threadId: string) => void;
  /** A project chosen: its newest thread, or a new one. */
  onOpenProject: (projectId: string) => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  // Focus comes back to where it was when the palette closes.
  useEffect(() => {
    const returnFocus = document.activeElement as HTMLElement | null;
    input.current?.focus();
    return () => returnFocus?.focus?.();
  }, []);

  const items = useMemo(() => {
    const all: Item[] = [];
    const projectTitle = new Map((props.model?.projects ?? []).map((p) => [p.id, p.title]));
    for (const t of props.model?.threads ?? []) {
      if (t.deletedAt || t.archivedAt) continue;
      const detail = projectTitle.get(t.projectId);
      all.push({ id: `t:${t.id}`, label: t.title, group: "Thread", detail, run: () => props.onOpenThread(t.id) });
    }
    for (const p of props.model?.projects ?? []) {
      if (!p.deletedAt) all.push({ id: `p:${p.id}`, label: p.title, group: "Project", run: () => props.onOpenProject(p.id) });
    }
    for (const [command, label] of ACTIONS) all.push({ id: `a:${command}`, label, group: "Action", run: () => sendCommand(command) });
    return fuzzyFilter(query, all, (i) => i.label).slice(0, 50);
  }, [props.model, props.onOpenThread, props.onOpenProject, query]);

  const close = props.onClose;
  const choose = (item: Item | undefined) => {
    if (!item) return;
    close();
    item.run();
  };
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((i) => Math.min(i + 1, items.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (e.key === "Enter") {
      e.preventDefault();
      choose(items[active]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      close();
    }
  };
  const optionId = (i: number) => `palette-item-${i}`;
  return (
    <div className="palette-backdrop" onMouseDown={close}>
      <div
        className="palette"
        role="dialog"
        aria-modal="true"
        aria-label="Command palette"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <input
          ref={input}
          aria-label="Search threads, projects and actions"
          placeholder="Threads, projects, actions…"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={items.length ? optionId(active) : undefined}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKey}
        />
        <ul id="palette-list" role="listbox" aria-label="Results" className="palette-list">
          {items.length === 0 && <li className="muted">Nothing matches.</li>}
          {items.map((item, i) => (
            <li
              key={item.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className={`palette-item ${i === active ? "active" : ""}`}
              onMouseEnter={() => setActive(i)}
              onClick={() => choose(item)}
            >
              <span>{item.label}</span>
              <span className="palette-group">{item.detail ? `${item.group} · ${item.detail}` : item.group}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
