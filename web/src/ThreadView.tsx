// One thread: its head (title, status, editor, panels), the timeline, codex's open questions,
// the terminal drawer, the composer, and the changes panel beside them.

import { lazy, Suspense, useMemo, useState } from "react";

import { dispatch, sync, transport } from "./client";
import { Composer } from "./Composer";
import { useAction, useCommand } from "./hooks";
import { latestTurnLabel, pendingRequests, timelineRows } from "./model";
import { DiffPanel, GitBar } from "./panels";
import type { Thread } from "./protocol";
import { PendingRequest } from "./RequestCards";
import { Timeline } from "./Timeline";
import { AgentLabel, ContextMeter, planAction, RetryingBar } from "./ThreadStatus";
import { collapseWarnings, queuedMessageIds, retryingStatus } from "./threadRows";
import { changesByRow } from "./turnChanges";

const TerminalDrawer = lazy(() => import("./TerminalDrawer"));

export function ThreadView({ thread, cwd, editors }: { thread: Thread; cwd: string | null; editors: string[] }) {
  const pending = useMemo(() => pendingRequests(thread), [thread.activities, thread.session]);
  const status = thread.session?.status ?? "idle";
  const turnLabel = latestTurnLabel(thread);
  const collapsed = useMemo(() => collapseWarnings(thread.activities), [thread.activities]);
  const rows = useMemo(
    () => timelineRows(thread.messages, collapsed.activities, thread.proposedPlans),
    [thread.messages, collapsed, thread.proposedPlans],
  );
  const changes = useMemo(() => changesByRow(rows, thread.checkpoints), [rows, thread.checkpoints]);
  const retrying =
    status === "running" ? retryingStatus(thread.activities, thread.session?.activeTurnId) : null;
  const [showDiff, setShowDiff] = useState(false);
  const [showTerminal, setShowTerminal] = useState(false);
  const [error, , act] = useAction();
  useCommand((command) => {
    if (command === "terminal.toggle") setShowTerminal((v) => !v);
    if (command === "diff.toggle") setShowDiff((v) => !v);
    if (command === "terminal.close") {
      void act(async () => {
        await transport.request({ _tag: "terminal.close", threadId: thread.id });
        setShowTerminal(false);
      });
    }
  });
  return (
    <div className="thread-area">
    <div className="thread">
      {cwd && (
        <GitBar
          cwd={cwd}
          threadId={thread.id}
          revision={`${thread.checkpoints.length}:${thread.latestTurn?.completedAt ?? ""}`}
        />
      )}
      <div className="thread-head" role="group" aria-label="Thread">
        <ThreadTitle thread={thread} />
        <span className={`status status-${status}`} data-testid="session-status">
          {status}
        </span>
        {turnLabel && <span className="turn-state" data-testid="turn-state">turn {turnLabel}</span>}
        <AgentLabel thread={thread} />
        <ContextMeter thread={thread} />
        {thread.session?.lastError && <span className="error">{thread.session.lastError}</span>}
        {error && <span className="error">{error}</span>}
        <span className="spacer" />
        {cwd && <OpenInEditor cwd={cwd} editors={editors} />}
        <button className="small" data-testid="toggle-diff" aria-pressed={showDiff} onClick={() => setShowDiff((v) => !v)}>
          {showDiff ? "hide changes" : "changes"}
        </button>
        <button className="small" data-testid="toggle-terminal" aria-pressed={showTerminal} onClick={() => setShowTerminal((v) => !v)}>
          {showTerminal ? "hide terminal" : "terminal"}
        </button>
      </div>
      {/* Mounted with the first page in hand, so it opens at the bottom in one pass. */}
      {!thread.loaded ? (
        <div className="timeline timeline-loading muted" role="status" data-testid="timeline-loading">
          Loading messages…
        </div>
      ) : (
        <Timeline
          threadId={thread.id}
          rows={rows}
          repeats={collapsed.repeats}
          changes={changes}
          onPlan={status === "running" ? undefined : (plan, action) => planAction(thread, plan, action)}
          older={{ has: !!thread.hasOlder, loading: !!thread.loadingOlder, load: () => void sync.loadOlder(thread.id) }}
        />
      )}
      {retrying && <RetryingBar thread={thread} retrying={retrying} />}
      <QueuedList thread={thread} />
      {pending.map((request) => (
        <PendingRequest key={request.id} threadId={thread.id} request={request} />
      ))}
      {showTerminal && cwd && (
        <Suspense fallback={<div className="drawer muted">Loading the terminal…</div>}>
          <TerminalDrawer threadId={thread.id} cwd={cwd} onClose={() => setShowTerminal(false)} />
        </Suspense>
      )}
      <Composer thread={thread} />
    </div>
    {showDiff && <DiffPanel thread={thread} onClose={() => setShowDiff(false)} />}
    </div>
  );
}

