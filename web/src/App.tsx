// The app: the sidebar and the selected thread, with the connection state above them.

import { useEffect, useMemo, useState } from "react";

import { createThread, sync } from "./client";
import { useCommand, useConnection, useKeybindings, useModel, useNotifications, useServerConfig, useWelcome } from "./hooks";
import { Sidebar } from "./Sidebar";
import { ThreadView } from "./ThreadView";
import { FirstRun } from "./FolderPicker";
import { ProviderStatusPanel } from "./ProviderStatusPanel";
import { SettingsPage } from "./Settings";

export function App() {
  const model = useModel();
  const connection = useConnection();
  const welcome = useWelcome();
  const [selected, setSelected] = useState<string | null>(null);
  const [syncError, setSyncError] = useState<string | null>(null);
  const [showSettings, setShowSettings] = useState(false);
  useEffect(() => sync.onError(setSyncError), []);

  const threads = useMemo(() => (model?.threads ?? []).filter((t) => !t.deletedAt), [model]);
  // The chosen thread while it exists, else the welcome's bootstrap thread, else the first.
  const find = (id: string | null | undefined) => (id ? threads.find((t) => t.id === id) : undefined);
  const thread = find(selected) ?? find(welcome?.bootstrapThreadId) ?? threads[0] ?? null;
  const project = thread ? model?.projects.find((p) => p.id === thread.projectId) : undefined;
  const config = useServerConfig();
  useKeybindings(config.keybindings);
  useNotifications();
  useCommand((command) => {
    if (command === "chat.new" || command === "chat.newLocal") {
      if (project) createThread(project).then(setSelected, (e: Error) => setSyncError(e.message));
    }
  });
  return (
    <div className="app">
      <Sidebar model={model} selected={thread?.id ?? null} onSelect={setSelected} />
      <main className="main">
        <header className="topbar">
          <span className={`conn conn-${connection}`} data-testid="connection">
            {connection === "open" ? "connected" : connection}
          </span>
          {syncError && <span className="error">{syncError}</span>}
          {config.error && <span className="error">{config.error}</span>}
          <ProviderStatusPanel compact />
          <button type="button" className="small" aria-label="Settings" data-testid="settings-open" onClick={() => setShowSettings((v) => !v)}>
            ⚙
          </button>
        </header>
        {showSettings ? (
          <SettingsPage onClose={() => setShowSettings(false)} />
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
