// The app: the sidebar and the selected thread, with the connection state above them.

import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";

import { createThread, dispatch, sync } from "./client";
import { useCommand, useConnection, useKeybindings, useModel, useNotifications, useServerConfig, useWelcome } from "./hooks";
import { newestFirst } from "./navigation";
import { currentRoute, navigate, onRouteChange, type Route } from "./router";
import { Sidebar } from "./Sidebar";
import { setTheme } from "./theme";
import { ThemeSwitch } from "./ThemeSwitch";
import { ThreadView } from "./ThreadView";
import { ProviderStatusPanel } from "./ProviderStatusPanel";

const SettingsPage = lazy(() => import("./Settings"));
const CommandPalette = lazy(() => import("./CommandPalette"));
const PALETTE_COMMAND = "palette.toggle";
// Shown once per install: not worth a byte of every later first visit.
const FirstRun = lazy(() => import("./FolderPicker").then((m) => ({ default: m.FirstRun })));

export function App() {
  const model = useModel();
  const connection = useConnection();
  const welcome = useWelcome();
  // The address bar holds the selection: `/<threadId>` survives a reload, back/forward work.
  const [route, setRoute] = useState<Route>(currentRoute);
  useEffect(() => onRouteChange(setRoute), []);
  const selected = route.kind === "thread" ? route.threadId : null;
  const setSelected = (id: string) => navigate({ kind: "thread", threadId: id });
  const [syncError, setSyncError] = useState<string | null>(null);
  // Below 768px the sidebar is a drawer: opened from the top bar, closed by a choice, Escape or
  // the backdrop (styles.css hides it on wider screens, where it is always shown).
  const [drawer, setDrawer] = useState(false);
  useEffect(() => {
    // Focus follows the drawer: into it when it opens, back to the menu button when it closes.
    const sidebar = document.getElementById("sidebar");
    if (!drawer) {
      if (sidebar?.contains(document.activeElement)) document.querySelector<HTMLElement>('[data-testid="menu"]')?.focus();
      return;
    }
    sidebar?.querySelector<HTMLElement>("button, input")?.focus();
    const close = (e: KeyboardEvent) => e.key === "Escape" && setDrawer(false);
    window.addEventListener("keydown", close);
    return () => window.removeEventListener("keydown", close);
  }, [drawer]);
  const choose = (id: string) => {
    setSelected(id);
    setDrawer(false);
  };
  useEffect(() => sync.onError(setSyncError), []);

  const threads = useMemo(() => (model?.threads ?? []).filter((t) => !t.deletedAt), [model]);
  // The chosen thread while it exists, else the welcome's bootstrap thread, else the first.
  const find = (id: string | null | undefined) => (id ? threads.find((t) => t.id === id) : undefined);
  const thread = find(selected) ?? find(welcome?.bootstrapThreadId) ?? threads[0] ?? null;
  // Only the thread on screen has its history subscribed (sync.ts). Before the shell is in,
  // no thread is known yet, which is not a choice of none: the thread the early socket took
  // (sync.ts) stays open.
  const known = model !== null;
  useEffect(() => {
    if (known) sync.open(thread?.id ?? null);
  }, [known, thread?.id]);
  const project = thread ? model?.projects.find((p) => p.id === thread.projectId) : undefined;
  // An address opened naming no thread (deleted, or mistyped) gives way to the thread shown
  // instead; checked on the first model only, as a thread just created arrives after its id.
  const checkedAddress = useRef(false);
  useEffect(() => {
    if (!model || checkedAddress.current) return;
    checkedAddress.current = true;
    if (selected && !find(selected)) navigate(thread ? { kind: "thread", threadId: thread.id } : { kind: "home" }, true);
  }, [model]);
  const config = useServerConfig();
  useKeybindings(config.keybindings);
  useNotifications();
  const [palette, setPalette] = useState(false);
  useCommand((command) => {
    if (command === PALETTE_COMMAND) setPalette((open) => !open);
    if (command === "chat.new" || command === "chat.newLocal") {
      if (project) createThread(project).then(setSelected, (e: Error) => setSyncError(e.message));
    }
    if (command === "settings.open") navigate({ kind: "settings" });
    if (command === "theme.toggle") {
      // The palette's toggle flips what is shown now (data-theme says it, whatever the choice).
      setTheme(document.documentElement.dataset.theme === "dark" ? "light" : "dark");
    }
    if (command === "thread.archive" && thread && !thread.archivedAt) {
      dispatch({ type: "thread.archive", threadId: thread.id }).catch((e: Error) => setSyncError(`Archive failed: ${e.message}`));
    }
  });
  const leaveSettings = () => navigate(thread ? { kind: "thread", threadId: thread.id } : { kind: "home" });
  const openProject = (projectId: string) => {
    const newest = threads.filter((t) => t.projectId === projectId && !t.archivedAt).sort((a, b) => newestFirst(a.updatedAt, b.updatedAt))[0];
    const target = model?.projects.find((p) => p.id === projectId);
    if (newest) setSelected(newest.id);
    else if (target) createThread(target).then(setSelected, (e: Error) => setSyncError(e.message));
  };
  return (
    <div className={`app ${drawer ? "drawer-open" : ""}`}>
      <Sidebar model={model} selected={thread?.id ?? null} onSelect={choose} />
      <button className="drawer-backdrop" aria-label="Close the sidebar" tabIndex={-1} onClick={() => setDrawer(false)} />
      {palette && (
        <Suspense fallback={null}>
          <CommandPalette model={model} onOpenThread={choose} onOpenProject={openProject} onClose={() => setPalette(false)} />
        </Suspense>
      )}
      <div className="main">
        <header className="topbar">
          <button
            className="ghost icon-btn menu-btn"
            aria-label="Open the sidebar"
            aria-expanded={drawer}
            aria-controls="sidebar"
            data-testid="menu"
            onClick={() => setDrawer(true)}
          >
            ☰
          </button>
          <span className={`conn conn-${connection}`} data-testid="connection">
            {connection === "open" ? "connected" : connection}
          </span>
          {syncError && <span className="error">{syncError}</span>}
          {config.error && <span className="error">{config.error}</span>}
          <span className="spacer" />
          <ProviderStatusPanel compact />
          <ThemeSwitch compact />
          <button type="button" className="ghost icon-btn" aria-label="Settings" data-testid="settings-open" onClick={() => (route.kind === "settings" ? leaveSettings() : navigate({ kind: "settings" }))}>
            ⚙
          </button>
        </header>
        <main className="thread-main">
        {route.kind === "settings" ? (
          <Suspense fallback={<div className="muted settings-page">Loading settings…</div>}>
            <SettingsPage onClose={leaveSettings} theme={<ThemeSwitch />} />
          </Suspense>
        ) : model && model.projects.filter((p) => !p.deletedAt).length === 0 ? (
          <Suspense fallback={<div className="muted">Loading…</div>}>
            <FirstRun status={<ProviderStatusPanel />} />
          </Suspense>
        ) : thread ? (
          <ThreadView
            key={thread.id}
            thread={thread}
            editors={config.availableEditors}
            cwd={thread.worktreePath ?? project?.workspaceRoot ?? null}
          />
        ) : (
          <div className="empty">{model ? "Add a project and start a thread." : "Loading…"}</div>
        )}
        </main>
      </div>
    </div>
  );
}
