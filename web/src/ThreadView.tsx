// One thread: its head (title, status, editor, panels), the timeline, codex's open questions,
// the terminal drawer, the composer, and the changes panel beside them.

import { lazy, Suspense, useMemo, useState } from "react";

import { dispatch, now, sync, transport } from "./client";
import { Composer } from "./Composer";
import { useAction, useCommand } from "./hooks";
import { latestTurnLabel, pendingRequests, timelineRows } from "./model";
import { DiffPanel, GitBar } from "./panels";
import type { Activity, Thread } from "./protocol";
import { Timeline } from "./Timeline";

const TerminalDrawer = lazy(() => import("./TerminalDrawer"));

export function ThreadView({ thread, cwd, editors }: { thread: Thread; cwd: string | null; editors: string[] }) {
  const pending = useMemo(() => pendingRequests(thread), [thread.activities, thread.session]);
  const status = thread.session?.status ?? "idle";
  const turnLabel = latestTurnLabel(thread);
  const rows = useMemo(
    () => timelineRows(thread.messages, thread.activities, thread.proposedPlans),
    [thread.messages, thread.activities, thread.proposedPlans],
  );
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
      <div className="thread-head">
        <ThreadTitle thread={thread} />
        <span className={`status status-${status}`} data-testid="session-status">
          {status}
        </span>
        {turnLabel && <span className="turn-state" data-testid="turn-state">turn {turnLabel}</span>}
        {thread.session?.lastError && <span className="error">{thread.session.lastError}</span>}
        {error && <span className="error">{error}</span>}
        <span className="spacer" />
        {cwd && <OpenInEditor cwd={cwd} editors={editors} />}
        <button className="small" data-testid="toggle-diff" onClick={() => setShowDiff((v) => !v)}>
          {showDiff ? "hide changes" : "changes"}
        </button>
        <button className="small" data-testid="toggle-terminal" onClick={() => setShowTerminal((v) => !v)}>
          {showTerminal ? "hide terminal" : "terminal"}
        </button>
      </div>
      <Timeline
        rows={rows}
        older={{ has: !!thread.hasOlder, loading: !!thread.loadingOlder, load: () => void sync.loadOlder(thread.id) }}
      />
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
    {showDiff && <DiffPanel thread={thread} />}
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
      <button className="small" onClick={() => setEditing(true)}>
        rename
      </button>
      <button className="small" onClick={remove}>
        delete
      </button>
      {error && <span className="error">{error}</span>}
    </>
  );
}

function PendingRequest({ threadId, request }: { threadId: string; request: Activity }) {
  const [error, , act] = useAction();
  const requestId = String(request.payload?.requestId ?? "");
  if (request.kind === "approval.requested") {
    const decide = (decision: string) =>
      act(() => dispatch({ type: "thread.approval.respond", threadId, requestId, decision, createdAt: now() }));
    return (
      <div className="card approval" data-testid="approval-card">
        <div className="label">{request.summary}</div>
        {request.payload?.detail && <pre>{String(request.payload.detail)}</pre>}
        <div className="buttons">
          <button onClick={() => decide("accept")}>Accept</button>
          <button onClick={() => decide("acceptForSession")}>Accept for session</button>
          <button onClick={() => decide("decline")}>Decline</button>
          <button onClick={() => decide("cancel")}>Cancel</button>
        </div>
        {error && <div className="error">{error}</div>}
      </div>
    );
  }
  const questions: Array<{ id: string; question: string; options?: Array<{ label: string }> }> =
    request.payload?.questions ?? [];
  const answer = (questionId: string, label: string) =>
    act(() =>
      dispatch({
        type: "thread.user-input.respond",
        threadId,
        requestId,
        answers: { [questionId]: label },
        createdAt: now(),
      }),
    );
  return (
    <div className="card question" data-testid="question-card">
      {questions.map((q) => (
        <div key={q.id}>
          <div className="label">{q.question}</div>
          <div className="buttons">
            {(q.options ?? []).map((o) => (
              <button key={o.label} onClick={() => answer(q.id, o.label)}>
                {o.label}
              </button>
            ))}
          </div>
        </div>
      ))}
      {error && <div className="error">{error}</div>}
    </div>
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
      <select value={editor} onChange={(e) => setChoice(e.target.value)} title="editor" data-testid="editor-choice">
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
