// The app: the sidebar and the selected thread, with the connection state above them.

import { useEffect, useMemo, useRef, useState } from "react";

import { createThread, dispatch, sync } from "./client";
import { CommandPalette } from "./CommandPalette";
import { useCommand, useConnection, useKeybindings, useModel, useNotifications, useServerConfig, useWelcome } from "./hooks";
import { currentRoute, navigate, onRouteChange, type Route } from "./router";
import { Sidebar } from "./Sidebar";
import { ThreadView } from "./ThreadView";
import { FirstRun } from "./FolderPicker";
import { ProviderStatusPanel } from "./ProviderStatusPanel";
import { SettingsPage } from "./Settings";

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
  useEffect(() => sync.onError(setSyncError), []);

  const threads = useMemo(() => (model?.threads ?? []).filter((t) => !t.deletedAt), [model]);
  // The chosen thread while it exists, else the welcome's bootstrap thread, else the first.
  const find = (id: string | null | undefined) => (id ? threads.find((t) => t.id === id) : undefined);
  const thread = find(selected) ?? find(welcome?.bootstrapThreadId) ?? threads[0] ?? null;
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
  useCommand((command) => {
    if (command === "chat.new" || command === "chat.newLocal") {
      if (project) createThread(project).then(setSelected, (e: Error) => setSyncError(e.message));
    }
    if (command === "settings.open") navigate({ kind: "settings" });
    if (command === "thread.archive" && thread && !thread.archivedAt) {
      dispatch({ type: "thread.archive", threadId: thread.id }).catch((e: Error) => setSyncError(`Archive failed: ${e.message}`));
    }
  });
  const leaveSettings = () => navigate(thread ? { kind: "thread", threadId: thread.id } : { kind: "home" });
  const openProject = (projectId: string) => {
    const newest = threads.filter((t) => t.projectId === projectId && !t.archivedAt).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
    const target = model?.projects.find((p) => p.id === projectId);
    if (newest) setSelected(newest.id);
    else if (target) createThread(target).then(setSelected, (e: Error) => setSyncError(e.message));
  };
  return (
    <div className="app">
      <Sidebar model={model} selected={thread?.id ?? null} onSelect={setSelected} />
      <CommandPalette model={model} onOpenThread={setSelected} onOpenProject={openProject} />
      <main className="main">
        <header className="topbar">
          <span className={`conn conn-${connection}`} data-testid="connection">
            {connection === "open" ? "connected" : connection}
          </span>
          {syncError && <span className="error">{syncError}</span>}
          {config.error && <span className="error">{config.error}</span>}
          <ProviderStatusPanel compact />
          <button type="button" className="small" aria-label="Settings" data-testid="settings-open" onClick={() => (route.kind === "settings" ? leaveSettings() : navigate({ kind: "settings" }))}>
            ⚙
          </button>
        </header>
        {route.kind === "settings" ? (
          <SettingsPage onClose={leaveSettings} />
        ) : model && model.projects.filter((p) => !p.deletedAt).length === 0 ? (
          <FirstRun status={<ProviderStatusPanel />} />
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
  );
}
