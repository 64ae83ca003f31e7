import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";

import { createThread, dispatch, now, newId, startTurn, sync, transport } from "./client";
import { isTurnRunning, latestTurnLabel, pendingRequests, timelineRows } from "./model";
import type { Activity, Project, ReadModel, Thread, Welcome } from "./protocol";
import type { ConnectionState } from "./transport";
import { useAction } from "./hooks";
import { DiffPanel, GitBar } from "./panels";
import { Timeline } from "./Timeline";
import { Markdown } from "./Markdown";
import { notificationsFor } from "./notifications";
import { commandFor, type Binding } from "./keybindings";

const TerminalDrawer = lazy(() => import("./TerminalDrawer"));

/** The read model, re-rendered at most once per animation frame however fast events come. */
function useModel(): ReadModel | null {
  const [model, setModel] = useState<ReadModel | null>(sync.model);
  const current = useRef<ReadModel | null>(sync.model);
  useEffect(() => {
    let frame = 0;
    let latest: ReadModel | null = null;
    const unsubscribe = sync.subscribe((m) => {
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

function useConnection(): ConnectionState {
  const [state, setState] = useState(transport.connection);
  useEffect(() => {
    const unsubscribe = transport.onState(setState);
    // It may have changed between the first render and this subscription.
    setState(transport.connection);
    return unsubscribe;
  }, []);
  return state;
}

function useWelcome(): Welcome | null {
  const [welcome, setWelcome] = useState<Welcome | null>(null);
  useEffect(
    () =>
      transport.onPush((push) => {
        if (push.channel === "server.welcome") setWelcome(push.data as Welcome);
      }),
    [],
  );
  return welcome;
}


export function App() {
  const model = useModel();
  const connection = useConnection();
  const welcome = useWelcome();
  const [selected, setSelected] = useState<string | null>(null);
  const [syncError, setSyncError] = useState<string | null>(null);
  useEffect(() => sync.onError(setSyncError), []);

  const threads = useMemo(() => (model?.threads ?? []).filter((t) => !t.deletedAt), [model]);
  useEffect(() => {
    if (selected && threads.some((t) => t.id === selected)) return;
    const first = welcome?.bootstrapThreadId ?? threads[0]?.id ?? null;
    if (first && threads.some((t) => t.id === first)) setSelected(first);
  }, [threads, selected, welcome]);

  const thread = threads.find((t) => t.id === selected) ?? null;
  const config = useServerConfig();
  useKeybindings(config.keybindings);
  useNotifications();
  useCommand((command) => {
    if ((command === "chat.new" || command === "chat.newLocal") && thread) {
      const project = model?.projects.find((p) => p.id === thread.projectId);
      if (project) createThread(project).then(setSelected, (e: Error) => setSyncError(e.message));
    }
  });
  return (
    <div className="app">
      <Sidebar model={model} selected={selected} onSelect={setSelected} />
      <main className="main">
        <header className="topbar">
          <span className={`conn conn-${connection}`} data-testid="connection">
            {connection === "open" ? "connected" : connection}
          </span>
          {syncError && <span className="error">{syncError}</span>}
        </header>
        {thread ? (
          <ThreadView
            key={thread.id}
            thread={thread}
            editors={config.availableEditors}
            cwd={thread.worktreePath ?? model?.projects.find((p) => p.id === thread.projectId)?.workspaceRoot ?? null}
          />
        ) : (
          <div className="empty">{model ? "Add a project and start a thread." : "Loading…"}</div>
        )}
      </main>
    </div>
  );
}

function Sidebar(props: { model: ReadModel | null; selected: string | null; onSelect: (id: string) => void }) {
  const [path, setPath] = useState("");
  const [error, , act] = useAction();
  const projects = (props.model?.projects ?? []).filter((p) => !p.deletedAt);
  const addProject = () =>
    act(async () => {
      const root = path.trim();
      if (!root) throw new Error("Type the project's folder path first.");
      const title = root.split("/").filter(Boolean).pop() ?? root;
      await dispatch({ type: "project.create", projectId: newId(), title, workspaceRoot: root, createdAt: now() });
      setPath("");
    });
  return (
    <nav className="sidebar">
      <h1>t3rs</h1>
      {projects.map((project) => (
        <ProjectEntry
          key={project.id}
          project={project}
          threads={props.model?.threads ?? []}
          selected={props.selected}
          onSelect={props.onSelect}
        />
      ))}
      <div className="add-project">
        <input
          placeholder="/path/to/project"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && addProject()}
        />
        <button onClick={addProject}>Add project</button>
        {error && <div className="error">{error}</div>}
      </div>
    </nav>
  );
}

function ProjectEntry(props: {
  project: Project;
  threads: Thread[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const [error, , act] = useAction();
  const threads = props.threads.filter((t) => t.projectId === props.project.id && !t.deletedAt);
  const newThread = () => act(async () => props.onSelect(await createThread(props.project)));
  return (
    <section className="project">
      <div className="project-title" title={props.project.workspaceRoot}>
        {props.project.title}
        <button className="small" onClick={newThread}>
          + thread
        </button>
      </div>
      {threads.map((t) => (
        <button
          key={t.id}
          className={`thread-link ${t.id === props.selected ? "active" : ""}`}
          onClick={() => props.onSelect(t.id)}
        >
          {t.title}
          {t.session?.status === "running" && <span className="dot" title="running" />}
        </button>
      ))}
      {error && <div className="error">{error}</div>}
    </section>
  );
}

function ThreadView({ thread, cwd, editors }: { thread: Thread; cwd: string | null; editors: string[] }) {
  const pending = pendingRequests(thread);
  const status = thread.session?.status ?? "idle";
  const turnLabel = latestTurnLabel(thread);
  const rows = useMemo(() => timelineRows(thread.messages, thread.activities), [thread.messages, thread.activities]);
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
        footer={thread.proposedPlans.map((plan) => (
          <div key={plan.id} className="plan" data-testid="proposed-plan">
            <div className="label">Proposed plan</div>
            <Markdown text={plan.planMarkdown} />
          </div>
        ))}
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

const MAX_IMAGES = 8;
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

function Composer({ thread }: { thread: Thread }) {
  const [text, setText] = useState("");
  const [images, setImages] = useState<Array<{ name: string; mimeType: string; sizeBytes: number; dataUrl: string }>>([]);
  const [model, setModel] = useState(thread.model);
  const [effort, setEffort] = useState("");
  const [error, , act] = useAction();
  const running = isTurnRunning(thread);
  const picker = useRef<HTMLInputElement>(null);

  const addFiles = (files: FileList | File[]) =>
    act(async () => {
      const list = Array.from(files);
      const other = list.find((f) => !f.type.startsWith("image/"));
      if (other) throw new Error(`${other.name} is not an image: only images can be attached.`);
      if (images.length + list.length > MAX_IMAGES) throw new Error(`At most ${MAX_IMAGES} images per turn.`);
      const added: Array<{ name: string; mimeType: string; sizeBytes: number; dataUrl: string }> = [];
      for (const file of list) {
        if (file.size > MAX_IMAGE_BYTES) throw new Error(`${file.name} is larger than 10 MB.`);
        const dataUrl = await new Promise<string>((resolve, reject) => {
          const reader = new FileReader();
          reader.onload = () => resolve(String(reader.result));
          reader.onerror = () => reject(new Error(`${file.name} could not be read.`));
          reader.readAsDataURL(file);
        });
        added.push({ name: file.name, mimeType: file.type, sizeBytes: file.size, dataUrl });
      }
      setImages((now) => now.concat(added));
    });

  const send = () =>
    act(async () => {
      if (!text.trim() && images.length === 0) return;
      await startTurn({
        threadId: thread.id,
        text,
        runtimeMode: thread.runtimeMode,
        interactionMode: thread.interactionMode,
        model: model.trim() || undefined,
        reasoningEffort: effort || undefined,
        attachments: images.map((i) => ({ type: "image" as const, ...i })),
      });
      askNotificationPermission();
      setText("");
      setImages([]);
    });

  // The thread's modes are recorded on the thread (they win over a turn's), so the toggles
  // show what the server holds and flip once it has it.
  const setInteraction = (mode: "plan" | "default") =>
    act(() =>
      dispatch({ type: "thread.interaction-mode.set", threadId: thread.id, interactionMode: mode, createdAt: now() }),
    );
  const setMode = (mode: "approval-required" | "full-access") =>
    act(() => dispatch({ type: "thread.runtime-mode.set", threadId: thread.id, runtimeMode: mode, createdAt: now() }));

  return (
    <div
      className="composer"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        void addFiles(e.dataTransfer.files);
      }}
    >
      <textarea
        data-testid="composer"
        placeholder="Ask codex…"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onPaste={(e) => e.clipboardData.files.length > 0 && void addFiles(e.clipboardData.files)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            void send();
          }
        }}
      />
      {images.length > 0 && (
        <div className="images" data-testid="composer-images">
          {images.map((image, i) => (
            <span key={`${i}:${image.name}`} className="thumb">
              <img src={image.dataUrl} alt={image.name} title={image.name} />
              <button
                className="small"
                title={`Remove ${image.name}`}
                onClick={() => setImages((now) => now.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </span>
          ))}
        </div>
      )}
      <div className="controls">
        <label>
          <input
            type="checkbox"
            data-testid="approval-toggle"
            checked={thread.runtimeMode === "approval-required"}
            onChange={(e) => void setMode(e.target.checked ? "approval-required" : "full-access")}
          />
          ask before acting
        </label>
        <label>
          <input
            type="checkbox"
            data-testid="plan-toggle"
            checked={thread.interactionMode === "plan"}
            onChange={(e) => void setInteraction(e.target.checked ? "plan" : "default")}
          />
          plan mode
        </label>
        <input className="model" list="models" value={model} onChange={(e) => setModel(e.target.value)} title="model" />
        <datalist id="models">
          <option value="gpt-5.4" />
          <option value="gpt-5.3-codex" />
          <option value="gpt-5.3-codex-spark" />
        </datalist>
        <select value={effort} onChange={(e) => setEffort(e.target.value)} title="reasoning effort">
          <option value="">default effort</option>
          <option value="low">low</option>
          <option value="medium">medium</option>
          <option value="high">high</option>
          <option value="xhigh">xhigh</option>
        </select>
        <input
          ref={picker}
          type="file"
          accept="image/*"
          multiple
          hidden
          data-testid="image-input"
          onChange={(e) => {
            if (e.target.files) void addFiles(e.target.files);
            e.target.value = "";
          }}
        />
        <button className="small" onClick={() => picker.current?.click()} title="Attach images (or paste or drop them)">
          attach image
        </button>
        <span className="spacer" />
        {running && (
          <button
            onClick={() =>
              act(() => dispatch({ type: "thread.turn.interrupt", threadId: thread.id, createdAt: now() }))
            }
          >
            Interrupt
          </button>
        )}
        {thread.session && thread.session.status !== "stopped" && (
          <button
            onClick={() => act(() => dispatch({ type: "thread.session.stop", threadId: thread.id, createdAt: now() }))}
          >
            Stop
          </button>
        )}
        <button className="primary" data-testid="send" onClick={() => void send()}>
          Send
        </button>
      </div>
      {error && <div className="error">{error}</div>}
    </div>
  );
}

/** Browser notifications, while the tab is hidden, when a turn ends or codex needs an answer
 * (permission is asked for on the first send, a user gesture). */
function useNotifications() {
  useEffect(() => {
    let previous: ReadModel | null = null;
    return sync.subscribe((model) => {
      const news = notificationsFor(previous, model);
      previous = model;
      if (news.length === 0 || typeof Notification === "undefined") return;
      if (!document.hidden || Notification.permission !== "granted") return;
      for (const text of news) new Notification(text);
    });
  }, []);
}

function askNotificationPermission() {
  if (typeof Notification !== "undefined" && Notification.permission === "default") {
    void Notification.requestPermission();
  }
}

interface ServerConfig {
  keybindings: Binding[];
  availableEditors: string[];
}

/** `server.getConfig`, fetched on each connection and again when the server says it changed. */
function useServerConfig(): ServerConfig {
  const [config, setConfig] = useState<ServerConfig>({ keybindings: [], availableEditors: [] });
  useEffect(() => {
    const load = () =>
      transport
        .request<Partial<ServerConfig>>({ _tag: "server.getConfig" })
        .then((c) => setConfig({ keybindings: c.keybindings ?? [], availableEditors: c.availableEditors ?? [] }))
        .catch(() => {
          /* asked again on the next connection */
        });
    const stopOpen = transport.onOpen(() => void load());
    const stopPush = transport.onPush((push) => push.channel === "server.configUpdated" && void load());
    if (transport.connection === "open") void load();
    return () => {
      stopOpen();
      stopPush();
    };
  }, []);
  return config;
}

/** Applies the server's keybindings: a matching key sends a `t3rs:command` event to the views. */
function useKeybindings(bindings: Binding[]) {
  useEffect(() => {
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
  }, [bindings]);
}

/** Runs `handler` for each keybinding command the views receive. */
function useCommand(handler: (command: string) => void) {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const listener = (e: Event) => latest.current((e as CustomEvent<string>).detail);
    window.addEventListener("t3rs:command", listener);
    return () => window.removeEventListener("t3rs:command", listener);
  }, []);
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