function ThreadTitle({ thread }: { thread: Thread }) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(thread.title);
  const [error, , act] = useAction();
  const save = () =>
    act(async () => {
      const trimmed = title.trim();
      if (!trimmed) throw new Error("A thread needs a title.");
      await dispatch({ type: "thread.meta.update", threadId: thread.id, title: trimmed });
      setEditing(false);
    });
  const remove = () =>
    act(async () => {
      if (!window.confirm(`Delete the thread "${thread.title}"?`)) return;
      await dispatch({ type: "thread.delete", threadId: thread.id });
    });
  return (
    <>
      {editing ? (
        <input
          autoFocus
          aria-label="Thread title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          onKeyDown={(e) => (e.key === "Enter" ? void save() : e.key === "Escape" && setEditing(false))}
          onBlur={() => void save()}
        />
      ) : (
        <h2 onDoubleClick={() => setEditing(true)} title="Double-click to rename">
          {thread.title}
        </h2>
      )}
      <button className="small ghost hide-phone" onClick={() => setEditing(true)}>
        rename
      </button>
      <button className="small ghost danger hide-phone" onClick={remove}>
        delete
      </button>
      {error && <span className="error">{error}</span>}
    </>
  );
}

const EDITOR_KEY = "t3rs.editor";

/** Opens the thread's folder in an editor the server found; the last one used is the default
 * (and what `editor.openFavorite` opens). */
function OpenInEditor({ cwd, editors }: { cwd: string; editors: string[] }) {
  const [choice, setChoice] = useState(() => localStorage.getItem(EDITOR_KEY) ?? "");
  const [error, busy, act] = useAction();
  const editor = editors.includes(choice) ? choice : (editors[0] ?? "");
  const open = (name: string) =>
    act(async () => {
      if (!name) throw new Error("No editor was found on this machine (cursor, vscode, zed or a file manager).");
      await transport.request({ _tag: "shell.openInEditor", cwd, editor: name });
      localStorage.setItem(EDITOR_KEY, name);
      setChoice(name);
    });
  useCommand((command) => command === "editor.openFavorite" && void open(editor));
  if (editors.length === 0) return null;
  return (
    <span className="open-in-editor">
      <select value={editor} onChange={(e) => setChoice(e.target.value)} title="editor" aria-label="Editor" data-testid="editor-choice">
        {editors.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <button className="small" disabled={busy} onClick={() => void open(editor)} data-testid="open-in-editor">
        open
      </button>
      {error && <span className="error">{error}</span>}
    </span>
  );
}

/** Messages waiting for the running turn to end. */
function QueuedList({ thread }: { thread: Thread }) {
  const ids = useMemo(() => queuedMessageIds(thread.activities), [thread.activities]);
  if (ids.length === 0) return null;
  return (
    <ul className="queued" data-testid="queued" aria-label="Queued messages">
      {ids.map((id) => {
        const text = thread.messages.find((m) => m.id === id)?.text;
        return (
          <li key={id} data-testid="queued-message">
            <span className="muted">queued</span> {text ? text.slice(0, 140) : "a message"}
          </li>
        );
      })}
    </ul>
  );
}
